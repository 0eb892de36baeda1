import { describe, expect, it } from 'vitest';
import { Accounts } from '#shared/domain/accounts.ts';
import { DeleteAsset } from '#shared/domain/delete-asset.ts';
import { MediaRejected, QuotaExceeded } from '#shared/domain/errors.ts';
import { normaliseExif } from '#shared/domain/exif.ts';
import { MultipartUploads } from '#shared/domain/multipart.ts';
import type { MediaProcessor, OriginalOnDisk } from '#shared/domain/ports.ts';
import { AssetProcessor } from '#shared/domain/process-asset.ts';
import { usageDeltas } from '#shared/domain/storage-ledger.ts';
import { PendingSweep } from '#shared/domain/sweep-pending.ts';
import { type UploadRequest, Uploads } from '#shared/domain/uploads.ts';
import { Users } from '#shared/domain/users.ts';
import { errorResponse } from '#shared/http/errors.ts';
import {
  FakeClock,
  FLAT_METRICS,
  MemoryAccounts,
  MemoryAssets,
  MemoryMultipart,
  MemoryQueue,
  MemoryStorage,
  memoryLedger,
  NO_FACES,
  NOWHERE,
} from '#test/helpers/fakes.ts';

const LIMIT = 10_000;
const device = {
  deviceAssetId: 'IMG_1',
  deviceId: 'phone',
  fileCreatedAt: '2024-01-15T08:30:45Z',
  fileModifiedAt: '2024-01-15T08:30:45Z',
};
const request = (size: number, overrides: Partial<UploadRequest> = {}): UploadRequest => ({
  ...device,
  fileName: 'IMG_1.jpg',
  mimeType: 'image/jpeg',
  fileSizeBytes: size,
  ...overrides,
});
const bytes = (size: number, sha256 = `sha256-${size}`): OriginalOnDisk => ({
  kind: 'disk',
  path: '/nowhere',
  size,
  head: Buffer.alloc(16),
  sha256,
  sha1: `sha1-${sha256}`,
});

/** Media that decodes anything, unless told to reject it. */
const media = (reject = false): MediaProcessor => ({
  sniff: async () => 'image/jpeg',
  inspect: async () => {
    if (reject) throw new MediaRejected('not a picture');
    return { mimeType: 'image/jpeg', kind: 'image', width: 4, height: 3, reading: normaliseExif({}) };
  },
  render: async () => ({
    preview: Buffer.from('p'),
    thumbnail: Buffer.from('t'),
    thumbhash: 'h',
    metrics: FLAT_METRICS,
    width: 4,
    height: 3,
  }),
});

const setup = async (options: { reject?: boolean } = {}) => {
  const clock = new FakeClock('2026-06-01T12:00:00Z');
  const store = new MemoryAccounts();
  const accounts = new Accounts(store, clock);
  const { ledger, usage } = memoryLedger(store, LIMIT, clock);
  const assets = new MemoryAssets();
  const storage = new MemoryStorage();
  const multipartStore = new MemoryMultipart();
  const processor = new AssetProcessor({
    assets,
    storage,
    media: media(options.reject),
    places: NOWHERE,
    ledger,
    clock,
  });
  const uploads = new Uploads({
    accounts,
    assets,
    storage,
    multipart: multipartStore,
    media: media(options.reject),
    processor,
    ledger,
    clock,
    multipartThreshold: 5_000,
  });
  const owner = (await accounts.createApiKey('alice')).record.owner;
  const libraryId = await accounts.resolveLibrary(owner);
  const library = async (id = libraryId) => {
    const { assetCount, storageUsedBytes } = await accounts.getLibrary(owner, id);
    return { assetCount, storageUsedBytes };
  };
  const me = async () => {
    const { chargedBytes, storedBytes } = await usage.usage(owner);
    return { chargedBytes, storedBytes };
  };
  return {
    clock,
    accounts,
    assets,
    storage,
    multipartStore,
    processor,
    uploads,
    ledger,
    usage,
    owner,
    libraryId,
    library,
    me,
    users: new Users({ accounts, ledger }),
    deletion: new DeleteAsset({ assets, storage, ledger, faces: NO_FACES }),
    multipart: new MultipartUploads({ assets, multipart: multipartStore, storage, ledger }),
    sweep: new PendingSweep({
      assets,
      storage,
      queue: new MemoryQueue(),
      ledger,
      clock,
      originalsBucket: 'b',
      graceMs: 120_000,
    }),
  };
};

describe('the counters of one asset', () => {
  it('move by the difference of its shares: a reservation is charged only, a stored original everywhere', () => {
    const none = { phase: 'none' as const, bytes: 0 };
    expect(usageDeltas(none, { phase: 'reserved', bytes: 100 })).toEqual({
      chargedBytes: 100,
      storedBytes: 0,
      assetCount: 0,
      libraryBytes: 0,
    });
    // The declared size is reserved; the stored size is what counts once the bytes are there.
    expect(usageDeltas({ phase: 'reserved', bytes: 100 }, { phase: 'stored', bytes: 90 })).toEqual({
      chargedBytes: -10,
      storedBytes: 90,
      assetCount: 1,
      libraryBytes: 90,
    });
    expect(usageDeltas({ phase: 'released', bytes: 0 }, { phase: 'stored', bytes: 90 })).toEqual({
      chargedBytes: 90,
      storedBytes: 90,
      assetCount: 1,
      libraryBytes: 90,
    });
    expect(usageDeltas({ phase: 'stored', bytes: 90 }, { phase: 'released', bytes: 0 })).toEqual({
      chargedBytes: -90,
      storedBytes: -90,
      assetCount: -1,
      libraryBytes: -90,
    });
    expect(usageDeltas({ phase: 'reserved', bytes: 100 }, { phase: 'released', bytes: 0 })).toEqual({
      chargedBytes: -100,
      storedBytes: 0,
      assetCount: 0,
      libraryBytes: 0,
    });
  });
});

describe('a direct upload', () => {
  it('counts its original once it is stored: the library’s count and bytes, the owner’s bytes', async () => {
    const { uploads, owner, library, me } = await setup();
    const result = await uploads.directUpload(owner, device, bytes(1200), 'a.jpg');
    expect(result.status).toBe('created');
    expect(result.asset.state).toBe('ready');
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 1200 });
    expect(await me()).toEqual({ chargedBytes: 1200, storedBytes: 1200 });
  });

  it('of bytes already in the library answers the existing asset and charges nothing', async () => {
    const { uploads, owner, library, me } = await setup();
    await uploads.directUpload(owner, device, bytes(1200), 'a.jpg');
    const again = await uploads.directUpload(owner, { ...device, deviceAssetId: 'IMG_2' }, bytes(1200), 'b.jpg');
    expect(again.status).toBe('duplicate');
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 1200 });
    expect(await me()).toEqual({ chargedBytes: 1200, storedBytes: 1200 });
  });

  it('whose original cannot be stored gives its reservation back', async () => {
    const { uploads, storage, owner, library, me } = await setup();
    storage.putOriginal = async () => {
      throw Object.assign(new Error('slow down'), { name: 'SlowDown', $retryable: {} });
    };
    await expect(uploads.directUpload(owner, device, bytes(1200), 'a.jpg')).rejects.toThrow();
    expect(await library()).toEqual({ assetCount: 0, storageUsedBytes: 0 });
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
  });

  it('whose reservation cannot be given back either keeps its pending record, and the sweep gives it back', async () => {
    const { uploads, storage, usage, assets, sweep, clock, owner, me } = await setup();
    storage.putOriginal = async () => {
      throw new Error('S3 stayed unavailable');
    };
    const transition = usage.transition.bind(usage);
    let failing = true;
    usage.transition = async (entry, to, size, options) => {
      if (failing && to === 'released') throw new Error('DynamoDB stayed unavailable');
      return transition(entry, to, size, options);
    };
    await expect(uploads.directUpload(owner, device, bytes(1200), 'a.jpg')).rejects.toThrow('S3 stayed unavailable');
    expect([...assets.assets.values()].map((a) => a.state)).toEqual(['pending']);
    expect(await me()).toEqual({ chargedBytes: 1200, storedBytes: 0 });
    failing = false;
    clock.advance(60 * 60_000);
    expect((await sweep.run()).abandoned).toBe(1);
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
  });

  it('of bytes that are no picture keeps them, and they count until deleted', async () => {
    const { uploads, deletion, owner, library, me } = await setup({ reject: true });
    const { asset } = await uploads.directUpload(owner, device, bytes(700), 'a.jpg');
    expect(asset.state).toBe('failed');
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 700 });
    await deletion.run(owner, asset.id);
    expect(await library()).toEqual({ assetCount: 0, storageUsedBytes: 0 });
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
  });
});

describe('the quota', () => {
  it('holds a presigned upload’s declared size before the target is made, and the stored size after', async () => {
    const { uploads, processor, owner, library, me } = await setup();
    const started = await uploads.createUpload(owner, request(3000));
    expect(await me()).toEqual({ chargedBytes: 3000, storedBytes: 0 });
    expect(await library()).toEqual({ assetCount: 0, storageUsedBytes: 0 });
    await processor.processFile(started.asset, bytes(3000), { etag: 'e1' });
    expect(await me()).toEqual({ chargedBytes: 3000, storedBytes: 3000 });
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 3000 });
  });

  it('refuses an upload that does not fit with QuotaExceeded (507, not retried), before any record or target', async () => {
    const { uploads, assets, storage, owner, me } = await setup();
    await uploads.createUpload(owner, request(4000));
    await uploads.createUpload(owner, request(4000, { deviceAssetId: 'IMG_2' }));
    const refused = uploads.createUpload(owner, request(2001, { deviceAssetId: 'IMG_3' }));
    await expect(refused).rejects.toBeInstanceOf(QuotaExceeded);
    const { response } = errorResponse(await refused.catch((e) => e));
    expect(response.statusCode).toBe(507);
    expect(response.headers).toMatchObject({ 'x-should-retry': 'false' });
    expect(JSON.parse(String(response.body)).detail).toMatch(/storage quota exceeded: this upload needs 2001 bytes/);
    expect(assets.assets.size).toBe(2);
    expect(storage.presigned).toHaveLength(2);
    expect(await me()).toEqual({ chargedBytes: 8000, storedBytes: 0 });
    // Exactly the rest still fits.
    await uploads.createUpload(owner, request(2000, { deviceAssetId: 'IMG_4' }));
    expect(await me()).toEqual({ chargedBytes: 10_000, storedBytes: 0 });
  });

  it('applies a user’s own limit over the default, and the default again once it is cleared', async () => {
    const { uploads, users, owner } = await setup();
    expect((await users.profile(owner)).storageLimitBytes).toBe(LIMIT);
    await users.setStorageLimit('alice', 500);
    expect((await users.profile(owner)).storageLimitBytes).toBe(500);
    await expect(uploads.createUpload(owner, request(501))).rejects.toBeInstanceOf(QuotaExceeded);
    await users.setStorageLimit('alice', undefined);
    await uploads.createUpload(owner, request(501));
    await expect(users.setStorageLimit('alice', -1)).rejects.toThrow(/whole number/);
  });

  it('is given back when an upload never arrives, and an upload stored meanwhile keeps counting', async () => {
    const { uploads, sweep, processor, clock, owner, me, library } = await setup();
    const lost = await uploads.createUpload(owner, request(2000));
    const late = await uploads.createUpload(owner, request(1000, { deviceAssetId: 'IMG_2' }));
    await processor.processFile(late.asset, bytes(1000), { etag: 'e' });
    clock.advance(60 * 60_000);
    const report = await sweep.run();
    expect(report.abandoned).toBe(1);
    expect(await me()).toEqual({ chargedBytes: 1000, storedBytes: 1000 });
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 1000 });
    // A second sweep finds nothing more to give back.
    await sweep.run();
    expect(await me()).toEqual({ chargedBytes: 1000, storedBytes: 1000 });
    expect(lost.asset.id).not.toBe(late.asset.id);
  });

  it('held by another actor’s unfinished change is left for a later sweep, the upload still pending', async () => {
    const { uploads, sweep, usage, assets, clock, owner, me } = await setup();
    const { asset } = await uploads.createUpload(owner, request(2000));
    const transition = usage.transition.bind(usage);
    usage.transition = async (entry, to, size, options) =>
      to === 'released' ? 'busy' : transition(entry, to, size, options);
    clock.advance(60 * 60_000);
    expect(await sweep.run()).toMatchObject({ abandoned: 0, waiting: 1 });
    expect((await assets.get(asset.id))?.state).toBe('pending');
    usage.transition = transition;
    expect(await sweep.run()).toMatchObject({ abandoned: 1 });
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
  });

  it('is given back when a multipart upload is aborted', async () => {
    const { uploads, multipart, owner, me } = await setup();
    const started = await uploads.createUpload(owner, request(8000, { mimeType: 'video/mp4' }));
    expect(started.status).toBe('multipart');
    expect(await me()).toEqual({ chargedBytes: 8000, storedBytes: 0 });
    await multipart.abort(owner, started.asset.id);
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
  });

  it('is given back when the target cannot be made', async () => {
    const { uploads, storage, assets, owner, me } = await setup();
    storage.presignUpload = async () => {
      throw new Error('signing failed');
    };
    await expect(uploads.createUpload(owner, request(2000))).rejects.toThrow('signing failed');
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
    expect(assets.assets.size).toBe(0);
  });
});

describe('the processor', () => {
  it('counts an asset once however often its event arrives or is replayed', async () => {
    const { uploads, processor, owner, me, library, usage } = await setup();
    const { asset } = await uploads.createUpload(owner, request(3000));
    for (let i = 0; i < 3; i++) await processor.processFile(asset, bytes(3000), { etag: 'e' });
    expect(usage.transitions).toBeGreaterThanOrEqual(4);
    expect(await me()).toEqual({ chargedBytes: 3000, storedBytes: 3000 });
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 3000 });
  });

  it('releases an upload that turns out to duplicate an asset of the library: the bytes count once', async () => {
    const { uploads, processor, owner, me, library } = await setup();
    const first = await uploads.createUpload(owner, request(3000));
    const second = await uploads.createUpload(owner, request(3000, { deviceAssetId: 'IMG_2' }));
    expect(await me()).toEqual({ chargedBytes: 6000, storedBytes: 0 });
    await processor.processFile(first.asset, bytes(3000, 'same'), { etag: 'e1' });
    const outcome = await processor.processFile(second.asset, bytes(3000, 'same'), { etag: 'e2' });
    expect(outcome.outcome).toBe('duplicate');
    expect(await me()).toEqual({ chargedBytes: 3000, storedBytes: 3000 });
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 3000 });
  });

  it('undoes its settle when the asset was deleted while it worked', async () => {
    const { uploads, processor, deletion, assets, owner, me, library } = await setup();
    const { asset } = await uploads.createUpload(owner, request(3000));
    // The delete runs between the processor's record write and its settle.
    const save = assets.save.bind(assets);
    assets.save = async (a) => {
      const saved = await save(a);
      if (saved) await deletion.run(owner, a.id);
      return saved;
    };
    await processor.processFile(asset, bytes(3000), { etag: 'e' });
    expect(await assets.get(asset.id)).toBeUndefined();
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
    expect(await library()).toEqual({ assetCount: 0, storageUsedBytes: 0 });
  });
});

describe('deleting', () => {
  it('an asset releases its bytes; deleting it again changes nothing', async () => {
    const { uploads, deletion, owner, me, library } = await setup();
    const kept = await uploads.directUpload(owner, device, bytes(1000, 'a'), 'a.jpg');
    const gone = await uploads.directUpload(owner, device, bytes(2000, 'b'), 'b.jpg');
    await deletion.run(owner, gone.asset.id);
    await expect(deletion.run(owner, gone.asset.id)).rejects.toThrow('asset not found');
    expect(await me()).toEqual({ chargedBytes: 1000, storedBytes: 1000 });
    expect(await library()).toEqual({ assetCount: 1, storageUsedBytes: 1000 });
    expect(kept.asset.state).toBe('ready');
  });

  it('a pending upload releases its reservation', async () => {
    const { uploads, deletion, owner, me } = await setup();
    const { asset } = await uploads.createUpload(owner, request(2500));
    await deletion.run(owner, asset.id);
    expect(await me()).toEqual({ chargedBytes: 0, storedBytes: 0 });
  });

  it('an asset counts in its own library only', async () => {
    const { uploads, accounts, owner, library, libraryId } = await setup();
    const other = await accounts.createLibrary(owner, 'Holidays');
    await uploads.directUpload(owner, { ...device, libraryId: other.id }, bytes(900), 'a.jpg');
    expect(await library(other.id)).toEqual({ assetCount: 1, storageUsedBytes: 900 });
    expect(await library(libraryId)).toEqual({ assetCount: 0, storageUsedBytes: 0 });
  });
});
