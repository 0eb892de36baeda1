import type { ApiEvent, RouteHandler } from '#functions/api/router.ts';
import type { MultipartUploads } from '#shared/domain/multipart.ts';
import type { ObjectStorage, SignedPart } from '#shared/domain/ports.ts';
import type { UploadResult } from '#shared/domain/uploads.ts';
import { assetResponse } from '#shared/http/asset-response.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import { assetIdParam, completeRequest, signPartsRequest } from './asset-inputs.ts';
import type { UploadStatus, UploadTarget } from './asset-outputs.ts';

const partResponse = (part: SignedPart) => ({ part_number: part.partNumber, url: part.url, size: part.size });

/** Where to send the bytes: one POST form, or a plan of parts for a large file. */
export const uploadTargetResponse = (result: Exclude<UploadResult, { status: 'duplicate' }>): UploadTarget => {
  if (result.status === 'created') {
    const { url, fields, expiresAt } = result.upload;
    return { asset_id: result.asset.id, upload: { type: 'post', url, fields, expires_at: expiresAt } };
  }
  const plan = result.multipart;
  return {
    asset_id: result.asset.id,
    upload: {
      type: 'multipart',
      upload_id: plan.uploadId,
      part_size: plan.partSize,
      part_count: plan.partCount,
      parts: plan.parts.map(partResponse),
      expires_at: plan.expiresAt,
    },
  };
};

const idOf = (event: ApiEvent) => parseInput(assetIdParam, event.pathParameters ?? {}).id;

export type UploadRoute = 'getUpload' | 'signUploadParts' | 'completeUpload' | 'abortUpload';

/** The resumable (multipart) upload routes. */
export const uploadRoutes = (deps: {
  multipart: MultipartUploads;
  storage: ObjectStorage;
}): Record<UploadRoute, RouteHandler> => ({
  getUpload: async (event, userId) => {
    const { asset, plan, parts } = await deps.multipart.status(userId, idOf(event));
    const status: UploadStatus = {
      asset_id: asset.id,
      upload_id: plan.uploadId,
      part_size: plan.partSize,
      part_count: plan.partCount,
      file_size_bytes: asset.fileSizeBytes,
      parts: parts.map((p) => ({ part_number: p.partNumber, etag: p.etag, size: p.size })),
    };
    return json(200, status);
  },

  signUploadParts: async (event, userId) => {
    const { part_numbers } = jsonBody(event, signPartsRequest);
    const parts = await deps.multipart.sign(userId, idOf(event), part_numbers);
    return json(200, { parts: parts.map(partResponse) });
  },

  completeUpload: async (event, userId) => {
    const { parts } = jsonBody(event, completeRequest);
    const asset = await deps.multipart.complete(
      userId,
      idOf(event),
      parts.map((p) => ({ partNumber: p.part_number, etag: p.etag })),
    );
    return json(200, await assetResponse(asset, deps.storage));
  },

  abortUpload: async (event, userId) => {
    await deps.multipart.abort(userId, idOf(event));
    return json(200, {});
  },
});
