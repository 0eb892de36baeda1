import { originalKey } from '#shared/object-keys.ts';
import type { Asset } from './asset.ts';
import { Conflict, Invalid, NotFound } from './errors.ts';
import { normaliseEtag } from './object-event.ts';
import type { AssetRepository, MultipartStorage, ObjectStorage, SignedPart, UploadedPart } from './ports.ts';
import type { StorageLedger } from './storage-ledger.ts';

const MiB = 1024 * 1024;
/** S3: every part but the last is at least 5 MiB, and there are at most 10 000 parts. */
const MIN_PART = 16 * MiB;
const MAX_PARTS = 10_000;
export const FIRST_BATCH = 20;
export const MAX_SIGN_BATCH = 100;
export const PART_URL_TTL_SECONDS = 15 * 60;
/** Incomplete multipart uploads are aborted by the bucket's lifecycle after a day. */
export const MULTIPART_TTL_SECONDS = 24 * 3600;

export const planParts = (size: number) => {
  const partSize = Math.max(MIN_PART, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  return { partSize, partCount: Math.ceil(size / partSize) };
};

export const partSizeOf = (
  asset: Pick<Asset, 'fileSizeBytes'>,
  plan: { partSize: number; partCount: number },
  n: number,
) => (n < plan.partCount ? plan.partSize : asset.fileSizeBytes - plan.partSize * (plan.partCount - 1));

export interface UploadStatus {
  asset: Asset;
  plan: NonNullable<Asset['multipart']>;
  parts: UploadedPart[];
}

/** Resumable uploads in parts: sign more parts, see what S3 has, complete or abort. */
export class MultipartUploads {
  constructor(
    private readonly deps: {
      assets: AssetRepository;
      multipart: MultipartStorage;
      storage: Pick<ObjectStorage, 'deleteOriginal'>;
      ledger: StorageLedger;
    },
  ) {}

  async sign(owner: string, assetId: string, partNumbers: number[]): Promise<SignedPart[]> {
    const { asset, plan } = await this.open(owner, assetId);
    const wanted = [...new Set(partNumbers)].sort((a, b) => a - b);
    const outside = wanted.find((n) => n < 1 || n > plan.partCount);
    if (outside !== undefined) throw new Invalid(`part_numbers: ${outside} is not between 1 and ${plan.partCount}`);
    return this.deps.multipart.signParts(
      originalKey(owner, asset.id),
      plan.uploadId,
      wanted.map((partNumber) => ({ partNumber, size: partSizeOf(asset, plan, partNumber) })),
      PART_URL_TTL_SECONDS,
    );
  }

  async status(owner: string, assetId: string): Promise<UploadStatus> {
    const { asset, plan } = await this.open(owner, assetId);
    const parts = await this.deps.multipart.listParts(originalKey(owner, asset.id), plan.uploadId);
    return { asset, plan, parts: parts === 'missing' ? [] : parts };
  }

  /** Completes only a full, exact part list of this upload that adds up to the declared size. */
  async complete(owner: string, assetId: string, claimed: { partNumber: number; etag: string }[]): Promise<Asset> {
    const asset = await this.own(owner, assetId);
    const plan = asset.multipart;
    if (!plan) throw new Conflict('this upload is not a multipart upload');
    if (asset.state !== 'pending') return asset;
    const key = originalKey(owner, asset.id);
    const held = await this.deps.multipart.listParts(key, plan.uploadId);
    // Completed already (a retried request): S3 no longer knows the upload; the asset is on its way.
    if (held === 'missing') return asset;

    const numbers = claimed.map((p) => p.partNumber);
    if (numbers.length !== plan.partCount || numbers.some((n, i) => n !== i + 1)) {
      throw new Invalid(`parts: expected parts 1 to ${plan.partCount}, once each, in order`);
    }
    const byNumber = new Map(held.map((p) => [p.partNumber, p]));
    for (const part of claimed) {
      const stored = byNumber.get(part.partNumber);
      if (!stored || normaliseEtag(stored.etag) !== normaliseEtag(part.etag)) {
        throw new Invalid(`parts: part ${part.partNumber} is not a part of this upload`);
      }
      const expected = partSizeOf(asset, plan, part.partNumber);
      if (stored.size !== expected) {
        throw new Invalid(`parts: part ${part.partNumber} is ${stored.size} bytes, not ${expected}`);
      }
    }
    const total = claimed.reduce((sum, p) => sum + (byNumber.get(p.partNumber)?.size ?? 0), 0);
    if (total !== asset.fileSizeBytes) {
      throw new Invalid(`parts: the parts add up to ${total} bytes, not the ${asset.fileSizeBytes} declared`);
    }
    await this.deps.multipart.complete(key, plan.uploadId, claimed);
    return asset;
  }

  /** Aborts the upload and forgets the asset: nothing is left behind. */
  async abort(owner: string, assetId: string): Promise<void> {
    const { asset, plan } = await this.open(owner, assetId);
    await this.deps.ledger.release(asset);
    await this.deps.multipart.abort(originalKey(owner, asset.id), plan.uploadId);
    await this.deps.storage.deleteOriginal(originalKey(owner, asset.id));
    await this.deps.assets.remove(asset);
    // As DeleteAsset: a settle that slipped in before the removal is undone.
    await this.deps.ledger.release(asset);
  }

  private async open(owner: string, assetId: string) {
    const asset = await this.own(owner, assetId);
    if (!asset.multipart) throw new Conflict('this upload is not a multipart upload');
    if (asset.state !== 'pending') throw new Conflict('this upload is already complete');
    return { asset, plan: asset.multipart };
  }

  private async own(owner: string, assetId: string): Promise<Asset> {
    const asset = await this.deps.assets.get(assetId);
    if (!asset || asset.owner !== owner) throw new NotFound('upload not found');
    return asset;
  }
}
