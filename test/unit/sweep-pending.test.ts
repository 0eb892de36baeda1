import { describe, expect, it } from 'vitest';
import { NEVER_ARRIVED } from '#shared/domain/asset.ts';
import { PendingSweep } from '#shared/domain/sweep-pending.ts';
import { originalKey } from '#shared/object-keys.ts';
import { MemoryAssets, MemoryQueue, MemoryStorage, memoryLedger, pendingAsset } from '#test/helpers/fakes.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const GRACE_MS = 120_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

const setup = () => {
  const assets = new MemoryAssets();
  const storage = new MemoryStorage();
  const queue = new MemoryQueue();
  const sweep = new PendingSweep({
    assets,
    storage,
    queue,
    ledger: memoryLedger().ledger,
    clock: { now: () => NOW },
    originalsBucket: 'originals-bucket',
    graceMs: GRACE_MS,
  });
  return { assets, storage, queue, sweep };
};

describe('the pending sweep', () => {
  it('queues a pending upload whose original is in S3, with the ETag and size S3 reports', async () => {
    const { assets, storage, queue, sweep } = setup();
    const asset = pendingAsset({ size: 10 }, { createdAt: ago(5 * 60_000), uploadExpiresAt: ago(-10 * 60_000) });
    await assets.create(asset);
    storage.originals.set(originalKey(asset.owner, asset.id), { etag: 'abc', size: 10 });

    expect(await sweep.run()).toEqual({ examined: 1, enqueued: 1, abandoned: 0, waiting: 0 });
    expect(queue.sent).toEqual([
      { bucket: 'originals-bucket', key: originalKey(asset.owner, asset.id), size: 10, etag: 'abc', sequencer: '' },
    ]);
  });

  it('leaves uploads younger than the grace period to their own event', async () => {
    const { assets, storage, queue, sweep } = setup();
    const asset = pendingAsset({ size: 10 }, { createdAt: ago(GRACE_MS - 1000) });
    await assets.create(asset);
    storage.originals.set(originalKey(asset.owner, asset.id), { etag: 'abc', size: 10 });

    expect(await sweep.run()).toEqual({ examined: 0, enqueued: 0, abandoned: 0, waiting: 0 });
    expect(queue.sent).toEqual([]);
  });

  it('waits for an upload whose target is still valid and whose object has not arrived', async () => {
    const { assets, queue, sweep } = setup();
    const asset = pendingAsset({ size: 10 }, { createdAt: ago(5 * 60_000), uploadExpiresAt: ago(-10 * 60_000) });
    await assets.create(asset);

    expect(await sweep.run()).toEqual({ examined: 1, enqueued: 0, abandoned: 0, waiting: 1 });
    expect(queue.sent).toEqual([]);
    expect((await assets.get(asset.id))?.state).toBe('pending');
  });

  it('marks failed an upload whose target expired with nothing uploaded, which takes it off the pending index', async () => {
    const { assets, sweep } = setup();
    const asset = pendingAsset({ size: 10 }, { createdAt: ago(60 * 60_000), uploadExpiresAt: ago(GRACE_MS + 1000) });
    await assets.create(asset);

    expect(await sweep.run()).toEqual({ examined: 1, enqueued: 0, abandoned: 1, waiting: 0 });
    expect(await assets.get(asset.id)).toMatchObject({ state: 'failed', error: NEVER_ARRIVED });
    expect(await sweep.run()).toEqual({ examined: 0, enqueued: 0, abandoned: 0, waiting: 0 });
  });

  it('gives an upload accepted just before its target expired the grace period to land', async () => {
    const { assets, sweep } = setup();
    const asset = pendingAsset({ size: 10 }, { createdAt: ago(60 * 60_000), uploadExpiresAt: ago(GRACE_MS - 1000) });
    await assets.create(asset);

    expect(await sweep.run()).toMatchObject({ abandoned: 0, waiting: 1 });
  });

  it('leaves a direct upload alone while it holds its processing lease', async () => {
    const { assets, storage, queue, sweep } = setup();
    const asset = pendingAsset({ size: 10 }, { createdAt: ago(5 * 60_000), inlineUntil: ago(-30_000) });
    await assets.create(asset);
    storage.originals.set(originalKey(asset.owner, asset.id), { etag: 'abc', size: 10 });

    expect(await sweep.run()).toMatchObject({ enqueued: 0, waiting: 1 });
    expect(queue.sent).toEqual([]);
  });

  it('keeps the result of an upload processed between the HEAD and the write', async () => {
    const { assets, sweep } = setup();
    const asset = pendingAsset({ size: 10 }, { createdAt: ago(60 * 60_000), uploadExpiresAt: ago(GRACE_MS + 1000) });
    await assets.create(asset);
    const { saveIfPending } = assets;
    assets.saveIfPending = async (failed) => {
      await assets.save({ ...asset, state: 'ready', etag: 'late' });
      return saveIfPending.call(assets, failed);
    };

    expect(await sweep.run()).toEqual({ examined: 1, enqueued: 0, abandoned: 0, waiting: 0 });
    expect(await assets.get(asset.id)).toMatchObject({ state: 'ready', etag: 'late' });
  });

  it('reads every page of the index, reads it once per run, and queues each page’s finds together', async () => {
    const { assets, storage, queue, sweep } = setup();
    const created = Array.from({ length: 5 }, (_, i) =>
      pendingAsset({ size: 10 }, { createdAt: ago((10 + i) * 60_000), uploadExpiresAt: ago(-60_000) }),
    );
    for (const asset of created) {
      await assets.create(asset);
      storage.originals.set(originalKey(asset.owner, asset.id), { etag: asset.id, size: 10 });
    }
    await assets.create(pendingAsset({ size: 10 }, { state: 'ready', createdAt: ago(60 * 60_000) }));
    const batches: number[] = [];
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = async (objects) => {
      batches.push(objects.length);
      await enqueue(objects);
    };

    expect(await sweep.run()).toEqual({ examined: 5, enqueued: 5, abandoned: 0, waiting: 0 });
    expect(assets.pendingReads).toBe(1);
    expect(batches).toEqual([2, 2, 1]);
    expect(queue.sent.map((o) => o.etag).sort()).toEqual(created.map((a) => a.id).sort());
  });
});
