import {
  ApiError,
  createUpload,
  type DarkroomClient,
  resumeParts,
  sendToTarget,
  TargetExpired,
  unwrap,
} from '#shared/client/index.ts';
import type { Asset } from '../asset.ts';
import { store } from '../store.ts';
import { deviceId, fingerprint, pendingUploads } from './pending.ts';

// The upload queue: a few files at a time straight to S3 (the API chooses a presigned POST or
// multipart by size), each pausable; a paused or interrupted multipart upload resumes from the
// parts S3 holds, a single-form one starts again. Each file is followed until its asset is ready.

export type UploadStatus =
  | 'queued'
  | 'checking'
  | 'sending'
  | 'paused'
  | 'processing'
  | 'ready'
  | 'duplicate'
  | 'failed';

export interface UploadItem {
  key: number;
  file: File;
  status: UploadStatus;
  /** Bytes S3 has confirmed. */
  sent: number;
  assetId?: string;
  /** Why it failed, or what the duplicate is. */
  message?: string;
}

const FILES_AT_ONCE = 3;
/** Past this, hashing in the browser costs more than the duplicate check saves. */
const HASH_LIMIT_BYTES = 256 * 1024 * 1024;
const POLL_MS = 1000;
const POLL_LIMIT_MS = 10 * 60 * 1000;

const MIME_BY_EXTENSION: Record<string, string> = {
  heic: 'image/heic',
  heif: 'image/heif',
  dng: 'image/x-adobe-dng',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
};

const mimeOf = (file: File) =>
  file.type || MIME_BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''] || 'application/octet-stream';

const sha256 = async (file: File) => {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
};

const problemOf = (error: unknown) =>
  error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);

export const createUploadQueue = (client: DarkroomClient, onSettled: (asset: Asset) => void) => {
  const items = store<UploadItem[]>([]);
  const controllers = new Map<number, AbortController>();
  let nextKey = 1;

  const patch = (key: number, change: Partial<UploadItem>) =>
    items.update((all) => all.map((item) => (item.key === key ? { ...item, ...change } : item)));
  const item = (key: number) => items.get().find((i) => i.key === key);

  const follow = async (key: number, assetId: string) => {
    patch(key, { status: 'processing', assetId });
    const started = Date.now();
    while (Date.now() - started < POLL_LIMIT_MS) {
      // The bytes are in S3 by now: a lost answer while waiting is no failure of the upload, only
      // a 4xx (the asset deleted meanwhile) ends the wait.
      const asset = await unwrap(client.GET('/api/assets/{id}', { params: { path: { id: assetId } } })).catch(
        (error: unknown) => {
          if (error instanceof ApiError && error.status < 500) throw error;
          return undefined;
        },
      );
      if (asset && asset.state !== 'pending') {
        const file = item(key)?.file;
        if (file) pendingUploads.forget(fingerprint(file));
        patch(key, {
          status: asset.state === 'ready' ? 'ready' : asset.state,
          ...(asset.error && { message: asset.error }),
          ...(asset.state === 'duplicate' && { message: 'Already in the library' }),
        });
        onSettled(asset);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    patch(key, { status: 'failed', message: 'Still processing after ten minutes; look for it in the timeline later.' });
  };

  const run = async (key: number, libraryId?: string) => {
    const current = item(key);
    if (!current) return;
    const { file } = current;
    const controller = new AbortController();
    controllers.set(key, controller);
    const options = {
      signal: controller.signal,
      onBytes: (n: number) => patch(key, { sent: (item(key)?.sent ?? 0) + n }),
    };
    try {
      const pending = pendingUploads.find(file);
      if (pending?.type === 'multipart') {
        patch(key, { status: 'checking', assetId: pending.assetId });
        const status = await client.GET('/api/assets/uploads/{id}', { params: { path: { id: pending.assetId } } });
        if (status.data) {
          const held = status.data.parts.reduce((sum, p) => sum + p.size, 0);
          patch(key, { status: 'sending', sent: held });
          await resumeParts(client, file, pending.assetId, options);
          return await follow(key, pending.assetId);
        }
        // The upload is gone (finished, aborted or expired): start again.
        pendingUploads.forget(pending.fingerprint);
      } else if (pending) {
        // A single-form upload starts again, unless its bytes landed before the tab went away.
        const earlier = await client.GET('/api/assets/{id}', { params: { path: { id: pending.assetId } } });
        if (earlier.data && earlier.data.state !== 'pending') {
          patch(key, { sent: file.size });
          return await follow(key, pending.assetId);
        }
        pendingUploads.forget(pending.fingerprint);
      }
      patch(key, { status: 'checking', sent: 0 });
      const created = await createUpload(client, file, {
        device_asset_id: `${file.name}:${file.size}:${file.lastModified}`,
        device_id: deviceId(),
        file_created_at: new Date(file.lastModified).toISOString(),
        file_modified_at: new Date(file.lastModified).toISOString(),
        file_name: file.name,
        mime_type: mimeOf(file),
        ...(file.size <= HASH_LIMIT_BYTES && { checksum: await sha256(file) }),
        ...(libraryId && { library_id: libraryId }),
      });
      controller.signal.throwIfAborted();
      if (created.status === 'duplicate') {
        patch(key, {
          status: 'duplicate',
          assetId: created.asset.id,
          sent: file.size,
          message: 'Already in the library',
        });
        return;
      }
      pendingUploads.save({
        fingerprint: fingerprint(file),
        assetId: created.assetId,
        type: created.upload.type,
        name: file.name,
        size: file.size,
        startedAt: Date.now(),
      });
      patch(key, { status: 'sending', assetId: created.assetId });
      await sendToTarget(client, file, created.assetId, created.upload, options);
      await follow(key, created.assetId);
    } catch (error) {
      if (controller.signal.aborted) patch(key, { status: 'paused' });
      else
        patch(key, {
          status: 'failed',
          message: error instanceof TargetExpired ? 'The upload took too long; try again.' : problemOf(error),
        });
    } finally {
      controllers.delete(key);
      pump(libraryId);
    }
  };

  let library: string | undefined;
  const pump = (libraryId = library) => {
    const all = items.get();
    const busy = all.filter((i) => i.status === 'checking' || i.status === 'sending').length;
    for (const next of all.filter((i) => i.status === 'queued').slice(0, Math.max(0, FILES_AT_ONCE - busy))) {
      patch(next.key, { status: 'checking' });
      void run(next.key, libraryId);
    }
  };

  return {
    items,
    add(files: Iterable<File>, libraryId?: string) {
      library = libraryId;
      const added = [...files].map((file): UploadItem => ({ key: nextKey++, file, status: 'queued', sent: 0 }));
      items.update((all) => [...all, ...added]);
      pump(libraryId);
    },
    pause(key: number) {
      controllers.get(key)?.abort();
      const it = item(key);
      if (it?.status === 'queued') patch(key, { status: 'paused' });
    },
    resume(key: number) {
      const it = item(key);
      if (it?.status === 'paused' || it?.status === 'failed') {
        patch(key, { status: 'queued', message: undefined });
        pump();
      }
    },
    pauseAll() {
      for (const it of items.get()) if (['queued', 'checking', 'sending'].includes(it.status)) this.pause(it.key);
    },
    resumeAll() {
      for (const it of items.get()) if (it.status === 'paused') patch(it.key, { status: 'queued' });
      pump();
    },
    clearFinished() {
      items.update((all) => all.filter((i) => !['ready', 'duplicate'].includes(i.status)));
    },
  };
};

export type UploadQueue = ReturnType<typeof createUploadQueue>;
