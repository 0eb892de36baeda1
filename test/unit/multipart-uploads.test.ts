import { describe, expect, it } from 'vitest';
import { MultipartUploads, planParts } from '#shared/domain/multipart.ts';
import { originalKey } from '#shared/object-keys.ts';
import { MemoryAssets, MemoryMultipart, MemoryStorage, memoryLedger, pendingAsset } from '#test/helpers/fakes.ts';

const MiB = 1024 * 1024;
/** 40 MiB in parts of 16 MiB: two full parts and a last one of 8 MiB. */
const SIZE = 40 * MiB;
const PLANNED = [16 * MiB, 16 * MiB, 8 * MiB];

const setup = async () => {
  const assets = new MemoryAssets();
  const storage = new MemoryStorage();
  const multipart = new MemoryMultipart();
  const owner = 'user_alice';
  const plan = planParts(SIZE);
  const asset = pendingAsset({ size: SIZE }, { owner, declaredMimeType: 'video/mp4' });
  const uploadId = await multipart.create(originalKey(owner, asset.id));
  asset.multipart = { uploadId, ...plan };
  await assets.create(asset);
  /** The client's PUTs: every planned part, with ETags as S3 answers them (quoted). */
  const uploadAll = (sizes = PLANNED) =>
    sizes.forEach((size, i) => {
      multipart.uploadPart(uploadId, { partNumber: i + 1, etag: `"etag-${i + 1}"`, size });
    });
  const uploads = new MultipartUploads({ assets, multipart, storage, ledger: memoryLedger().ledger });
  return { assets, storage, multipart, owner, asset, uploadId, uploadAll, uploads };
};

const claim = (...numbers: number[]) => numbers.map((n) => ({ partNumber: n, etag: `etag-${n}` }));

describe('planning parts', () => {
  it('uses parts of at least 16 MiB, and larger ones to stay within 10 000 parts', () => {
    expect(planParts(SIZE)).toEqual({ partSize: 16 * MiB, partCount: 3 });
    expect(planParts(16 * MiB)).toEqual({ partSize: 16 * MiB, partCount: 1 });
    const huge = planParts(50 * 1024 * MiB);
    expect(huge.partCount).toBeLessThanOrEqual(10_000);
    expect(huge.partSize % MiB).toBe(0);
  });
});

describe('completing a multipart upload', () => {
  it('completes every part once, in order, with the ETags S3 holds', async () => {
    const { owner, asset, uploadId, uploadAll, uploads, multipart } = await setup();
    uploadAll();
    expect((await uploads.complete(owner, asset.id, claim(1, 2, 3))).id).toBe(asset.id);
    expect(multipart.completed).toEqual([{ key: originalKey(owner, asset.id), uploadId, parts: claim(1, 2, 3) }]);
  });

  it('accepts the ETags quoted, as a browser reads them from the header', async () => {
    const { owner, asset, uploadAll, uploads, multipart } = await setup();
    uploadAll();
    await uploads.complete(
      owner,
      asset.id,
      claim(1, 2, 3).map((p) => ({ ...p, etag: `"${p.etag}"` })),
    );
    expect(multipart.completed).toHaveLength(1);
  });

  // Each row breaks one rule; nothing is completed and the upload stays open for a correct retry.
  it.each([
    { rule: 'a part is missing', parts: claim(1, 2), message: /expected parts 1 to 3, once each/ },
    { rule: 'a part is named twice', parts: claim(1, 2, 2, 3), message: /once each/ },
    { rule: 'the parts are out of order', parts: claim(1, 3, 2), message: /in order/ },
    { rule: 'a part beyond the plan is named', parts: claim(1, 2, 3, 4), message: /expected parts 1 to 3/ },
    { rule: 'no parts are named', parts: [], message: /expected parts 1 to 3/ },
    {
      rule: 'an ETag is not the one S3 holds',
      parts: [...claim(1, 2), { partNumber: 3, etag: 'forged' }],
      message: /part 3 is not a part of this upload/,
    },
    {
      rule: 'a part is named that S3 does not hold',
      uploaded: PLANNED.slice(0, 2),
      parts: claim(1, 2, 3),
      message: /part 3 is not a part of this upload/,
    },
    {
      rule: 'a middle part is not its planned size',
      uploaded: [16 * MiB, 16 * MiB - 1, 8 * MiB + 1],
      parts: claim(1, 2, 3),
      message: /part 2 is 16777215 bytes, not 16777216/,
    },
    {
      rule: 'the parts add up to less than declared',
      uploaded: [16 * MiB, 16 * MiB, 8 * MiB - 1],
      parts: claim(1, 2, 3),
      message: /part 3 is 8388607 bytes, not 8388608/,
    },
    {
      rule: 'the parts add up to more than declared',
      uploaded: [16 * MiB, 16 * MiB, 9 * MiB],
      parts: claim(1, 2, 3),
      message: /part 3 is 9437184 bytes, not 8388608/,
    },
  ])('refuses as Invalid when $rule', async ({ parts, uploaded, message }) => {
    const { owner, asset, uploadId, uploadAll, uploads, multipart } = await setup();
    uploadAll(uploaded);
    const error = await uploads.complete(owner, asset.id, parts).catch((e: Error) => e);
    // toMatchObject cannot see an Error's message (not enumerable): match it on its own.
    expect(error).toMatchObject({ name: 'Invalid' });
    expect((error as Error).message).toMatch(message);
    expect(multipart.completed).toEqual([]);
    expect(multipart.uploads.has(uploadId)).toBe(true);
  });

  it('a retry of a completed upload answers the asset again without completing twice', async () => {
    const { owner, asset, uploadAll, uploads, multipart } = await setup();
    uploadAll();
    await uploads.complete(owner, asset.id, claim(1, 2, 3));
    expect((await uploads.complete(owner, asset.id, claim(1, 2, 3))).id).toBe(asset.id);
    expect(multipart.completed).toHaveLength(1);
  });

  it('a retry once the asset is processed answers the processed asset', async () => {
    const { assets, owner, asset, uploads, multipart } = await setup();
    await assets.save({ ...asset, state: 'ready' });
    expect(await uploads.complete(owner, asset.id, claim(1, 2, 3))).toMatchObject({ id: asset.id, state: 'ready' });
    expect(multipart.completed).toEqual([]);
  });

  it('another owner’s upload, or none at all, is NotFound', async () => {
    const { asset, uploadAll, uploads, multipart } = await setup();
    uploadAll();
    await expect(uploads.complete('user_mallory', asset.id, claim(1, 2, 3))).rejects.toMatchObject({
      name: 'NotFound',
    });
    await expect(uploads.complete('user_alice', 'asset_missing', claim(1))).rejects.toMatchObject({
      name: 'NotFound',
    });
    expect(multipart.completed).toEqual([]);
  });

  it('an upload that is not in parts is a Conflict', async () => {
    const { assets, owner, uploads } = await setup();
    const single = pendingAsset({ size: 10 }, { owner });
    await assets.create(single);
    await expect(uploads.complete(owner, single.id, claim(1))).rejects.toMatchObject({ name: 'Conflict' });
  });
});

describe('signing more parts', () => {
  it('signs each wanted part once, in order, pinned to its planned length', async () => {
    const { owner, asset, uploads } = await setup();
    const signed = await uploads.sign(owner, asset.id, [3, 1, 3]);
    expect(signed.map((p) => [p.partNumber, p.size])).toEqual([
      [1, PLANNED[0]],
      [3, PLANNED[2]],
    ]);
  });

  it.each([0, 4, -1])('refuses part %i, outside the plan, as Invalid', async (n) => {
    const { owner, asset, uploads } = await setup();
    await expect(uploads.sign(owner, asset.id, [1, n])).rejects.toMatchObject({ name: 'Invalid' });
  });

  it('another owner’s upload is NotFound; a completed one is a Conflict', async () => {
    const { assets, owner, asset, uploads } = await setup();
    await expect(uploads.sign('user_mallory', asset.id, [1])).rejects.toMatchObject({ name: 'NotFound' });
    await assets.save({ ...asset, state: 'ready' });
    await expect(uploads.sign(owner, asset.id, [1])).rejects.toMatchObject({ name: 'Conflict' });
  });
});

describe('the status of an upload', () => {
  it('lists the parts S3 holds', async () => {
    const { owner, asset, uploadId, uploads, multipart } = await setup();
    multipart.uploadPart(uploadId, { partNumber: 2, etag: '"b"', size: 16 * MiB });
    const status = await uploads.status(owner, asset.id);
    expect(status.asset.id).toBe(asset.id);
    expect(status.parts).toEqual([{ partNumber: 2, etag: '"b"', size: 16 * MiB }]);
  });

  it('lists no parts once S3 no longer knows the upload', async () => {
    const { owner, asset, uploadId, uploads, multipart } = await setup();
    multipart.uploads.delete(uploadId);
    expect((await uploads.status(owner, asset.id)).parts).toEqual([]);
  });

  it('another owner’s upload is NotFound', async () => {
    const { asset, uploads } = await setup();
    await expect(uploads.status('user_mallory', asset.id)).rejects.toMatchObject({ name: 'NotFound' });
  });
});

describe('aborting an upload', () => {
  it('aborts it in S3 and forgets the asset: nothing is left behind', async () => {
    const { assets, storage, owner, asset, uploadId, uploadAll, uploads, multipart } = await setup();
    uploadAll();
    await uploads.abort(owner, asset.id);
    expect(multipart.aborted).toEqual([uploadId]);
    expect(multipart.uploads.has(uploadId)).toBe(false);
    expect(storage.deletedOriginals).toEqual([originalKey(owner, asset.id)]);
    expect(await assets.get(asset.id)).toBeUndefined();
  });

  it('another owner’s upload is NotFound and stays open', async () => {
    const { assets, asset, uploadId, uploads, multipart } = await setup();
    await expect(uploads.abort('user_mallory', asset.id)).rejects.toMatchObject({ name: 'NotFound' });
    expect(multipart.uploads.has(uploadId)).toBe(true);
    expect(await assets.get(asset.id)).toBeDefined();
  });

  it('a completed upload cannot be aborted', async () => {
    const { assets, owner, asset, uploads, multipart } = await setup();
    await assets.save({ ...asset, state: 'ready' });
    await expect(uploads.abort(owner, asset.id)).rejects.toMatchObject({ name: 'Conflict' });
    expect(await assets.get(asset.id)).toBeDefined();
    expect(multipart.aborted).toEqual([]);
  });
});
