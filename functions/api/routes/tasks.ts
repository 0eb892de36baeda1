import type { RouteHandler } from '#functions/api/router.ts';
import { assetTasks } from '#shared/domain/asset-tasks.ts';
import type { TaskRepository } from '#shared/domain/face-ports.ts';
import type { AssetRepository } from '#shared/domain/ports.ts';
import { taskResponse } from '#shared/http/face-response.ts';
import { parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import { assetIdParam } from './face-inputs.ts';

export const taskRoutes = (deps: {
  assets: AssetRepository;
  tasks: TaskRepository;
}): Record<'assetTasks', RouteHandler> => ({
  assetTasks: async (event, userId) => {
    const { id } = parseInput(assetIdParam, event.pathParameters ?? {});
    return json(200, (await assetTasks(deps, userId, id)).map(taskResponse));
  },
});
