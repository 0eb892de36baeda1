import { z } from 'zod';
import type { RouteHandler } from '#functions/api/router.ts';
import { type AssetTrash, MAX_TRASH_IDS } from '#shared/domain/asset-trash.ts';
import { idPattern } from '#shared/domain/ids.ts';
import { parseQuery, queryOf } from '#shared/http/query.ts';
import { jsonBody } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import { existQuery } from './asset-inputs.ts';

// The SDK's `trash`, `restore`, `delete_list` (ids in the body, library in the query) and
// `empty_trash` (library in the query); each answers an empty acknowledgment.

export const idsRequest = z.strictObject({
  ids: z
    .array(z.string().regex(idPattern('asset'), 'must be an asset id (asset_…)'))
    .min(1)
    .max(MAX_TRASH_IDS, `at most ${MAX_TRASH_IDS} ids per request`),
});

export type TrashRoute = 'trashAssets' | 'restoreAssets' | 'deleteAssets' | 'emptyTrash';

export const assetTrashRoutes = (deps: { trash: AssetTrash }): Record<TrashRoute, RouteHandler> => {
  const withIds =
    (action: 'trash' | 'restore' | 'deleteMany'): RouteHandler =>
    async (event, userId) => {
      const { library_id } = parseQuery(existQuery, queryOf(event));
      const { ids } = jsonBody(event, idsRequest);
      await deps.trash[action](userId, ids, library_id);
      return json(200, {});
    };
  return {
    trashAssets: withIds('trash'),
    restoreAssets: withIds('restore'),
    deleteAssets: withIds('deleteMany'),
    emptyTrash: async (event, userId) => {
      const { library_id } = parseQuery(existQuery, queryOf(event));
      await deps.trash.empty(userId, library_id);
      return json(200, {});
    },
  };
};
