import { openAsBlob } from 'node:fs';
import {
  ApiError,
  type Asset,
  createUpload,
  type DarkroomClient,
  type PartsTarget,
  type PostTarget,
  resumeParts,
  sendToTarget,
  TargetExpired,
  unwrap,
} from '#shared/client/index.ts';
import type { CrawledFile } from './crawl.ts';
import type { RunState, StateEntry } from './run-state.ts';

// One file's way into the library, resumable at every step: the state records the asset and its
// target before a byte is sent, so a run killed anywhere picks up that asset, never a second one.

export type FileResult =
  | { outcome: 'sent'; assetId: string }
  | { outcome: 'settled'; asset: Asset }
  | { outcome: 'duplicate'; assetId: string }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'failed'; reason: string };

/** The key was refused: nothing in this run can succeed. */
export class KeyRefused extends Error {
  override name = 'KeyRefused';
}

export interface FileUploadContext {
  client: DarkroomClient;
  state: RunState;
  deviceId: string;
  library?: string;
  signal: AbortSignal;
  onBytes: (bytes: number) => void;
}

/** Statuses that say what the file is (too large, not media, invalid): sending it again cannot help. */
const REFUSALS = new Set([413, 415, 422]);

export const uploadFile = async (ctx: FileUploadContext, file: CrawledFile, entry: StateEntry): Promise<FileResult> => {
  try {
    const resumed = entry.assetId ? await resume(ctx, file, entry, entry.assetId) : undefined;
    return resumed ?? (await fresh(ctx, file, entry));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new KeyRefused(error.detail);
    if (error instanceof ApiError && REFUSALS.has(error.status)) return { outcome: 'refused', reason: error.detail };
    if (error instanceof ApiError) return { outcome: 'failed', reason: `${error.status} ${error.detail}` };
    if (ctx.signal.aborted || (error as Error).name === 'Unreachable') throw error;
    return { outcome: 'failed', reason: (error as Error).message };
  }
};

const fingerprint = (file: CrawledFile) => ({ size: file.size, mtimeMs: file.mtimeMs });
const sendOptions = (ctx: FileUploadContext) => ({ signal: ctx.signal, onBytes: ctx.onBytes });

/** The asset a previous run started, carried on; undefined when it is gone and a fresh upload is due. */
const resume = async (
  ctx: FileUploadContext,
  file: CrawledFile,
  entry: StateEntry,
  assetId: string,
): Promise<FileResult | undefined> => {
  const asset = await ctx.client.GET('/api/assets/{id}', { params: { path: { id: assetId } } });
  if (asset.response.status === 404) return undefined;
  const current = (await unwrap(asset)) as Asset;
  if (current.state !== 'pending') return { outcome: 'settled', asset: current };
  if (entry.status === 'sent') return { outcome: 'sent', assetId };
  const upload = entry.upload as (PostTarget | Pick<PartsTarget, 'type'>) | undefined;
  const blob = await openAsBlob(file.path, { type: file.mimeType });
  if (upload?.type === 'multipart') {
    await resumeParts(ctx.client, blob, assetId, sendOptions(ctx));
    return sent(ctx, file, assetId);
  }
  if (upload?.type === 'post' && Date.parse(upload.expires_at) > Date.now()) {
    // The same bytes to the same key: S3 keeps one object, and the processor is idempotent.
    try {
      await sendToTarget(ctx.client, blob, assetId, upload, sendOptions(ctx));
    } catch (error) {
      // It ran out while sending: nothing arrived, so a fresh upload takes the asset's place.
      if (error instanceof TargetExpired) return undefined;
      throw error;
    }
    return sent(ctx, file, assetId);
  }
  // The target expired with the asset still pending: the bytes never arrived, and the sweep
  // removes that asset; a new upload takes its place.
  return undefined;
};

const fresh = async (ctx: FileUploadContext, file: CrawledFile, entry: StateEntry): Promise<FileResult> => {
  const blob = await openAsBlob(file.path, { type: file.mimeType });
  const created = await createUpload(ctx.client, blob, {
    device_asset_id: deviceAssetId(file),
    device_id: ctx.deviceId,
    file_created_at: new Date(file.mtimeMs).toISOString(),
    file_modified_at: new Date(file.mtimeMs).toISOString(),
    file_name: file.relativePath.split('/').pop() ?? file.relativePath,
    mime_type: file.mimeType,
    checksum: entry.sha256,
    ...(ctx.library && { library_id: ctx.library }),
  });
  if (created.status === 'duplicate') return { outcome: 'duplicate', assetId: created.asset.id };
  const { upload } = created;
  const record = upload.type === 'post' ? upload : { type: upload.type };
  ctx.state.set(file.path, fingerprint(file), { status: 'target', assetId: created.assetId, upload: record });
  // On disk before any byte goes: a kill from here on resumes this asset.
  await ctx.state.save();
  await sendToTarget(ctx.client, blob, created.assetId, upload, sendOptions(ctx));
  return sent(ctx, file, created.assetId);
};

const sent = (ctx: FileUploadContext, file: CrawledFile, assetId: string): FileResult => {
  ctx.state.set(file.path, fingerprint(file), { status: 'sent', assetId });
  ctx.state.saveSoon();
  return { outcome: 'sent', assetId };
};

/** Stable per file, so the server's device-id lookups find it again; the contract allows 512 characters. */
const deviceAssetId = (file: CrawledFile) => (file.path.length <= 512 ? file.path : `…${file.path.slice(-511)}`);
