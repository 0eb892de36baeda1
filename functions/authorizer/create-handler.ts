import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { lambdaHandler } from '#functions/lambda-handler.ts';
import { isTransient } from '#shared/aws/transient.ts';
import type { Config } from '#shared/config.ts';
import { Unauthenticated } from '#shared/domain/errors.ts';
import type { AuthContext } from '#shared/http/routes.ts';
import { logger } from '#shared/logger.ts';

/** The authorizer; handler.ts builds it from the cold start's config, the local stack from its own. */
export const createAuthorizer = (config: Config) => {
  const accounts = composeAccounts(config);

  /**
   * Resolves the API key to an identity. It always "authorizes" and leaves the refusal to the API
   * handler, because an HTTP API authorizer can only refuse with a bare 403 and the contract is
   * 401 with a `{"detail"}` body. The API handler refuses every authenticated route without `user_id`.
   */
  const authorize = async (
    event: APIGatewayRequestAuthorizerEventV2,
  ): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthContext>> => {
    try {
      const identity = await accounts.authenticate(event.headers?.authorization);
      return { isAuthorized: true, context: { user_id: identity.userId, key_id: identity.keyId } };
    } catch (error) {
      // A throttled or unreachable table is no verdict on the key: the API answers 502 + Retry-After
      // (a thrown error would be API Gateway's bare 500).
      if (isTransient(error)) {
        logger.warn('could not check the key', { route: event.routeKey, error: error as Error });
        return { isAuthorized: true, context: { auth_unavailable: 'true' } };
      }
      if (!(error instanceof Unauthenticated)) throw error;
      logger.info('unauthenticated request', { route: event.routeKey, reason: error.message });
      return { isAuthorized: true, context: { auth_error: error.message } };
    }
  };

  return lambdaHandler(authorize);
};
