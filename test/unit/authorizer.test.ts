import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '#infra/local/lambda-context.ts';
import { logger } from '#shared/logger.ts';

// Nothing here reaches DynamoDB: a request without a key is refused before any read.
Object.assign(process.env, {
  TABLE_NAME: 'unused',
  ORIGINALS_BUCKET: 'unused',
  DERIVED_BUCKET: 'unused',
  DARKROOM_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
});

afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel('SILENT');
});

describe('handler log lines', () => {
  it('carry the Lambda context of the invocation that wrote them', async () => {
    const { handler } = await import('#functions/authorizer/handler.ts');
    logger.setLogLevel('INFO');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const context = lambdaContext('authorizer', 5_000);
    const event = { routeKey: 'GET /api/libraries', headers: {} } as unknown as APIGatewayRequestAuthorizerEventV2;
    expect(await handler(event, context)).toMatchObject({ isAuthorized: true, context: { auth_error: /missing/ } });
    const logged = lines.map((line) => JSON.parse(line)).find((l) => l.message === 'unauthenticated request');
    expect(logged).toMatchObject({
      function_name: 'authorizer',
      function_request_id: context.awsRequestId,
      function_arn: context.invokedFunctionArn,
    });
  });
});

describe('a key that cannot be checked', () => {
  it('is no verdict: the authorizer says so and the API answers 502 with Retry-After, not 401 or 500', async () => {
    const { handler } = await import('#functions/authorizer/handler.ts');
    const event = {
      routeKey: 'GET /api/libraries',
      headers: { authorization: 'Bearer dk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
    } as unknown as APIGatewayRequestAuthorizerEventV2;
    // The table's endpoint refuses connections: the SDK retries, then gives up with a network error.
    const verdict = await handler(event, lambdaContext('authorizer', 30_000));
    expect(verdict).toEqual({ isAuthorized: true, context: { auth_unavailable: 'true' } });

    const { router } = await import('#functions/api/router.ts');
    const api = router({} as Parameters<typeof router>[0]);
    const result = await api(
      {
        routeKey: 'GET /api/libraries',
        requestContext: { authorizer: { lambda: verdict.context } },
      } as unknown as Parameters<typeof api>[0],
      lambdaContext('api', 30_000),
    );
    expect(result.statusCode).toBe(502);
    expect(result.headers).toMatchObject({ 'retry-after': expect.any(String) });
    expect(JSON.parse(result.body ?? '{}').detail).toMatch(/temporarily unavailable/);
  });
});
