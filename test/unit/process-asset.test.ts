import { describe, expect, it } from 'vitest';
import { PIPELINE_VERSION } from '../../shared/domain/asset.ts';
import type { MediaProcessor } from '../../shared/domain/ports.ts';
import { systemClock } from '../../shared/domain/ports.ts';
import { AssetProcessor } from '../../shared/domain/process-asset.ts';
import { originalKey } from '../../shared/object-keys.ts';
import { MemoryAssets, MemoryStorage, pendingAsset } from '../helpers/fakes.ts';

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
    processor: new AssetProcessor({ assets, storage, media: unusedMedia, clock: systemClock }),
  };
};

describe('the processor and a direct upload of the same original', () => {
  it('waits for the upload’s own processing instead of doing the work twice', async () => {
    const { assets, processor } = setup();
    const asset = pendingAsset({ size: 10 }, { inlineUntil: new Date(Date.now() + 60_000).toISOString() });
    await assets.create(asset);
    setTimeout(() => {
      void assets.save({
        ...asset,
        state: 'ready',
        etag: 'abc',
        pipelineVersion: PIPELINE_VERSION,
        inlineUntil: undefined,
      });
    }, 300);
    const started = Date.now();
    const { outcome } = await processor.handleObject(eventFor(asset, 'abc', '01'));
    expect(outcome).toBe('skipped');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
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
    setTimeout(() => void assets.save({ ...holder, state: 'ready' }), 300);
    expect((await processor.settled(holder.id))?.state).toBe('ready');
  });

  it('gives up after its bound on a holder that never settles', async () => {
    const assets = new MemoryAssets();
    let now = Date.now();
    // Each read of the clock moves it two seconds: the bound passes after a few polls.
    const clock = {
      now: () => {
        now += 2_000;
        return new Date(now);
      },
    };
    const processor = new AssetProcessor({ assets, storage: new MemoryStorage(), media: unusedMedia, clock });
    const holder = pendingAsset({ size: 10 });
    await assets.create(holder);
    expect((await processor.settled(holder.id))?.state).toBe('pending');
  });
});
