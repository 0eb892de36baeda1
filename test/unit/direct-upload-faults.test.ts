import { describe, expect, it, vi } from 'vitest';
import type { Accounts } from '#shared/domain/accounts.ts';
import { normaliseExif } from '#shared/domain/exif.ts';
import type { MediaProcessor, Original } from '#shared/domain/ports.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { AssetProcessor } from '#shared/domain/process-asset.ts';
import { Uploads } from '#shared/domain/uploads.ts';
import { MemoryAssets, MemoryMultipart, MemoryStorage, memoryLedger, NOWHERE } from '#test/helpers/fakes.ts';

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });

const file: Original = {
  kind: 'disk',
  path: '/nowhere',
  size: 10,
  head: Buffer.alloc(10),
  sha256: 'sha256',
  sha1: 'sha1',
};
const metadata = {
  deviceAssetId: 'IMG_1',
  deviceId: 'phone',
  fileCreatedAt: '2020-01-01T00:00:00Z',
  fileModifiedAt: '2020-01-01T00:00:00Z',
};

const setup = (
  faults: { put?: boolean; create?: 'lost answer'; inspect?: boolean },
  overrides: { media?: MediaProcessor; put?: (key: string) => Promise<{ etag: string }> } = {},
) => {
  const assets = new MemoryAssets();
  const storage = new MemoryStorage();
  const originals = new Set<string>();
  storage.putOriginal = async (key: string) => {
    if (overrides.put) return overrides.put(key);
    if (faults.put) throw throttled();
    originals.add(key);
    return { etag: 'etag' };
  };
  storage.deleteOriginal = async (key: string) => {
    originals.delete(key);
  };
  if (faults.create) {
    const create = assets.create.bind(assets);
    // The write lands, its answer is lost, and the SDK's retries keep failing.
    assets.create = async (asset) => {
      await create(asset);
      throw throttled();
    };
  }
  const media =
    overrides.media ??
    ({
      sniff: async () => 'image/jpeg',
      inspect: async () => {
        if (faults.inspect) throw throttled();
        throw new Error('not reached');
      },
    } as unknown as MediaProcessor);
  const accounts = { writableLibrary: async () => 'lib_1' } as unknown as Accounts;
  const { ledger, usage } = memoryLedger();
  const processor = new AssetProcessor({ assets, storage, media, places: NOWHERE, ledger, clock: systemClock });
  const uploads = new Uploads({
    accounts,
    assets,
    storage,
    multipart: new MemoryMultipart(),
    media,
    processor,
    ledger,
    clock: systemClock,
    multipartThreshold: 64 * 1024 * 1024,
  });
  return { assets, originals, uploads, usage };
};

describe('a direct upload whose store fails after the retries', () => {
  it('a put of the original that fails leaves no record and no object, and the error goes back', async () => {
    const { assets, originals, uploads } = setup({ put: true });
    await expect(uploads.directUpload('user_1', metadata, file, 'a.jpg')).rejects.toMatchObject({ name: 'SlowDown' });
    expect([...assets.assets.values()]).toEqual([]);
    expect(originals.size).toBe(0);
  });

  it('a create that landed although it reported failure is removed again', async () => {
    const { assets, originals, uploads } = setup({ create: 'lost answer' });
    await expect(uploads.directUpload('user_1', metadata, file, 'a.jpg')).rejects.toMatchObject({ name: 'SlowDown' });
    expect([...assets.assets.values()]).toEqual([]);
    expect(originals.size).toBe(0);
  });

  it('processing that fails once the original is stored answers the pending asset and lets its S3 event finish', async () => {
    const { assets, originals, uploads } = setup({ inspect: true });
    const result = await uploads.directUpload('user_1', metadata, file, 'a.jpg');
    expect(result.status).toBe('created');
    expect(result.asset.state).toBe('pending');
    expect(result.deferred).toMatchObject({ name: 'SlowDown' });
    // The lease is given up, so the processor takes the event at once instead of waiting a minute.
    const stored = await assets.get(result.asset.id);
    expect(stored?.state).toBe('pending');
    expect(stored?.inlineUntil).toBeUndefined();
    expect(originals.size).toBe(1);
  });
});

describe('a direct upload stores its original while the media is decoded', () => {
  const rendering = (events: string[]) =>
    ({
      sniff: async () => 'image/jpeg',
      inspect: async () => {
        events.push('inspect');
        return { mimeType: 'image/jpeg', kind: 'image', width: 4, height: 3, reading: normaliseExif({}) };
      },
      render: async () => {
        events.push('render');
        return { preview: Buffer.from('p'), thumbnail: Buffer.from('t'), thumbhash: 'h', width: 4, height: 3 };
      },
    }) as unknown as MediaProcessor;

  const withHeldPut = () => {
    const events: string[] = [];
    let answer: (outcome: Error | { etag: string }) => void = () => undefined;
    const put = () => {
      events.push('put');
      return new Promise<{ etag: string }>((resolve, reject) => {
        answer = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      });
    };
    const { assets, uploads } = setup({}, { media: rendering(events), put });
    return { assets, uploads, events, answer: (outcome: Error | { etag: string }) => answer(outcome) };
  };

  it('renders before S3 has answered, and records nothing until it has', async () => {
    const { assets, uploads, events, answer } = withHeldPut();
    const done = uploads.directUpload('user_1', metadata, file, 'a.jpg');
    // The put (after the reservation) and the decode run side by side.
    await vi.waitFor(() => expect([...events].sort()).toEqual(['inspect', 'put', 'render']));
    const [pending] = [...assets.assets.values()];
    expect(pending?.state).toBe('pending');
    expect(pending?.etag).toBeUndefined();
    answer({ etag: 'etag-1' });
    const result = await done;
    expect(result.asset).toMatchObject({ state: 'ready', etag: 'etag-1' });
  });

  it('a put that fails after the media was decoded leaves no record', async () => {
    const { assets, uploads, events, answer } = withHeldPut();
    const done = uploads.directUpload('user_1', metadata, file, 'a.jpg');
    await vi.waitFor(() => expect(events).toContain('render'));
    answer(throttled());
    await expect(done).rejects.toMatchObject({ name: 'SlowDown' });
    expect([...assets.assets.values()]).toEqual([]);
  });
});
