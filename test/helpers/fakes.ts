import type { Asset } from '../../shared/domain/asset.ts';
import { compareSequencers } from '../../shared/domain/asset.ts';
import type { ObjectCreated } from '../../shared/domain/object-event.ts';
import type {
  AssetRepository,
  Download,
  ExistMatch,
  ExistQuery,
  MultipartStorage,
  ObjectStorage,
  Original,
  PresignedUpload,
  ProcessingQueue,
  SignedPart,
  TimelineQuery,
  UploadedPart,
} from '../../shared/domain/ports.ts';

/** In-memory ports for unit tests of the domain; the same rules as the DynamoDB adapter, no more. */
export class MemoryAssets implements AssetRepository {
  readonly assets = new Map<string, Asset>();
  readonly claims = new Map<string, string>();
  readonly entries = new Map<string, string>();

  async create(asset: Asset) {
    // As DynamoAssets: ids are fresh, so an existing item is this create's own earlier attempt.
    if (!this.assets.has(asset.id)) this.assets.set(asset.id, structuredClone(asset));
  }
  async get(id: string) {
    const asset = this.assets.get(id);
    return asset && structuredClone(asset);
  }
  async save(asset: Asset) {
    const current = this.assets.get(asset.id);
    if (!current) return false;
    if (asset.sequencer && current.sequencer && compareSequencers(current.sequencer, asset.sequencer) > 0) return false;
    this.assets.set(asset.id, structuredClone(asset));
    return true;
  }
  async claimChecksum(asset: Asset) {
    const key = `${asset.libraryId}#${asset.checksum}`;
    if (!this.claims.has(key)) this.claims.set(key, asset.id);
    return this.claims.get(key) ?? asset.id;
  }
  async findChecksum(libraryId: string, checksum: string) {
    return this.claims.get(`${libraryId}#${checksum}`);
  }
  async transferChecksum(asset: Asset, from: string) {
    const key = `${asset.libraryId}#${asset.checksum}`;
    if (this.claims.get(key) !== from) return false;
    this.claims.set(key, asset.id);
    return true;
  }
  async releaseChecksum(asset: Asset) {
    const key = `${asset.libraryId}#${asset.checksum}`;
    if (this.claims.get(key) === asset.id) this.claims.delete(key);
  }
  async putEntries(asset: Asset) {
    this.entries.set(`${asset.libraryId}#SHA1#${asset.checksumSha1}`, asset.id);
    this.entries.set(`${asset.libraryId}#DEV#${asset.deviceId}#${asset.deviceAssetId}`, asset.id);
  }
  async remove(asset: Asset) {
    await this.releaseChecksum(asset);
    this.assets.delete(asset.id);
  }
  async timeline(_query: TimelineQuery) {
    return { assets: [...this.assets.values()], hasMore: false };
  }
  async exist(_query: ExistQuery): Promise<ExistMatch[]> {
    return [];
  }
  /** Like the sparse index: only pending assets, oldest first, in pages of `pageSize`. */
  async *pendingUploads(createdBefore: string) {
    const pending = [...this.assets.values()]
      .filter((a) => a.state === 'pending' && a.createdAt < createdBefore)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.pendingReads++;
    for (let i = 0; i < pending.length; i += this.pageSize)
      yield pending.slice(i, i + this.pageSize).map((a) => structuredClone(a));
  }
  pendingReads = 0;
  pageSize = 2;
  async saveIfPending(asset: Asset) {
    if (this.assets.get(asset.id)?.state !== 'pending') return false;
    this.assets.set(asset.id, structuredClone(asset));
    return true;
  }
}

/** A processing queue that only records what it was sent. */
export class MemoryQueue implements ProcessingQueue {
  readonly sent: ObjectCreated[] = [];
  async enqueue(objects: ObjectCreated[]) {
    this.sent.push(...objects);
  }
}

export class MemoryStorage implements ObjectStorage {
  readonly derived = new Map<string, Buffer>();
  readonly deletedOriginals: string[] = [];

  /** Originals the sweep's HEAD finds, by key. */
  readonly originals = new Map<string, { etag: string; size: number }>();

  async download(): Promise<Download> {
    return 'missing';
  }
  async head(key: string) {
    return this.originals.get(key) ?? 'missing';
  }
  async putOriginal(_key: string, _file: Original, _contentType: string) {
    return { etag: 'etag' };
  }
  async putDerived(key: string, body: Buffer) {
    this.derived.set(key, body);
  }
  async deleteOriginal(key: string) {
    this.deletedOriginals.push(key);
  }
  async deleteDerived(keys: string[]) {
    for (const key of keys) this.derived.delete(key);
  }
  async presignUpload(): Promise<PresignedUpload> {
    return { url: 'memory://', fields: {}, expiresAt: new Date().toISOString() };
  }
  async originalUrl(key: string) {
    return `memory://${key}`;
  }
  async derivedUrl(key: string) {
    return `memory://${key}`;
  }
}

/** Multipart uploads that hold no parts: records what was completed and aborted. */
export class MemoryMultipart implements MultipartStorage {
  readonly completed: string[] = [];
  readonly aborted: string[] = [];

  async create() {
    return 'upload';
  }
  async signParts(): Promise<SignedPart[]> {
    return [];
  }
  async listParts(): Promise<UploadedPart[]> {
    return [];
  }
  async complete(key: string) {
    this.completed.push(key);
  }
  async abort(key: string) {
    this.aborted.push(key);
  }
}

export const pendingAsset = (file: Pick<Original, 'size'>, overrides: Partial<Asset> = {}): Asset => ({
  id: `asset_${Math.random().toString(36).slice(2).padEnd(22, 'x').slice(0, 22)}`,
  owner: 'user_test',
  libraryId: 'lib_test',
  state: 'pending',
  deviceAssetId: 'd',
  deviceId: 'dev',
  originalFileName: 'x',
  declaredMimeType: 'image/jpeg',
  fileCreatedAt: '2020-01-01T00:00:00Z',
  fileModifiedAt: '2020-01-01T00:00:00Z',
  localDatetime: '2020-01-01T00:00:00Z',
  fileSizeBytes: file.size,
  createdAt: '2020-01-01T00:00:00Z',
  updatedAt: '2020-01-01T00:00:00Z',
  ...overrides,
});
