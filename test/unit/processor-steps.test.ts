import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProcessHandler } from '#functions/process/create-handler.ts';
import { lambdaContext } from '#infra/local/lambda-context.ts';
import { loadConfig } from '#shared/config.ts';
import { MediaRejected } from '#shared/domain/errors.ts';
import { normaliseExif } from '#shared/domain/exif.ts';
import type { Download, MediaProcessor, Original } from '#shared/domain/ports.ts';
import { AssetProcessor, STEPS } from '#shared/domain/process-asset.ts';
import { logger } from '#shared/logger.ts';
import { originalKey } from '#shared/object-keys.ts';
import { MemoryAlbumMembers, MemoryAlbums } from '#test/helpers/album-fakes.ts';
import { s3ObjectCreated, sqsBatch } from '#test/helpers/events.ts';
import {
  FakeClock,
  FLAT_METRICS,
  MemoryAssets,
  MemoryMultipart,
  MemoryStorage,
  memoryLedger,
  NOWHERE,
  pendingAsset,
} from '#test/helpers/fakes.ts';

const original: Original = { kind: 'disk', path: '/tmp/none', size: 10, head: Buffer.alloc(0), sha256: 's', sha1: 'h' };

/** Ports that each take a known time on the clock, so every step's milliseconds are predictable. */
const slowPorts = (clock: FakeClock) => {
  const storage = new MemoryStorage();
  storage.download = async (): Promise<Download> => {
    clock.advance(40);
    return { file: original, release: async () => {} };
  };
  const putDerived = storage.putDerived.bind(storage);
  storage.putDerived = async (key: string, body: Buffer) => {
    clock.advance(3);
    await putDerived(key, body);
  };
  const assets = new MemoryAssets();
  const claim = assets.claimChecksum.bind(assets);
  assets.claimChecksum = async (asset) => {
    clock.advance(2);
    return claim(asset);
  };
  const media: MediaProcessor = {
    sniff: async () => 'image/jpeg',
    inspect: async () => {
      clock.advance(10);
      return { mimeType: 'image/jpeg', kind: 'image', width: 4, height: 3, reading: normaliseExif({}) };
    },
    render: async () => {
      clock.advance(200);
      return {
        preview: Buffer.from('p'),
        thumbnail: Buffer.from('t'),
        thumbhash: 'th',
        metrics: FLAT_METRICS,
        width: 4,
        height: 3,
      };
    },
  };
  return { storage, assets, media };
};

const eventFor = (asset: { owner: string; id: string }) => ({
  bucket: 'originals',
  key: originalKey(asset.owner, asset.id),
  size: 10,
  etag: 'e1',
  sequencer: '01',
});

describe('the processor’s step timings', () => {
  it('names each step it took with its milliseconds on the processor’s clock', async () => {
    const clock = new FakeClock();
    const ports = slowPorts(clock);
    const asset = pendingAsset({ size: 10 });
    await ports.assets.create(asset);
    const processor = new AssetProcessor({ ...ports, places: NOWHERE, ledger: memoryLedger().ledger, clock });

    const { outcome, timings } = await processor.handleObject(eventFor(asset));

    expect(outcome).toBe('ready');
    expect(timings).toEqual({ download: 40, inspect: 10, render: 200, claim: 2, writes: 6 });
  });

  it('stops at the step that rejected the media, with the failed record’s write', async () => {
    const clock = new FakeClock();
    const ports = slowPorts(clock);
    ports.media.render = async () => {
      clock.advance(7);
      throw new MediaRejected('undecodable');
    };
    const asset = pendingAsset({ size: 10 });
    await ports.assets.create(asset);

    const { outcome, timings } = await new AssetProcessor({
      ...ports,
      places: NOWHERE,
      ledger: memoryLedger().ledger,
      clock,
    }).handleObject(eventFor(asset));

    expect(outcome).toBe('failed');
    expect(Object.keys(timings ?? {})).toEqual(['download', 'inspect', 'render', 'writes']);
    expect(timings?.render).toBe(7);
  });
});

describe('the processor’s writes', () => {
  it('writes the derived files and the lookup entries at once, and the ready record only after all of them', async () => {
    const clock = new FakeClock();
    const ports = slowPorts(clock);
    const started: string[] = [];
    const pending: (() => void)[] = [];
    const held = (name: string) =>
      new Promise<void>((resolve) => {
        started.push(name);
        pending.push(resolve);
      });
    ports.storage.putDerived = (key: string) => held(key.split('/').at(-1) ?? key);
    ports.assets.putEntries = () => held('entries');
    const save = ports.assets.save.bind(ports.assets);
    ports.assets.save = async (asset) => {
      started.push(`record ${asset.state}`);
      return save(asset);
    };
    const asset = pendingAsset({ size: 10 });
    await ports.assets.create(asset);

    const handled = new AssetProcessor({
      ...ports,
      places: NOWHERE,
      ledger: memoryLedger().ledger,
      clock,
    }).handleObject(eventFor(asset));
    await vi.waitFor(() => expect(started).toHaveLength(3));
    expect(started).toEqual(['preview.jpeg', 'thumbnail.webp', 'entries']);
    for (const resolve of pending) resolve();

    expect((await handled).outcome).toBe('ready');
    expect(started.at(-1)).toBe('record ready');
  });
});

describe('the processor function’s log', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes one line per processed object with the milliseconds of every step by name', async () => {
    const ports = slowPorts(new FakeClock());
    const asset = pendingAsset({ size: 10 });
    await ports.assets.create(asset);
    const config = loadConfig({ TABLE_NAME: 't', ORIGINALS_BUCKET: 'originals', DERIVED_BUCKET: 'derived' });
    const handler = createProcessHandler(config, {
      ...ports,
      multipart: new MemoryMultipart(),
      usage: memoryLedger().usage,
      albums: new MemoryAlbums(),
      members: new MemoryAlbumMembers(),
    });
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    const result = await handler(sqsBatch([s3ObjectCreated(eventFor(asset))]), lambdaContext('process', 10_000));

    expect(result).toEqual({ batchItemFailures: [] });
    const lines = info.mock.calls.filter(([message]) => message === 'processed');
    expect(lines).toHaveLength(1);
    const fields = lines[0]?.[1] as Record<string, unknown>;
    expect(fields).toMatchObject({ assetId: asset.id, outcome: 'ready' });
    // An event's original is in S3 already: only a direct upload waits for its put ('store').
    expect(Object.keys(fields.steps as object)).toEqual(STEPS.filter((step) => step !== 'store'));
    expect(fields.queuedMs).toBeGreaterThanOrEqual(0);
  });
});
