import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { z } from 'zod';
import type { ApiEvent, RouteHandler } from '#functions/api/router.ts';
import type { Asset } from '#shared/domain/asset.ts';
import type { AssetQueries } from '#shared/domain/asset-queries.ts';
import type { DeleteAsset } from '#shared/domain/delete-asset.ts';
import { Conflict, Invalid } from '#shared/domain/errors.ts';
import type { FaceRepository } from '#shared/domain/face-ports.ts';
import { geoAreaOf, parseBbox } from '#shared/domain/geo-area.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import type { Uploads } from '#shared/domain/uploads.ts';
import { assetResponse, type Include } from '#shared/http/asset-response.ts';
import { assetFaces, type PeopleCache } from '#shared/http/face-response.ts';
import { parseMultipart } from '#shared/http/multipart.ts';
import { parseQuery, queryOf } from '#shared/http/query.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import { logger } from '#shared/logger.ts';
import {
  assetIdParam,
  directUploadFields,
  existQuery,
  existRequest,
  geoClustersQuery,
  getQuery,
  listQuery,
  UNSUPPORTED_CLUSTER_PARAMS,
  UNSUPPORTED_LIST_PARAMS,
  uploadRequest,
} from './asset-inputs.ts';
import { uploadTargetResponse } from './uploads.ts';

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface AssetRouteDeps {
  uploads: Uploads;
  queries: AssetQueries;
  deleteAsset: DeleteAsset;
  storage: ObjectStorage;
  faces: FaceRepository;
  idempotency: BasePersistenceLayer;
}

const bodyOf = (event: ApiEvent) =>
  event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');

const idOf = (event: ApiEvent) => parseInput(assetIdParam, event.pathParameters ?? {}).id;

export type AssetRoute =
  | 'uploadAsset'
  | 'createUpload'
  | 'listAssets'
  | 'geoClusters'
  | 'existAssets'
  | 'getAsset'
  | 'deleteAsset';

export const assetRoutes = (deps: AssetRouteDeps): Record<AssetRoute, RouteHandler> => {
  // Faces and people are always part of the answer (the upload contract's shape).
  const full = async (asset: Asset, include?: Include, people?: PeopleCache) =>
    assetResponse(asset, deps.storage, include, await assetFaces(asset.id, deps, people));
  const respond = (status: number, asset: Asset) => full(asset).then((body) => json(status, body));

  const createUpload = async (request: { owner: string; key: string; body: unknown }) => {
    const input = parseInput(uploadRequest, request.body);
    const result = await deps.uploads.createUpload(request.owner, {
      deviceAssetId: input.device_asset_id,
      deviceId: input.device_id,
      fileCreatedAt: input.file_created_at,
      fileModifiedAt: input.file_modified_at,
      fileName: input.file_name,
      mimeType: input.mime_type,
      fileSizeBytes: input.file_size_bytes,
      ...(input.library_id && { libraryId: input.library_id }),
      ...(input.checksum && { checksum: input.checksum }),
    });
    if (result.status === 'duplicate') return { statusCode: 200, body: await full(result.asset) };
    return { statusCode: 201, body: uploadTargetResponse(result) };
  };
  // Retries with the same Idempotency-Key and body get the first answer; another body is a 422.
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: '[owner, key]',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
  });
  const createUploadOnce = makeIdempotent(createUpload, { persistenceStore: deps.idempotency, config: idempotency });

  return {
    uploadAsset: async (event, userId) => {
      const { fields, file } = await parseMultipart(event.headers['content-type'], bodyOf(event));
      try {
        if (file?.field !== 'asset_data') throw new Invalid('asset_data: a file part is required');
        if (!file.fileName) throw new Invalid('asset_data: the file part needs a file name');
        const metadata = parseInput(directUploadFields, fields);
        const result = await deps.uploads.directUpload(
          userId,
          {
            deviceAssetId: metadata.device_asset_id,
            deviceId: metadata.device_id,
            fileCreatedAt: metadata.file_created_at,
            fileModifiedAt: metadata.file_modified_at,
            ...(metadata.library_id && { libraryId: metadata.library_id }),
          },
          file.local,
          file.fileName,
        );
        if (result.deferred !== undefined) {
          logger.warn('inline processing failed; the S3 event will finish it', {
            assetId: result.asset.id,
            error: result.deferred as Error,
          });
        }
        return respond(result.status === 'created' ? 201 : 200, result.asset);
      } finally {
        await file?.release();
      }
    },

    createUpload: async (event, userId, context) => {
      const body = jsonBody(event, z.unknown());
      const key = event.headers['idempotency-key'];
      if (key !== undefined && (key.length < 1 || key.length > 255))
        throw new Invalid('Idempotency-Key: 1 to 255 characters');
      // Without the context an in-progress record never expires: one whose write landed but whose
      // answer was lost (and which the SDK's retry then found "in progress") would refuse the key
      // with 409 for the whole TTL. With it, the record expires with this invocation's deadline.
      // A Lambda environment runs one invocation at a time, so the shared config is this request's.
      idempotency.registerLambdaContext(context);
      const result = key
        ? await createUploadOnce({ owner: userId, key, body }).catch(translateIdempotencyError)
        : await createUpload({ owner: userId, key: '', body });
      return json(result.statusCode, result.body);
    },

    getAsset: async (event, userId) => {
      const id = idOf(event);
      const query = parseQuery(getQuery, queryOf(event));
      const asset = await deps.queries.get(userId, id);
      return json(200, await full(asset, new Set(query.include)));
    },

    listAssets: async (event, userId) => {
      const query = parseQuery(listQuery, queryOf(event), UNSUPPORTED_LIST_PARAMS);
      const page = await deps.queries.list(userId, {
        limit: query.limit,
        order: query.order,
        ...(query.library_id && { libraryId: query.library_id }),
        ...(query.starting_after_id && { startingAfterId: query.starting_after_id }),
        ...(query.local_datetime_after && { after: query.local_datetime_after }),
        ...(query.local_datetime_before && { before: query.local_datetime_before }),
        ...(query.ids && { ids: query.ids }),
        ...(query.person_ids && { personIds: query.person_ids }),
        ...(query.album_id && { albumId: query.album_id }),
        albumFilter: query.album_filter,
        state: query.state,
        ...(query.media_type && { mediaType: query.media_type }),
        ...withArea(query),
      });
      const include = new Set(query.include);
      const people: PeopleCache = new Map();
      const data = await Promise.all(page.assets.map((asset) => full(asset, include, people)));
      return json(200, { data, has_more: page.hasMore });
    },

    geoClusters: async (event, userId) => {
      const query = parseQuery(geoClustersQuery, queryOf(event), UNSUPPORTED_CLUSTER_PARAMS);
      const clusters = await deps.queries.geoClusters(userId, {
        bbox: parseBbox(query.bbox),
        cellSize: query.cell_size,
        ...(query.library_id && { libraryId: query.library_id }),
        ...(query.local_datetime_after && { after: query.local_datetime_after }),
        ...(query.local_datetime_before && { before: query.local_datetime_before }),
      });
      return json(200, {
        data: clusters.map((c) => ({
          count: c.count,
          latitude: c.latitude,
          longitude: c.longitude,
          representative_asset_id: c.representativeAssetId,
        })),
      });
    },

    existAssets: async (event, userId) => {
      // The SDK sends library_id in the query; older clients sent it in the body. Both must agree.
      const inQuery = parseQuery(existQuery, queryOf(event)).library_id;
      const body = jsonBody(event, existRequest);
      if (inQuery && body.library_id && inQuery !== body.library_id)
        throw new Invalid('library_id: the query and the body name different libraries');
      const libraryId = inQuery ?? body.library_id;
      const request = body.checksums
        ? { checksums: body.checksums }
        : body.checksum_sha1s
          ? { checksumSha1s: body.checksum_sha1s }
          : { deviceId: body.deviceId ?? '', deviceAssetIds: body.deviceAssetIds ?? [] };
      const matches = await deps.queries.exist(userId, request, libraryId);
      return json(200, {
        assets: matches.map((m) => ({
          id: m.id,
          checksum: m.checksum ?? null,
          checksum_sha1: m.checksumSha1 ?? null,
          device_asset_id: m.deviceAssetId,
          device_id: m.deviceId,
        })),
      });
    },

    deleteAsset: async (event, userId) => {
      await deps.deleteAsset.run(userId, idOf(event));
      return json(200, {});
    },
  };
};

const withArea = (query: { bbox?: string | undefined; center?: string | undefined; radius?: number | undefined }) => {
  const area = geoAreaOf({
    ...(query.bbox !== undefined && { bbox: query.bbox }),
    ...(query.center !== undefined && { center: query.center }),
    ...(query.radius !== undefined && { radius: query.radius }),
  });
  return area && { area };
};

const translateIdempotencyError = (error: Error): never => {
  if (error instanceof IdempotencyValidationError) {
    throw new Invalid('Idempotency-Key: already used with a different request body');
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    throw new Conflict('Idempotency-Key: a request with this key is still in progress');
  }
  // The store's own failure (a DynamoDB error) maps like any other storage error.
  throw error instanceof IdempotencyPersistenceLayerError && error.cause instanceof Error ? error.cause : error;
};
