import { originalKey } from '#shared/object-keys.ts';
import type { Accounts } from './accounts.ts';
import type { Asset } from './asset.ts';
import type { AssetTrash } from './asset-trash.ts';
import { Invalid, TooLarge, Unsupported } from './errors.ts';
import { newId } from './ids.ts';
import { isMediaType, maxBytesFor } from './media-types.ts';
import { FIRST_BATCH, MULTIPART_TTL_SECONDS, PART_URL_TTL_SECONDS, partSizeOf, planParts } from './multipart.ts';
import type {
  AssetRepository,
  Clock,
  MediaProcessor,
  MultipartStorage,
  ObjectStorage,
  Original,
  PresignedUpload,
  SignedPart,
} from './ports.ts';
import { type AssetProcessor, INLINE_LEASE_MS } from './process-asset.ts';
import type { StorageLedger } from './storage-ledger.ts';

/** A presigned target lives 15 minutes: long enough for a phone on a poor link, short enough to leak little. */
export const UPLOAD_TTL_SECONDS = 15 * 60;

export interface DeviceMetadata {
  deviceAssetId: string;
  deviceId: string;
  fileCreatedAt: string;
  fileModifiedAt: string;
  libraryId?: string;
}

export interface UploadRequest extends DeviceMetadata {
  fileName: string;
  mimeType: string;
  fileSizeBytes: number;
  checksum?: string;
}

export interface MultipartPlan {
  uploadId: string;
  partSize: number;
  partCount: number;
  /** The first parts' URLs; sign more with MultipartUploads.sign. */
  parts: SignedPart[];
  expiresAt: string;
}

export type UploadResult =
  | { status: 'created'; asset: Asset; upload: PresignedUpload }
  | { status: 'multipart'; asset: Asset; multipart: MultipartPlan }
  | { status: 'duplicate'; asset: Asset };

export type DirectResult = {
  status: 'created' | 'duplicate';
  asset: Asset;
  /** Why inline processing stopped: the asset is stored and pending, and its S3 event will finish it. */
  deferred?: unknown;
};

/** Keeps only a display name: no directories, no control characters, at most 255 characters. */
export const sanitiseFileName = (name: string): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base === '.' || base === '..' ? '' : base).slice(-255) || 'original';
};

export class Uploads {
  constructor(
    private readonly deps: {
      accounts: Accounts;
      assets: AssetRepository;
      storage: ObjectStorage;
      multipart: MultipartStorage;
      media: MediaProcessor;
      processor: AssetProcessor;
      trash?: Pick<AssetTrash, 'revive'>;
      ledger: StorageLedger;
      clock: Clock;
      /** Uploads above this many bytes go to S3 in parts. */
      multipartThreshold: number;
    },
  ) {}

  /**
   * Starts a direct-to-S3 upload: a pending asset and a POST target pinned to key, type, size and
   * time, or for a large file a resumable upload in parts, each part URL pinned to its length.
   */
  async createUpload(owner: string, request: UploadRequest): Promise<UploadResult> {
    const libraryId = await this.deps.accounts.writableLibrary(owner, request.libraryId);
    if (request.checksum) {
      const existing = await this.existing(libraryId, request.checksum);
      if (existing) return { status: 'duplicate', asset: existing };
    }
    if (!isMediaType(request.mimeType)) {
      throw new Unsupported(`mime_type: ${request.mimeType} is not an image or video type Darkroom accepts`);
    }
    const max = maxBytesFor(request.mimeType);
    if (request.fileSizeBytes > max)
      throw new TooLarge(`file_size_bytes: ${request.mimeType} uploads are limited to ${max} bytes`);

    const now = this.deps.clock.now();
    const asset = this.newAsset(owner, libraryId, request, {
      fileName: request.fileName,
      mimeType: request.mimeType,
      size: request.fileSizeBytes,
    });
    if (request.checksum) asset.declaredChecksum = request.checksum;
    // Refuses what cannot fit before writing anything; the reservation itself follows the record.
    await this.deps.ledger.check(asset);
    try {
      return await this.target(asset, request, now);
    } catch (error) {
      // No target reached the client, so no bytes will come: keep nothing, hold nothing.
      await this.discard(asset);
      if (asset.multipart) {
        await this.deps.multipart.abort(originalKey(owner, asset.id), asset.multipart.uploadId).catch(() => undefined);
      }
      throw error;
    }
  }

  private async target(asset: Asset, request: UploadRequest, now: Date): Promise<UploadResult> {
    const key = originalKey(asset.owner, asset.id);
    if (request.fileSizeBytes > this.deps.multipartThreshold) {
      const plan = planParts(request.fileSizeBytes);
      const uploadId = await this.deps.multipart.create(key, request.mimeType);
      asset.multipart = { uploadId, ...plan };
      asset.uploadExpiresAt = new Date(now.getTime() + MULTIPART_TTL_SECONDS * 1000).toISOString();
      await this.deps.assets.create(asset);
      await this.deps.ledger.reserve(asset);
      const first = Array.from({ length: Math.min(FIRST_BATCH, plan.partCount) }, (_, i) => i + 1);
      const parts = await this.deps.multipart.signParts(
        key,
        uploadId,
        first.map((partNumber) => ({ partNumber, size: partSizeOf(asset, plan, partNumber) })),
        PART_URL_TTL_SECONDS,
      );
      return {
        status: 'multipart',
        asset,
        multipart: { uploadId, ...plan, parts, expiresAt: asset.uploadExpiresAt },
      };
    }
    asset.uploadExpiresAt = new Date(now.getTime() + UPLOAD_TTL_SECONDS * 1000).toISOString();
    await this.deps.assets.create(asset);
    await this.deps.ledger.reserve(asset);
    const upload = await this.deps.storage.presignUpload({
      key,
      contentType: request.mimeType,
      size: request.fileSizeBytes,
      expiresInSeconds: UPLOAD_TTL_SECONDS,
    });
    return { status: 'created', asset, upload };
  }

  /** The small-file path: the bytes arrive with the request and are processed before answering. */
  async directUpload(owner: string, metadata: DeviceMetadata, file: Original, fileName: string): Promise<DirectResult> {
    const libraryId = await this.deps.accounts.writableLibrary(owner, metadata.libraryId);
    if (file.size === 0) throw new Invalid('asset_data: the file is empty');
    const mimeType = await this.deps.media.sniff(file);
    if (!mimeType || !isMediaType(mimeType)) {
      throw new Unsupported(`asset_data: ${mimeType ?? 'the content'} is not an image or video type Darkroom accepts`);
    }
    const existing = await this.existing(libraryId, file.sha256);
    if (existing) return { status: 'duplicate', asset: existing };

    const asset = this.newAsset(owner, libraryId, metadata, { fileName, mimeType, size: file.size });
    asset.inlineUntil = new Date(this.deps.clock.now().getTime() + INLINE_LEASE_MS).toISOString();
    await this.deps.ledger.check(asset);
    await this.createOrDiscard(asset);
    // The reservation, then the original's put, run while the media is decoded; the processor
    // records nothing before both have answered, and either failing discards the upload. Settled
    // at once, so a failure is never an unhandled rejection meanwhile.
    const put = (async () => {
      await this.deps.ledger.reserve(asset);
      return this.deps.storage.putOriginal(originalKey(owner, asset.id), file, mimeType);
    })().then(
      ({ etag }) => ({ etag }),
      (error: unknown) => ({ error }),
    );
    const stored = async () => {
      const outcome = await put;
      if ('error' in outcome) throw outcome.error;
      return outcome;
    };
    let result: Awaited<ReturnType<AssetProcessor['processFile']>>;
    try {
      result = await this.deps.processor.processFile(asset, file, stored);
    } catch (error) {
      const outcome = await put;
      if ('error' in outcome) {
        // A full quota, or an outage the SDK's retries did not outlast: keep nothing, so a retry starts clean.
        await this.discard(asset);
        throw outcome.error;
      }
      // The original is stored, so the upload has succeeded: its S3 event finishes the processing
      // (every step of which is safe to repeat). Answering an error here would make the client
      // upload the bytes again as a second asset.
      return { status: 'created', asset: await this.releaseLease(asset), deferred: error };
    }
    if (result.outcome === 'duplicate' && result.asset?.duplicateOf) {
      const holder = await this.deps.processor.settled(result.asset.duplicateOf);
      if (holder) return { status: 'duplicate', asset: holder };
    }
    return { status: 'created', asset: result.asset ?? (await this.deps.assets.get(asset.id)) ?? asset };
  }

  /**
   * A create that fails after the SDK's retries may still have landed (its answer lost), so the
   * record is removed before the error goes back: no pending asset waits for bytes that never come.
   */
  private async createOrDiscard(asset: Asset): Promise<void> {
    try {
      await this.deps.assets.create(asset);
    } catch (error) {
      await this.discard(asset);
      throw error;
    }
  }

  /**
   * Best effort. The reservation first; if giving it back fails, the record stays pending and the
   * sweep gives it back once its deadline has passed. Then the record: an original left behind (a
   * put that landed though its answer was lost) has no asset any more, and its S3 event removes it
   * as an orphan. The release is repeated after the record is gone, undoing a settle that a
   * concurrent processor made before it noticed (AssetProcessor checks again after it settles).
   */
  private async discard(asset: Asset): Promise<void> {
    const released = await this.deps.ledger.release(asset).then(
      () => true,
      () => false,
    );
    if (released) await this.deps.assets.remove(asset).catch(() => undefined);
    await this.deps.storage.deleteOriginal(originalKey(asset.owner, asset.id)).catch(() => undefined);
    if (released) await this.deps.ledger.release(asset).catch(() => undefined);
  }

  /** Lets the S3 event take over now rather than when the lease runs out; if this fails too, the lease runs out. */
  private async releaseLease(asset: Asset): Promise<Asset> {
    try {
      const current = await this.deps.assets.get(asset.id);
      if (current?.state !== 'pending') return current ?? asset;
      delete current.inlineUntil;
      await this.deps.assets.save(current);
      return current;
    } catch {
      return asset;
    }
  }

  private async existing(libraryId: string, checksum: string): Promise<Asset | undefined> {
    const holder = await this.deps.assets.findChecksum(libraryId, checksum);
    const asset = holder ? await this.deps.processor.settled(holder) : undefined;
    if (!asset || asset.state === 'failed') return undefined;
    // The same bytes again are the owner asking for that asset back: out of the trash it comes.
    return this.deps.trash ? this.deps.trash.revive(asset) : asset;
  }

  private newAsset(
    owner: string,
    libraryId: string,
    metadata: DeviceMetadata,
    file: { fileName: string; mimeType: string; size: number },
  ): Asset {
    const now = this.deps.clock.now().toISOString();
    return {
      id: newId('asset'),
      owner,
      libraryId,
      state: 'pending',
      deviceAssetId: metadata.deviceAssetId,
      deviceId: metadata.deviceId,
      originalFileName: sanitiseFileName(file.fileName),
      declaredMimeType: file.mimeType,
      fileCreatedAt: metadata.fileCreatedAt,
      fileModifiedAt: metadata.fileModifiedAt,
      localDatetime: metadata.fileCreatedAt,
      fileSizeBytes: file.size,
      createdAt: now,
      updatedAt: now,
    };
  }
}
