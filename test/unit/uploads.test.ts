import { afterEach, describe, expect, it, vi } from 'vitest';
import { Accounts } from '#shared/domain/accounts.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { MediaRejected } from '#shared/domain/errors.ts';
import { normaliseExif } from '#shared/domain/exif.ts';
import { MAX_IMAGE_BYTES } from '#shared/domain/media-types.ts';
import { FIRST_BATCH } from '#shared/domain/multipart.ts';
import type { Clock, MediaProcessor, OriginalOnDisk } from '#shared/domain/ports.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { AssetProcessor } from '#shared/domain/process-asset.ts';
import { UPLOAD_TTL_SECONDS, type UploadRequest, Uploads } from '#shared/domain/uploads.ts';
import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import {
  FakeClock,
  FLAT_METRICS,
  MemoryAccounts,
  MemoryAssets,
  MemoryMultipart,
  MemoryStorage,
  memoryLedger,
  NOWHERE,
  pendingAsset,
} from '#test/helpers/fakes.ts';

const MiB = 1024 * 1024;
const THRESHOLD = 32 * MiB;

const device = {
  deviceAssetId: 'IMG_1',
  deviceId: 'phone',
  fileCreatedAt: '2024-01-15T08:30:45Z',
  fileModifiedAt: '2024-01-15T08:30:45Z',
};
const request = (overrides: Partial<UploadRequest> = {}): UploadRequest => ({
  ...device,
  fileName: 'IMG_1.jpg',
  mimeType: 'image/jpeg',
  fileSizeBytes: 1000,
  ...overrides,
});
const bytes = (overrides: Partial<OriginalOnDisk> = {}): OriginalOnDisk => ({
  kind: 'disk',
  path: '/nowhere',
  size: 1000,
  head: Buffer.alloc(16),
  sha256: 'sha256-of-the-bytes',
  sha1: 'sha1-of-the-bytes',
  ...overrides,
});

/** Media that sniffs as `sniffed` and decodes, unless a test says otherwise. */
const fakeMedia = (sniffed: string | null = 'image/jpeg'): MediaProcessor & { inspected: number } => {
  const media = {
    inspected: 0,
    sniff: async () => sniffed ?? undefined,
    inspect: async () => {
      media.inspected++;
      return {
        mimeType: sniffed ?? 'image/jpeg',
        kind: 'image' as const,
        width: 4,
        height: 3,
        reading: normaliseExif({}),
      };
    },
    render: async () => ({
      preview: Buffer.from('p'),
      thumbnail: Buffer.from('t'),
      thumbhash: 'hash',
      metrics: FLAT_METRICS,
      width: 4,
      height: 3,
    }),
  };
  return media;
};

const setup = async (media = fakeMedia(), clock: Clock = new FakeClock()) => {
  const store = new MemoryAccounts();
  const accounts = new Accounts(store, clock);
  const { ledger } = memoryLedger(store, 10 * 1024 ** 3, clock);
  const assets = new MemoryAssets();
  const storage = new MemoryStorage();
  const multipart = new MemoryMultipart();
  const processor = new AssetProcessor({ assets, storage, media, places: NOWHERE, ledger, clock });
  const uploads = new Uploads({
    accounts,
    assets,
    storage,
    multipart,
    media,
    processor,
    ledger,
    clock,
    multipartThreshold: THRESHOLD,
  });
  const owner = (await accounts.createApiKey('alice')).record.owner;
  const libraryId = await accounts.resolveLibrary(owner);
  /** An asset of alice's that holds `checksum` in her default library. */
  const holder = async (checksum: string, overrides: Partial<Asset> = {}) => {
    const asset = pendingAsset({ size: 1000 }, { owner, libraryId, state: 'ready', checksum, ...overrides });
    await assets.create(asset);
    await assets.claimChecksum(asset);
    return asset;
  };
  return {
    accounts,
    assets,
    storage,
    multipartStore: multipart,
    processor,
    uploads,
    owner,
    libraryId,
    clock,
    media,
    holder,
  };
};

describe('starting a direct-to-S3 upload', () => {
  it('creates a pending asset and a POST target pinned to its key, type, size and 15 minutes', async () => {
    const { uploads, storage, assets, owner, clock } = await setup();
    const result = await uploads.createUpload(owner, request());
    expect(result.status).toBe('created');
    expect(result.asset).toMatchObject({
      owner,
      state: 'pending',
      fileSizeBytes: 1000,
      declaredMimeType: 'image/jpeg',
    });
    expect(result.asset.uploadExpiresAt).toBe(
      new Date(clock.now().getTime() + UPLOAD_TTL_SECONDS * 1000).toISOString(),
    );
    expect(storage.presigned).toEqual([
      { key: originalKey(owner, result.asset.id), contentType: 'image/jpeg', size: 1000, expiresInSeconds: 900 },
    ]);
    expect(await assets.get(result.asset.id)).toEqual(result.asset);
  });

  it('goes into the caller’s default library unless another of theirs is named', async () => {
    const { uploads, accounts, owner, libraryId } = await setup();
    expect((await uploads.createUpload(owner, request())).asset.libraryId).toBe(libraryId);
    const holidays = await accounts.createLibrary(owner, 'Holidays');
    expect((await uploads.createUpload(owner, request({ libraryId: holidays.id }))).asset.libraryId).toBe(holidays.id);
  });

  it('refuses another user’s library as NotFound', async () => {
    const { uploads, accounts, assets, libraryId } = await setup();
    const mallory = (await accounts.createApiKey('mallory')).record.owner;
    await expect(uploads.createUpload(mallory, request({ libraryId }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    expect(assets.assets.size).toBe(0);
  });

  it('keeps only a display name of the file', async () => {
    const { uploads, owner } = await setup();
    const { asset } = await uploads.createUpload(owner, request({ fileName: '../../etc/\u0000x.jpg' }));
    expect(asset.originalFileName).toBe('x.jpg');
  });

  it('records the announced checksum, to be verified against the bytes', async () => {
    const { uploads, owner } = await setup();
    const { asset } = await uploads.createUpload(owner, request({ checksum: 'announced' }));
    expect(asset.declaredChecksum).toBe('announced');
  });

  it('a checksum the library already holds answers the existing asset and no target', async () => {
    const { uploads, assets, storage, multipartStore, owner, holder } = await setup();
    const existing = await holder('known');
    const result = await uploads.createUpload(owner, request({ checksum: 'known' }));
    expect(result).toEqual({ status: 'duplicate', asset: existing });
    expect(assets.assets.size).toBe(1);
    expect(storage.presigned).toEqual([]);
    expect(multipartStore.uploads.size).toBe(0);
  });

  it('a checksum whose holder failed is not a duplicate: the upload goes ahead', async () => {
    const { uploads, owner, holder } = await setup();
    await holder('known', { state: 'failed' });
    expect((await uploads.createUpload(owner, request({ checksum: 'known' }))).status).toBe('created');
  });

  it.each(['application/pdf', 'text/html', 'image/svg+xml'])('refuses %s as Unsupported', async (mimeType) => {
    const { uploads, assets, owner } = await setup();
    await expect(uploads.createUpload(owner, request({ mimeType }))).rejects.toMatchObject({ name: 'Unsupported' });
    expect(assets.assets.size).toBe(0);
  });

  it('refuses an image over 200 MiB as TooLarge; a video that size goes ahead', async () => {
    const { uploads, assets, owner } = await setup();
    await expect(uploads.createUpload(owner, request({ fileSizeBytes: MAX_IMAGE_BYTES + 1 }))).rejects.toMatchObject({
      name: 'TooLarge',
    });
    expect(assets.assets.size).toBe(0);
    expect(
      (await uploads.createUpload(owner, request({ fileSizeBytes: MAX_IMAGE_BYTES, mimeType: 'image/png' }))).status,
    ).toBe('multipart');
    expect(
      (await uploads.createUpload(owner, request({ fileSizeBytes: MAX_IMAGE_BYTES + 1, mimeType: 'video/mp4' })))
        .status,
    ).toBe('multipart');
  });

  it('a file at the threshold is one POST; one byte above goes in parts', async () => {
    const { uploads, owner } = await setup();
    expect((await uploads.createUpload(owner, request({ fileSizeBytes: THRESHOLD }))).status).toBe('created');
    expect((await uploads.createUpload(owner, request({ fileSizeBytes: THRESHOLD + 1 }))).status).toBe('multipart');
  });

  it('a large file starts a multipart upload with its parts planned and the first ones signed to their lengths', async () => {
    const { uploads, assets, storage, multipartStore, owner, clock } = await setup();
    const result = await uploads.createUpload(owner, request({ fileSizeBytes: 40 * MiB, mimeType: 'video/mp4' }));
    if (result.status !== 'multipart') throw new Error(`expected multipart, got ${result.status}`);
    const { multipart, asset } = result;
    expect(multipart).toMatchObject({ partSize: 16 * MiB, partCount: 3 });
    expect(multipart.parts.map((p) => [p.partNumber, p.size])).toEqual([
      [1, 16 * MiB],
      [2, 16 * MiB],
      [3, 8 * MiB],
    ]);
    expect(multipartStore.uploads.get(multipart.uploadId)?.key).toBe(originalKey(owner, asset.id));
    expect((await assets.get(asset.id))?.multipart).toEqual({
      uploadId: multipart.uploadId,
      partSize: 16 * MiB,
      partCount: 3,
    });
    expect(multipart.expiresAt).toBe(new Date(clock.now().getTime() + 24 * 3600 * 1000).toISOString());
    expect(storage.presigned).toEqual([]);
  });

  it('signs only the first batch of a file with many parts', async () => {
    const { uploads, owner } = await setup();
    const result = await uploads.createUpload(owner, request({ fileSizeBytes: 1024 * MiB, mimeType: 'video/mp4' }));
    if (result.status !== 'multipart') throw new Error(`expected multipart, got ${result.status}`);
    expect(result.multipart.partCount).toBe(64);
    expect(result.multipart.parts.map((p) => p.partNumber)).toEqual(
      Array.from({ length: FIRST_BATCH }, (_, i) => i + 1),
    );
  });
});

describe('a direct upload', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores the original, processes it inline and answers the ready asset', async () => {
    const { uploads, assets, storage, owner, libraryId } = await setup();
    const result = await uploads.directUpload(owner, device, bytes(), 'C:\\photos\\IMG_1.jpg');
    expect(result.status).toBe('created');
    expect(result.asset).toMatchObject({ state: 'ready', mimeType: 'image/jpeg', originalFileName: 'IMG_1.jpg' });
    expect(result.asset.inlineUntil).toBeUndefined();
    expect(storage.originals.has(originalKey(owner, result.asset.id))).toBe(true);
    expect([...storage.derived.keys()].sort()).toEqual(Object.values(derivedKeys(result.asset)).sort());
    expect(await assets.findChecksum(libraryId, 'sha256-of-the-bytes')).toBe(result.asset.id);
  });

  it('refuses an empty file as Invalid and keeps nothing', async () => {
    const { uploads, assets, storage, owner } = await setup();
    await expect(uploads.directUpload(owner, device, bytes({ size: 0 }), 'a.jpg')).rejects.toMatchObject({
      name: 'Invalid',
    });
    expect(assets.assets.size).toBe(0);
    expect(storage.originals.size).toBe(0);
  });

  it.each([
    ['of no known type', null],
    ['as a PDF', 'application/pdf'],
  ])('refuses content that sniffs %s as Unsupported', async (_, sniffed) => {
    const { uploads, assets, storage, owner } = await setup(fakeMedia(sniffed));
    await expect(uploads.directUpload(owner, device, bytes(), 'a.jpg')).rejects.toMatchObject({
      name: 'Unsupported',
    });
    expect(assets.assets.size).toBe(0);
    expect(storage.originals.size).toBe(0);
  });

  it('bytes the library already holds answer the existing asset without storing them again', async () => {
    const { uploads, assets, storage, owner, holder, media } = await setup();
    const existing = await holder('sha256-of-the-bytes');
    expect(await uploads.directUpload(owner, device, bytes(), 'a.jpg')).toEqual({
      status: 'duplicate',
      asset: existing,
    });
    expect(assets.assets.size).toBe(1);
    expect(storage.originals.size).toBe(0);
    expect(media.inspected).toBe(0);
  });

  it('the same bytes in another library are a new asset', async () => {
    const { uploads, accounts, owner, holder } = await setup();
    await holder('sha256-of-the-bytes');
    const holidays = await accounts.createLibrary(owner, 'Holidays');
    const result = await uploads.directUpload(owner, { ...device, libraryId: holidays.id }, bytes(), 'a.jpg');
    expect(result).toMatchObject({ status: 'created', asset: { state: 'ready', libraryId: holidays.id } });
  });

  it('waits for a holder of the same bytes that is still pending, and answers it once ready', async () => {
    vi.useFakeTimers();
    const { uploads, assets, owner, holder } = await setup(fakeMedia(), systemClock);
    const pending = await holder('sha256-of-the-bytes', { state: 'pending' });
    const answer = uploads.directUpload(owner, device, bytes(), 'a.jpg');
    await vi.advanceTimersByTimeAsync(1_000);
    await assets.save({ ...pending, state: 'ready' });
    await vi.advanceTimersByTimeAsync(250);
    expect(await answer).toEqual({ status: 'duplicate', asset: { ...pending, state: 'ready' } });
    expect(assets.assets.size).toBe(1);
  });

  it('losing a race for the same bytes answers the winner and drops its own copy', async () => {
    const media = fakeMedia();
    const { uploads, assets, storage, owner, holder } = await setup(media);
    let winner: Asset | undefined;
    // The other upload claims the checksum while this one is decoding.
    media.inspect = async () => {
      winner = await holder('sha256-of-the-bytes');
      return { mimeType: 'image/jpeg', kind: 'image', width: 4, height: 3, reading: normaliseExif({}) };
    };
    const result = await uploads.directUpload(owner, device, bytes(), 'a.jpg');
    expect(result).toEqual({ status: 'duplicate', asset: winner });
    const own = [...assets.assets.values()].find((a) => a.id !== winner?.id);
    expect(own).toMatchObject({ state: 'duplicate', duplicateOf: winner?.id });
    expect(storage.originals.has(originalKey(owner, own?.id ?? ''))).toBe(false);
  });

  it('bytes that do not decode are kept and answered as a failed asset, not an error', async () => {
    const media = fakeMedia();
    media.inspect = async () => {
      throw new MediaRejected('the JPEG is truncated');
    };
    const { uploads, storage, owner } = await setup(media);
    const result = await uploads.directUpload(owner, device, bytes(), 'a.jpg');
    expect(result).toMatchObject({ status: 'created', asset: { state: 'failed', error: 'the JPEG is truncated' } });
    expect(storage.originals.has(originalKey(owner, result.asset.id))).toBe(true);
  });

  it('an outage after the original is stored answers the pending asset and leaves the rest to its S3 event', async () => {
    const media = fakeMedia();
    media.render = async () => {
      throw new Error('ECONNRESET');
    };
    const { uploads, assets, storage, owner } = await setup(media);
    const result = await uploads.directUpload(owner, device, bytes(), 'a.jpg');
    expect(result).toMatchObject({
      status: 'created',
      asset: { state: 'pending' },
      deferred: { message: 'ECONNRESET' },
    });
    expect((await assets.get(result.asset.id))?.inlineUntil).toBeUndefined();
    expect(storage.originals.has(originalKey(owner, result.asset.id))).toBe(true);
  });

  it('holds a lease of a minute while it processes, so the S3 event waits for it', async () => {
    const media = fakeMedia();
    const { uploads, assets, owner, clock } = await setup(media);
    let leased: Asset | undefined;
    media.inspect = async () => {
      leased = [...assets.assets.values()][0];
      return { mimeType: 'image/jpeg', kind: 'image', width: 4, height: 3, reading: normaliseExif({}) };
    };
    await uploads.directUpload(owner, device, bytes(), 'a.jpg');
    expect(leased?.inlineUntil).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
  });
});
