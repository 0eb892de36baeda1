import { z } from 'zod';
import { bulkUpdateRequest, updateAssetRequest } from '#functions/api/routes/asset-edit-inputs.ts';
import {
  assetIdParam,
  completeRequest,
  countsQuery,
  directUploadFields,
  existQuery,
  existRequest,
  geoClustersQuery,
  getQuery,
  listQuery,
  signPartsRequest,
  uploadRequest,
} from '#functions/api/routes/asset-inputs.ts';
import {
  abortResponse,
  assetCountsResponse,
  assetListResponse,
  assetResponse,
  deleteResponse,
  existResponse,
  geoClustersResponse,
  signedPartsResponse,
  uploadStatusResponse,
  uploadTargetResponse,
} from '#functions/api/routes/asset-outputs.ts';
import type { TrashRoute } from '#functions/api/routes/asset-trash.ts';
import { idsRequest } from '#functions/api/routes/asset-trash.ts';
import type { AssetRoute } from '#functions/api/routes/assets.ts';
import { taskResponse } from '#functions/api/routes/face-outputs.ts';
import type { UploadRoute } from '#functions/api/routes/uploads.ts';
import type { RouteName } from '#shared/http/routes.ts';
import { EXAMPLES } from './examples.ts';
import type { Operation } from './operation.ts';

const asset = (description: string) => ({ description, schema: assetResponse });
const ack = (description: string) => ({ description, schema: deleteResponse });
const idempotencyKey = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'A retry with the same key and body gets the first answer for 24 hours.' }),
});

type AssetOperationRoute =
  | AssetRoute
  | UploadRoute
  | TrashRoute
  | Extract<RouteName, 'assetCounts' | 'bulkUpdateAssets' | 'updateAsset' | 'assetTasks'>;

export const ASSET_OPERATIONS: Record<AssetOperationRoute, Operation> = {
  uploadAsset: {
    tag: 'assets',
    summary: 'Upload a file through the API',
    description:
      'The upstream upload contract: the file (up to about 6 MB, the Lambda limit) and its device metadata as multipart/form-data. A file whose bytes are already in the library answers 200 with that asset.',
    form: directUploadFields.extend({ asset_data: z.file().meta({ description: 'The original file.' }) }),
    responses: { 201: asset('Stored and processed (or processing).'), 200: asset('Already in the library.') },
    errors: [400, 409, 413, 415, 507],
  },
  createUpload: {
    tag: 'uploads',
    summary: 'Ask where to upload a file directly to S3',
    description:
      'Answers a presigned POST form, or for a large file a plan of presigned parts for a resumable multipart upload. With `checksum`, bytes already in the library answer 200 with that asset and nothing is uploaded.',
    headers: idempotencyKey,
    body: uploadRequest,
    bodyExample: EXAMPLES.uploadRequest,
    responses: {
      201: { description: 'Where to send the bytes.', schema: uploadTargetResponse, example: EXAMPLES.postTarget },
      200: asset('The bytes (by `checksum`) are already in the library.'),
    },
    errors: [409, 413, 415, 507],
  },
  getUpload: {
    tag: 'uploads',
    summary: 'What S3 holds of a multipart upload',
    description: 'The parts already received, so a client can resume with the others.',
    path: assetIdParam,
    responses: { 200: { description: 'The plan and the parts S3 holds.', schema: uploadStatusResponse } },
    errors: [409],
  },
  signUploadParts: {
    tag: 'uploads',
    summary: 'Presign parts of a multipart upload again',
    description: 'For parts whose URLs expired, or to resume after a restart.',
    path: assetIdParam,
    body: signPartsRequest,
    responses: { 200: { description: 'Fresh part URLs.', schema: signedPartsResponse } },
    errors: [409],
  },
  completeUpload: {
    tag: 'uploads',
    summary: 'Finish a multipart upload',
    path: assetIdParam,
    body: completeRequest,
    responses: { 200: asset('The asset, now being processed.') },
    errors: [409, 413],
  },
  abortUpload: {
    tag: 'uploads',
    summary: 'Abandon a multipart upload',
    path: assetIdParam,
    responses: { 200: { description: 'Aborted; the pending asset is gone.', schema: abortResponse } },
    errors: [409],
  },
  listAssets: {
    tag: 'assets',
    summary: 'List assets, newest first by local capture time',
    description:
      'Pages with `starting_after_id`. Without `library_id` the list covers every live library of the user. List parameters accept repeated or comma-separated values.',
    query: listQuery,
    responses: { 200: { description: 'A page of assets.', schema: assetListResponse } },
  },
  geoClusters: {
    tag: 'assets',
    summary: 'Cluster located assets into map cells',
    query: geoClustersQuery,
    responses: { 200: { description: 'Non-empty cells.', schema: geoClustersResponse } },
  },
  assetCounts: {
    tag: 'assets',
    summary: 'Count assets per month',
    description:
      'Non-empty months, newest first; the next page is asked for with the last `time_bucket` as `local_datetime_before`.',
    query: countsQuery,
    responses: { 200: { description: 'Month counts.', schema: assetCountsResponse, example: EXAMPLES.counts } },
  },
  existAssets: {
    tag: 'assets',
    summary: 'Which of these files are already uploaded',
    description: 'By SHA-256, SHA-1 (base64) or device asset ids; up to 5000 per request.',
    query: existQuery,
    body: existRequest,
    bodyExample: EXAMPLES.existRequest,
    responses: { 200: { description: 'The matches.', schema: existResponse, example: EXAMPLES.existResponse } },
  },
  bulkUpdateAssets: {
    tag: 'assets',
    summary: 'Edit several assets',
    body: bulkUpdateRequest,
    responses: { 200: ack('All edits applied.') },
  },
  trashAssets: {
    tag: 'assets',
    summary: 'Move assets to the trash',
    query: existQuery,
    body: idsRequest,
    responses: { 200: ack('Trashed.') },
    errors: [409],
  },
  restoreAssets: {
    tag: 'assets',
    summary: 'Restore assets from the trash',
    query: existQuery,
    body: idsRequest,
    responses: { 200: ack('Restored.') },
  },
  emptyTrash: {
    tag: 'assets',
    summary: 'Delete every trashed asset',
    query: existQuery,
    responses: { 200: ack('The trash is empty.') },
  },
  deleteAssets: {
    tag: 'assets',
    summary: 'Delete trashed assets for good',
    query: existQuery,
    body: idsRequest,
    responses: { 200: ack('Deleted.') },
    errors: [409],
  },
  getAsset: {
    tag: 'assets',
    summary: 'One asset',
    path: assetIdParam,
    query: getQuery,
    responses: { 200: asset('The asset, with signed URLs.') },
  },
  updateAsset: {
    tag: 'assets',
    summary: 'Edit an asset (description, position, capture time)',
    path: assetIdParam,
    body: updateAssetRequest,
    responses: { 200: asset('The edited asset.') },
    errors: [409],
  },
  deleteAsset: {
    tag: 'assets',
    summary: 'Delete an asset and its files',
    path: assetIdParam,
    responses: { 200: ack('Deleted.') },
  },
  assetTasks: {
    tag: 'assets',
    summary: "An asset's processing tasks",
    path: assetIdParam,
    responses: { 200: { description: 'Its tasks.', schema: z.array(taskResponse) } },
  },
};
