import type { ApiEvent, RouteHandler } from '#functions/api/router.ts';
import type { AssetEdits } from '#shared/domain/asset-edits.ts';
import type { FaceRepository } from '#shared/domain/face-ports.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import { assetResponse } from '#shared/http/asset-response.ts';
import { assetFaces } from '#shared/http/face-response.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import { bulkUpdateRequest, updateAssetRequest } from './asset-edit-inputs.ts';
import { assetIdParam } from './asset-inputs.ts';

export interface AssetEditRouteDeps {
  edits: AssetEdits;
  storage: ObjectStorage;
  faces: FaceRepository;
}

const idOf = (event: ApiEvent) => parseInput(assetIdParam, event.pathParameters ?? {}).id;

/** The SDK's `update_asset` (answers the asset) and `bulk_update_assets` (answers `{}`). */
export const assetEditRoutes = (
  deps: AssetEditRouteDeps,
): Record<'updateAsset' | 'bulkUpdateAssets', RouteHandler> => ({
  updateAsset: async (event, userId) => {
    const asset = await deps.edits.update(userId, idOf(event), jsonBody(event, updateAssetRequest));
    return json(200, await assetResponse(asset, deps.storage, undefined, await assetFaces(asset.id, deps)));
  },
  bulkUpdateAssets: async (event, userId) => {
    const { updates } = jsonBody(event, bulkUpdateRequest);
    await deps.edits.updateMany(userId, updates);
    return json(200, {});
  },
});
