import { composeAssets } from '#functions/compose-assets.ts';
import { lambdaHandler } from '#functions/lambda-handler.ts';
import type { Config } from '#shared/config.ts';
import { json } from '#shared/http/response.ts';
import { router } from './router.ts';
import { albumRoutes } from './routes/albums.ts';
import { assetCountRoutes } from './routes/asset-counts.ts';
import { assetEditRoutes } from './routes/asset-edits.ts';
import { assetTrashRoutes } from './routes/asset-trash.ts';
import { assetRoutes } from './routes/assets.ts';
import { eventRoutes } from './routes/events.ts';
import { faceRoutes } from './routes/faces.ts';
import { libraryRoutes } from './routes/libraries.ts';
import { notOfferedRoutes } from './routes/not-offered.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { peopleRoutes } from './routes/people.ts';
import { taskRoutes } from './routes/tasks.ts';
import { uploadRoutes } from './routes/uploads.ts';
import { userRoutes } from './routes/users.ts';

/** The API function; handler.ts builds it from the cold start's config, the local stack from its own. */
export const createApiHandler = (config: Config) => {
  const services = composeAssets(config);

  return lambdaHandler(
    router({
      health: async () => json(200, { status: 'ok' }),
      ...libraryRoutes(services),
      ...userRoutes(services.users),
      ...assetRoutes(services),
      ...assetCountRoutes(services),
      ...assetEditRoutes(services),
      ...assetTrashRoutes(services),
      ...uploadRoutes(services),
      ...faceRoutes(services),
      ...peopleRoutes(services),
      ...albumRoutes(services),
      ...taskRoutes(services),
      ...eventRoutes(services),
      ...notOfferedRoutes,
      ...openApiRoutes,
    }),
  );
};
