import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PIPELINE_VERSION } from '#shared/domain/asset.ts';
import type { MediaProcessor } from '#shared/domain/ports.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { AssetProcessor } from '#shared/domain/process-asset.ts';
import { originalKey } from '#shared/object-keys.ts';
import { MemoryAssets, MemoryStorage, memoryLedger, NOWHERE, pendingAsset } from '#test/helpers/fakes.ts';

const unusedMedia = {} as MediaProcessor;

const eventFor = (asset: { owner: string; id: string }, etag: string, sequencer: string) => ({
  bucket: 'b',
  key: originalKey(asset.owner, asset.id),
  size: 10,
  etag,
  sequencer,
});

const setup = () => {
  const assets = new MemoryAssets();
  const storage = new MemoryStorage();
  return {
    assets,
    storage,
    processor: new AssetProcessor({
      assets,
      storage,
      media: unusedMedia,
      places: NOWHERE,
      ledger: memoryLedger().ledger,
      clock: systemClock,
    }),
  };
};

// Fake timers fake Date too, so systemClock follows them: the processor's polls and its reads of
// the clock move only when the test advances time.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the processor and a direct upload of the same original', () => {
  /** A direct upload holding a one-minute lease, and the S3 event for it already being handled. */
  const eventDuringLease = async () => {
    const { assets, processor } = setup();
    const asset = pendingAsset({ size: 10 }, { inlineUntil: new Date(Date.now() + 60_000).toISOString() });
    await assets.create(asset);
    const result: { outcome?: string } = {};
    const handled = processor.handleObject(eventFor(asset, 'abc', '01')).then(({ outcome }) => {
      result.outcome = outcome;
    });
    return { assets, asset, result, handled };
  };

  it('waits for the upload’s own processing instead of doing the work twice', async () => {
    const { assets, asset, result, handled } = await eventDuringLease();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(result.outcome).toBeUndefined();
    await assets.save({
      ...asset,
      state: 'ready',
      etag: 'abc',
      pipelineVersion: PIPELINE_VERSION,
      inlineUntil: undefined,
    });
    await vi.advanceTimersByTimeAsync(250);
    await handled;
    expect(result.outcome).toBe('skipped');
  });

  it('does the work itself when the lease runs out while it waits', async () => {
    const { result, handled } = await eventDuringLease();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(result.outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_250);
    await handled;
    // MemoryStorage has no objects: the download finds the original gone.
    expect(result.outcome).toBe('superseded');
  });

  it('does the work itself once the lease has run out', async () => {
    const { assets, processor } = setup();
    const asset = pendingAsset({ size: 10 }, { inlineUntil: new Date(Date.now() - 1).toISOString() });
    await assets.create(asset);
    // MemoryStorage has no objects: the download finds the original gone.
    const { outcome } = await processor.handleObject(eventFor(asset, 'abc', '01'));
    expect(outcome).toBe('superseded');
  });

  it('removes an original whose asset no longer exists', async () => {
    const storage = new MemoryStorage();
    const processor = new AssetProcessor({
      assets: new MemoryAssets(),
      storage,
      media: unusedMedia,
      places: NOWHERE,
      ledger: memoryLedger().ledger,
      clock: systemClock,
    });
    const key = originalKey('user_x', 'asset_gone');
    expect((await processor.handleObject({ bucket: 'b', key, size: 1, etag: 'e', sequencer: '01' })).outcome).toBe(
      'orphan',
    );
    expect(storage.deletedOriginals).toEqual([key]);
  });

  it('acknowledges an event older than the one applied as stale', async () => {
    const assets = new MemoryAssets();
    const processor = new AssetProcessor({
      assets,
      storage: new MemoryStorage(),
      media: unusedMedia,
      places: NOWHERE,
      ledger: memoryLedger().ledger,
      clock: systemClock,
    });
    const asset = pendingAsset(
      { size: 10 },
      { state: 'ready', etag: 'new', sequencer: '0B', pipelineVersion: PIPELINE_VERSION },
    );
    await assets.create(asset);
    const event = { bucket: 'b', key: originalKey(asset.owner, asset.id), size: 10, etag: 'old', sequencer: '0A' };
    expect((await processor.handleObject(event)).outcome).toBe('stale');
  });
});

describe('waiting for a checksum holder', () => {
  it('answers the holder once it has written its record, not while it is pending', async () => {
    const { assets, processor } = setup();
    const holder = pendingAsset({ size: 10 });
    await assets.create(holder);
    const settled = processor.settled(holder.id);
    await vi.advanceTimersByTimeAsync(1_000);
    await assets.save({ ...holder, state: 'ready' });
    await vi.advanceTimersByTimeAsync(250);
    expect((await settled)?.state).toBe('ready');
  });

  it('gives up after its bound of ten seconds on a holder that never settles', async () => {
    const { assets, processor } = setup();
    const holder = pendingAsset({ size: 10 });
    await assets.create(holder);
    let answered: string | undefined;
    const settled = processor.settled(holder.id).then((asset) => {
      answered = asset?.state;
    });
    await vi.advanceTimersByTimeAsync(9_500);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(750);
    await settled;
    expect(answered).toBe('pending');
  });
});
