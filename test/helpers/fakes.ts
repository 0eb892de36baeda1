import type {
  AccountRepository,
  ApiKeyRecord,
  Library,
  LibraryChanges,
  LibraryTrashMark,
  User,
} from '#shared/domain/accounts.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { compareSequencers, isListed } from '#shared/domain/asset.ts';
import { mediaClassOf } from '#shared/domain/media-types.ts';
import { imageMetrics, type Metrics } from '#shared/domain/metrics.ts';
import type { ObjectCreated } from '#shared/domain/object-event.ts';
import type {
  AssetRepository,
  Clock,
  Download,
  ExistMatch,
  ExistQuery,
  Gazetteer,
  GeoIndex,
  MultipartStorage,
  ObjectStorage,
  Original,
  PresignedUpload,
  ProcessingQueue,
  SignedPart,
  TimelineQuery,
  TrashPageQuery,
  UploadedPart,
} from '#shared/domain/ports.ts';
import {
  type OwnerUsage,
  StorageLedger,
  TRANSITIONS,
  type TransitionOptions,
  type TransitionResult,
  type UsageEntry,
  type UsagePhase,
  type UsageRepository,
  type UsageState,
  usageDeltas,
} from '#shared/domain/storage-ledger.ts';

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
  async save(asset: Asset, expected?: { updatedAt: string }) {
    const current = this.assets.get(asset.id);
    if (!current) return false;
    if (asset.sequencer && current.sequencer && compareSequencers(current.sequencer, asset.sequencer) > 0) return false;
    if (expected ? current.updatedAt !== expected.updatedAt : current.editVersion !== asset.editVersion) return false;
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
    for (const [key, id] of this.entries) if (id === asset.id) this.entries.delete(key);
    this.assets.delete(asset.id);
  }
  async getMany(ids: string[]) {
    return ids.flatMap((id) => {
      const asset = this.assets.get(id);
      return asset ? [structuredClone(asset)] : [];
    });
  }
  /** Like the timeline indexes: listed assets of one library, or of one owner, by capture time. */
  async timeline(query: TimelineQuery) {
    const sign = query.order === 'asc' ? 1 : -1;
    const listed = [...this.assets.values()]
      .filter((a) => isListed(a) && (query.libraryId ? a.libraryId === query.libraryId : a.owner === query.owner))
      .filter(
        (a) =>
          !query.libraries ||
          (query.libraries.ids.includes(a.libraryId) &&
            (!query.libraries.media || mediaClassOf(a.mimeType) === query.libraries.media)),
      )
      .sort((a, b) => sign * a.localDatetime.localeCompare(b.localDatetime));
    return {
      assets: listed.slice(0, query.limit).map((a) => structuredClone(a)),
      hasMore: listed.length > query.limit,
    };
  }
  /** Like the batched gets: the claims and entries of the named libraries only. */
  async exist(query: ExistQuery): Promise<ExistMatch[]> {
    const ids = new Set<string>();
    for (const libraryId of query.libraryIds) {
      for (const checksum of query.checksums ?? []) ids.add(this.claims.get(`${libraryId}#${checksum}`) ?? '');
      for (const sha1 of query.checksumSha1s ?? []) ids.add(this.entries.get(`${libraryId}#SHA1#${sha1}`) ?? '');
      for (const id of query.device?.deviceAssetIds ?? [])
        ids.add(this.entries.get(`${libraryId}#DEV#${query.device?.deviceId}#${id}`) ?? '');
    }
    return [...ids].flatMap((id) => {
      const asset = this.assets.get(id);
      return asset
        ? [
            {
              id,
              checksum: asset.checksum,
              checksumSha1: asset.checksumSha1,
              deviceAssetId: asset.deviceAssetId,
              deviceId: asset.deviceId,
            },
          ]
        : [];
    });
  }
  /** Like the sparse index: only pending assets, oldest first, in pages of `pageSize`. */
  async *pendingUploads(createdBefore: string) {
    const pending = [...this.assets.values()]
      .filter((a) => a.state === 'pending' && a.trashedAt === undefined && a.createdAt < createdBefore)
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
  private trashed(libraryIds: string[]) {
    return [...this.assets.values()].filter((a) => a.trashedAt !== undefined && libraryIds.includes(a.libraryId));
  }
  async trashedIds(libraryId: string) {
    return this.trashed([libraryId]).map((a) => a.id);
  }
  async trashPage(query: TrashPageQuery) {
    const position = (a: Asset) => `${a.trashedAt}#${a.id}`;
    const sign = query.order === 'asc' ? 1 : -1;
    const cursor = query.startAfter && position(query.startAfter);
    const page = this.trashed(query.libraryIds)
      .filter((a) => !cursor || sign * position(a).localeCompare(cursor) > 0)
      .sort((a, b) => sign * position(a).localeCompare(position(b)));
    return { assets: page.slice(0, query.limit).map((a) => structuredClone(a)), hasMore: page.length > query.limit };
  }
  async someOfLibrary(libraryId: string, limit: number) {
    return [...this.assets.values()]
      .filter((a) => a.libraryId === libraryId && a.state !== 'duplicate')
      .slice(0, limit)
      .map((a) => structuredClone(a));
  }
  async *trashedBefore(instant: string) {
    const due = [...this.assets.values()].filter((a) => a.trashedAt !== undefined && a.trashedAt < instant);
    for (let i = 0; i < due.length; i += this.pageSize)
      yield due.slice(i, i + this.pageSize).map((a) => structuredClone(a));
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
  async putOriginal(key: string, file: Original, _contentType: string) {
    this.originals.set(key, { etag: 'etag', size: file.size });
    return { etag: 'etag' };
  }
  async putDerived(key: string, body: Buffer) {
    this.derived.set(key, body);
  }
  async readDerived(key: string) {
    return this.derived.get(key) ?? 'missing';
  }
  async deleteOriginal(key: string) {
    this.originals.delete(key);
    this.deletedOriginals.push(key);
  }
  async deleteDerived(keys: string[]) {
    for (const key of keys) this.derived.delete(key);
  }
  /** What each presigned POST was pinned to. */
  readonly presigned: Parameters<ObjectStorage['presignUpload']>[0][] = [];
  async presignUpload(input: Parameters<ObjectStorage['presignUpload']>[0]): Promise<PresignedUpload> {
    this.presigned.push(input);
    return { url: 'memory://', fields: { key: input.key }, expiresAt: new Date().toISOString() };
  }
  async originalUrl(key: string) {
    return `memory://${key}`;
  }
  async derivedUrl(key: string) {
    return `memory://${key}`;
  }
}

/** Multipart uploads that hold no parts: records what was completed and aborted. */
/** Multipart uploads in memory: the parts S3 holds per upload; completing or aborting forgets one. */
export class MemoryMultipart implements MultipartStorage {
  readonly uploads = new Map<string, { key: string; parts: UploadedPart[] }>();
  readonly completed: { key: string; uploadId: string; parts: { partNumber: number; etag: string }[] }[] = [];
  readonly aborted: string[] = [];

  async create(key: string) {
    const uploadId = `upload_${this.uploads.size + this.completed.length + this.aborted.length + 1}`;
    this.uploads.set(uploadId, { key, parts: [] });
    return uploadId;
  }
  /** What a client's UploadPart leaves in S3. */
  uploadPart(uploadId: string, part: UploadedPart) {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new Error(`no multipart upload ${uploadId}`);
    upload.parts = [...upload.parts.filter((p) => p.partNumber !== part.partNumber), part];
  }
  async signParts(key: string, uploadId: string, parts: { partNumber: number; size: number }[]): Promise<SignedPart[]> {
    return parts.map((p) => ({ ...p, url: `memory://${key}?uploadId=${uploadId}&partNumber=${p.partNumber}` }));
  }
  async listParts(key: string, uploadId: string): Promise<UploadedPart[] | 'missing'> {
    const upload = this.uploads.get(uploadId);
    return upload && upload.key === key ? structuredClone(upload.parts) : 'missing';
  }
  async complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]) {
    this.uploads.delete(uploadId);
    this.completed.push({ key, uploadId, parts });
  }
  async abort(_key: string, uploadId: string) {
    this.uploads.delete(uploadId);
    this.aborted.push(uploadId);
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

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  private ms: number;
  constructor(start = '2024-01-15T08:30:00Z') {
    this.ms = Date.parse(start);
  }
  now() {
    return new Date(this.ms);
  }
  advance(ms: number) {
    this.ms += ms;
  }
}

/** Accounts in memory: the same rules as DynamoAccounts (names claimed once, items written only if new). */
export class MemoryAccounts implements AccountRepository {
  readonly userNames = new Map<string, User>();
  readonly users = new Map<string, User>();
  readonly libraries = new Map<string, Library>();
  readonly keysByHash = new Map<string, ApiKeyRecord>();
  readonly keysById = new Map<string, ApiKeyRecord>();

  async claimUserName(candidate: User) {
    if (!this.userNames.has(candidate.name)) this.userNames.set(candidate.name, structuredClone(candidate));
    return structuredClone(this.userNames.get(candidate.name) ?? candidate);
  }
  async ensureUser(user: User, defaultLibrary: Library) {
    if (!this.users.has(user.id)) this.users.set(user.id, structuredClone(user));
    const key = `${defaultLibrary.owner}#${defaultLibrary.id}`;
    if (!this.libraries.has(key)) this.libraries.set(key, structuredClone(defaultLibrary));
  }
  async createLibrary(library: Library) {
    const key = `${library.owner}#${library.id}`;
    if (this.libraries.has(key)) throw new Error(`library id collision: ${library.id}`);
    this.libraries.set(key, structuredClone(library));
  }
  async updateLibrary(owner: string, id: string, changes: LibraryChanges, at: string) {
    const library = this.libraries.get(`${owner}#${id}`);
    if (!library) return undefined;
    if (changes.name !== undefined) library.name = changes.name;
    if (changes.description === null) delete library.description;
    else if (changes.description !== undefined) library.description = changes.description;
    library.updatedAt = at;
    return structuredClone(library);
  }
  async markLibrary(owner: string, id: string, mark: LibraryTrashMark | null, at: string, whileTrashed = false) {
    const library = this.libraries.get(`${owner}#${id}`);
    if (!library || (whileTrashed && library.trashedAt === undefined)) return undefined;
    delete library.trashedAt;
    delete library.purgeAfter;
    Object.assign(library, mark, { updatedAt: at });
    return structuredClone(library);
  }
  async purgeableLibraries(at: string) {
    return [...this.libraries.values()]
      .filter((l) => l.purgeAfter !== undefined && l.purgeAfter <= at)
      .sort((a, b) => (a.purgeAfter ?? '').localeCompare(b.purgeAfter ?? ''))
      .map((l) => structuredClone(l));
  }
  async removeLibrary(library: Library) {
    const key = `${library.owner}#${library.id}`;
    if (this.libraries.get(key)?.trashedAt === undefined) return false;
    return this.libraries.delete(key);
  }
  async findUserByName(name: string) {
    const claim = this.userNames.get(name);
    return claim && this.getUser(claim.id);
  }
  async getLibrary(owner: string, id: string) {
    const library = this.libraries.get(`${owner}#${id}`);
    return library && structuredClone(library);
  }
  async getUser(owner: string) {
    const user = this.users.get(owner);
    return user && structuredClone(user);
  }
  async listLibraries(owner: string) {
    return [...this.libraries.values()]
      .filter((l) => l.owner === owner)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((l) => structuredClone(l));
  }
  async putApiKey(key: ApiKeyRecord) {
    if (!this.keysById.has(key.id)) this.keysById.set(key.id, structuredClone(key));
    if (!this.keysByHash.has(key.hash)) this.keysByHash.set(key.hash, structuredClone(key));
  }
  async findApiKeyByHash(hash: string) {
    const key = this.keysByHash.get(hash);
    return key && structuredClone(key);
  }
  async getApiKey(id: string) {
    const key = this.keysById.get(id);
    return key && structuredClone(key);
  }
  async listApiKeys() {
    return [...this.keysById.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((k) => structuredClone(k));
  }
  async revokeApiKey(key: ApiKeyRecord, at: string) {
    for (const item of [this.keysByHash.get(key.hash), this.keysById.get(key.id)]) {
      if (!item) throw new Error('ConditionalCheckFailed: no such key');
      item.revokedAt ??= at;
    }
  }
}

/**
 * The counters in memory, with DynamoUsage's rules: each asset's phase moves only along
 * TRANSITIONS, each move changes the counters once, a reservation past the limit is refused and
 * leaves nothing. Library counters live on MemoryAccounts' libraries, as on the library item. Each
 * call is atomic here, so there is no `busy` (the adapter's crash recovery is tested against the
 * local stack).
 */
export class MemoryUsage implements UsageRepository {
  readonly phases = new Map<string, UsageState>();
  readonly owners = new Map<string, OwnerUsage>();
  transitions = 0;

  constructor(private readonly accounts: MemoryAccounts) {}

  async transition(
    entry: UsageEntry,
    to: UsagePhase,
    bytes: number,
    { limit, from: only }: TransitionOptions = {},
  ): Promise<TransitionResult> {
    this.transitions++;
    const from = this.phases.get(entry.assetId) ?? { phase: 'none', bytes: 0 };
    if (!TRANSITIONS[to].includes(from.phase)) return 'unchanged';
    if (only && (from.phase === 'none' || !only.includes(from.phase))) return 'unchanged';
    const d = usageDeltas(from, { phase: to, bytes });
    const owner = this.owners.get(entry.owner) ?? { chargedBytes: 0, storedBytes: 0 };
    if (limit !== undefined && d.chargedBytes > 0 && owner.chargedBytes + d.chargedBytes > limit) return 'over-quota';
    this.phases.set(entry.assetId, { phase: to, bytes });
    owner.chargedBytes += d.chargedBytes;
    owner.storedBytes += d.storedBytes;
    this.owners.set(entry.owner, owner);
    const library = this.accounts.libraries.get(`${entry.owner}#${entry.libraryId}`);
    if (library) {
      library.assetCount += d.assetCount;
      library.storageUsedBytes += d.libraryBytes;
    }
    return 'applied';
  }
  async usage(owner: string) {
    return structuredClone(this.owners.get(owner) ?? { chargedBytes: 0, storedBytes: 0 });
  }
  async setLimit(owner: string, bytes: number | undefined, at: string) {
    const usage = this.owners.get(owner) ?? { chargedBytes: 0, storedBytes: 0 };
    if (bytes === undefined) delete usage.limitBytes;
    else usage.limitBytes = bytes;
    usage.limitUpdatedAt = at;
    this.owners.set(owner, usage);
  }
}

/** A ledger over MemoryUsage: `accounts` holds the libraries whose counters it keeps. */
export const memoryLedger = (accounts = new MemoryAccounts(), defaultLimitBytes = 10 * 1024 ** 3, clock?: Clock) => {
  const usage = new MemoryUsage(accounts);
  return { usage, ledger: new StorageLedger({ usage, defaultLimitBytes, ...(clock && { clock }) }) };
};

/** What a flat grey picture scores: for fake renditions. */
export const FLAT_METRICS: Metrics = imageMetrics(new Uint8Array(4 * 4 * 3).fill(128), 4, 4, 3);

/** A gazetteer for the unit tests whose photos' whereabouts do not matter: nowhere, no zone. */
export const NOWHERE: Gazetteer = {
  placeAt: async () => ({ city: null, state: null, country: null, countryCode: null, timezone: null }),
};

/** For use cases whose assets have no faces. */
export const NO_FACES = { forget: async () => {} };

/** A geo index for the unit tests of use cases that never filter by place. */
export const NO_GEO_INDEX: GeoIndex = {
  page: () => Promise.reject(new Error('no geo index in this test')),
  points: () => Promise.reject(new Error('no geo index in this test')),
};
