import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { json } from '#shared/http/response.ts';
import { logger } from '../../shared/logger.ts';
import { composeAssets } from '../compose-assets.ts';
import { router } from './router.ts';
import { assetRoutes } from './routes/assets.ts';
import { libraryRoutes } from './routes/libraries.ts';
import { uploadRoutes } from './routes/uploads.ts';

const services = composeAssets();

export const handler = middy(
  router({
    health: async () => json(200, { status: 'ok' }),
    ...libraryRoutes(services.accounts),
    ...assetRoutes(services),
    ...uploadRoutes(services),
  }),
).use(injectLambdaContext(logger, { resetKeys: true }));
