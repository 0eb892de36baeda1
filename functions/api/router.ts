import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { Unauthenticated, Unavailable } from '#shared/domain/errors.ts';
import { errorResponse } from '#shared/http/errors.ts';
import { json } from '#shared/http/response.ts';
import { type AuthContext, ROUTES, type RouteName, routeKey } from '#shared/http/routes.ts';
import { logger } from '#shared/logger.ts';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2;
export type RouteHandler = (event: ApiEvent, userId: string, context: Context) => Promise<ApiResult>;

const byRouteKey = new Map(Object.entries(ROUTES).map(([name, route]) => [routeKey(route), name as RouteName]));

/** Dispatches on API Gateway's routeKey; every route named in ROUTES must have a handler. */
export const router =
  (handlers: Record<RouteName, RouteHandler>) =>
  async (event: ApiEvent, context: Context): Promise<ApiResult> => {
    const started = Date.now();
    const name = byRouteKey.get(event.routeKey);
    let result: ApiResult;
    try {
      if (!name) {
        result = json(404, { detail: 'not found' });
      } else {
        const userId = ROUTES[name].auth ? authenticatedUser(event) : '';
        result = await handlers[name](event, userId, context);
      }
    } catch (error) {
      const mapped = errorResponse(error);
      if (mapped.unexpected) logger.error('request failed', { route: event.routeKey, error: error as Error });
      else if (mapped.response.statusCode === 502)
        logger.warn('a store stayed unavailable through the retries', { route: event.routeKey, error: error as Error });
      result = mapped.response;
    }
    logger.info('request', {
      route: event.routeKey,
      status: result.statusCode,
      ms: Date.now() - started,
      user: event.requestContext.authorizer?.lambda?.user_id,
    });
    return result;
  };

const authenticatedUser = (event: ApiEvent): string => {
  const context = event.requestContext.authorizer?.lambda;
  if (context?.auth_unavailable) throw new Unavailable('the API key could not be checked just now; retry shortly');
  if (!context?.user_id) {
    throw new Unauthenticated(context?.auth_error ?? 'missing Authorization: Bearer <api key>');
  }
  return context.user_id;
};
