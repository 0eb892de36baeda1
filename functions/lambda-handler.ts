import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '#shared/logger.ts';

/**
 * Every handler the same way: Powertools puts the invocation's context on each log line. Middy's
 * early timeout is off: it would answer a slow request with a bare 500 just before Lambda's own
 * timeout, which the platform enforces anyway.
 */
export const lambdaHandler = <E, R>(handler: (event: E, context: Context) => Promise<R>) =>
  middy(handler, { timeoutEarlyInMillis: 0 }).use(injectLambdaContext(logger, { resetKeys: true }));
