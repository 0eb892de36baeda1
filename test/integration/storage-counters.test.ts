import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { libraryResponseSchema, userResponseSchema } from '#functions/api/routes/account-schemas.ts';
import { assetAdapters, composeAssets } from '#functions/compose-assets.ts';
import { createClients } from '#shared/aws/clients.ts';
import { NEVER_ARRIVED } from '#shared/domain/asset.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { PendingSweep } from '#shared/domain/sweep-pending.ts';
import { DynamoUsage } from '#shared/table/dynamo-usage.ts';
import { api } from '#test/helpers/api.ts';
import { hollowHugePng } from '#test/helpers/bombs.ts';
import { MemoryQueue } from '#test/helpers/fakes.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack({ queue: { concurrency: 4 } });

const usage = () => new DynamoUsage(createClients(stack().config).dynamo, stack().config.TABLE_NAME, systemClock);

const drained = () =>
  eventually(async () => {
    await new Promise((r) => setTimeout(r, 200));
    const { visible, inFlight } = stack().queue.counts();
    return visible + inFlight === 0 ? true : undefined;
  });

/** The counters as the API shows them, each answer held to its schema. */
const counters = async (key: string, libraryIds: string[]) => {
  const client = api(stack().apiUrl, key);
  const me = userResponseSchema.parse((await client.get('/api/users/me')).body);
  const libraries = await Promise.all(
    libraryIds.map(async (id) => libraryResponseSchema.parse((await client.get(`/api/libraries/${id}`)).body)),
  );
  return {
    me,
    libraries: libraries.map((l) => ({ asset_count: l.asset_count, storage_used_bytes: l.storage_used_bytes })),
  };
};

/** What the listing holds: the truth the counters must match. */
const listed = async (key: string, libraryId: string) => {
  const page = await api(stack().apiUrl, key).get(`/api/assets?limit=200&library_id=${libraryId}`);
  expect(page.body.has_more).toBe(false);
  const assets = page.body.data as { id: string; file_size_bytes: number; state: string }[];
  return {
    ids: assets.map((a) => a.id),
    asset_count: assets.length,
    storage_used_bytes: assets.reduce((sum, a) => sum + a.file_size_bytes, 0),
  };
};

describe('library and user counters', () => {
  it('stay exact through parallel uploads of both flows, duplicates in and across libraries, and deletes', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const main = (await client.get('/api/libraries')).body[0].id as string;
    const second = (await client.post('/api/libraries', { name: 'Second', description: 'the other one' })).body
      .id as string;
    const files = await Promise.all(Array.from({ length: 12 }, (_, i) => uniquePng(7000 + i)));
    const upload = (bytes: Buffer, i: number, libraryId: string) =>
      i % 2 === 0
        ? directUpload(stack().apiUrl, key, bytes, `${i}.png`, { ...deviceMetadata(), library_id: libraryId }).then(
            (r) => r.body.id as string,
          )
        : presignedUpload(stack().apiUrl, key, bytes, `${i}.png`, 'image/png', { library_id: libraryId }).then(
            (r) => r.created.body.asset_id as string,
          );
    // Files 0–9 into the main library, each of 0–3 twice more at once (a duplicate per flow), and
    // files 0–1 and 10–11 into the second library (the same bytes there are a second asset).
    const jobs = [
      ...files.slice(0, 10).map((bytes, i) => upload(bytes, i, main)),
      ...files.slice(0, 4).flatMap((bytes, i) => [upload(bytes, i, main), upload(bytes, i + 1, main)]),
      ...[0, 1, 10, 11].map((n, i) => upload(files[n] as Buffer, i, second)),
    ];
    const ids = await Promise.all(jobs);
    await Promise.all(ids.map((id) => settled(stack().apiUrl, key, id)));
    await drained();

    const afterUploads = await listed(key, main);
    expect(afterUploads.asset_count).toBe(10);
    const sizeOf = (n: number) => (files[n] as Buffer).length;
    const expectedMain = files.slice(0, 10).reduce((sum, f) => sum + f.length, 0);
    expect(afterUploads.storage_used_bytes).toBe(expectedMain);
    const expectedSecond = sizeOf(0) + sizeOf(1) + sizeOf(10) + sizeOf(11);
    expect(await counters(key, [main, second])).toMatchObject({
      me: { storage_used_bytes: expectedMain + expectedSecond },
      libraries: [
        { asset_count: 10, storage_used_bytes: expectedMain },
        { asset_count: 4, storage_used_bytes: expectedSecond },
      ],
    });

    // Three deletes at once, one of them sent twice at the same time.
    const [a, b, c] = afterUploads.ids;
    const deletes = await Promise.all([a, b, c, a].map((id) => client.delete(`/api/assets/${id}`)));
    // The twin sent at the same time may find the asset still there (200) or already gone (404).
    expect(deletes.slice(0, 3).map((d) => d.status)).toEqual([200, 200, 200]);
    expect([200, 404]).toContain(deletes[3]?.status);
    const afterDeletes = await listed(key, main);
    expect(afterDeletes.asset_count).toBe(7);
    const now = await counters(key, [main, second]);
    expect(now.libraries[0]).toEqual({
      asset_count: afterDeletes.asset_count,
      storage_used_bytes: afterDeletes.storage_used_bytes,
    });
    expect(now.me.storage_used_bytes).toBe(afterDeletes.storage_used_bytes + expectedSecond);
    // Nothing is left reserved: every upload has been decided.
    expect((await usage().usage(now.me.id)).chargedBytes).toBe(now.me.storage_used_bytes);
  });
});

describe('the storage quota', () => {
  it('never lets concurrent reservations exceed it: exactly the uploads that fit get a target', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const me = userResponseSchema.parse((await client.get('/api/users/me')).body);
    const name = (await composeAssets(stack().config).accounts.getUser(me.id)).name;
    await composeAssets(stack().config).users.setStorageLimit(name, 10_500);
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        client.post('/api/assets/uploads', {
          ...deviceMetadata({ device_asset_id: `q-${i}` }),
          file_name: `${i}.jpg`,
          mime_type: 'image/jpeg',
          file_size_bytes: 1000,
        }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 507)).toHaveLength(14);
    const refusal = answers.find((r) => r.status === 507);
    expect(refusal?.body.detail).toMatch(/^storage quota exceeded: this upload needs 1000 bytes/);
    expect(refusal?.headers.get('x-should-retry')).toBe('false');
    expect(await usage().usage(me.id)).toMatchObject({ chargedBytes: 10_000, storedBytes: 0, limitBytes: 10_500 });
    // A refusal keeps nothing: one that passed the first check made a record, and removed it.
    const records = await createClients(stack().config).dynamo.send(
      new ScanCommand({
        TableName: stack().config.TABLE_NAME,
        FilterExpression: '#owner = :owner AND sk = :asset',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': me.id, ':asset': 'ASSET' },
      }),
    );
    expect((records.Items ?? []).map((a) => a.id).sort()).toEqual(
      answers
        .filter((r) => r.status === 201)
        .map((r) => r.body.asset_id)
        .sort(),
    );
    const after = userResponseSchema.parse((await client.get('/api/users/me')).body);
    expect(after).toMatchObject({ storage_used_bytes: 0, storage_limit_bytes: 10_500 });
    expect(after.updated_at > me.updated_at).toBe(true);

    // Deleting a pending upload gives its reservation back: exactly one more fits.
    const pending = answers.find((r) => r.status === 201)?.body.asset_id as string;
    expect((await client.delete(`/api/assets/${pending}`)).status).toBe(200);
    const more = (n: number) =>
      client.post('/api/assets/uploads', {
        ...deviceMetadata(),
        file_name: `more-${n}.jpg`,
        mime_type: 'image/jpeg',
        file_size_bytes: 1000,
      });
    expect((await more(1)).status).toBe(201);
    expect((await more(2)).status).toBe(507);
  });

  it('refuses a direct upload past the limit with 507 and keeps nothing', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const me = userResponseSchema.parse((await client.get('/api/users/me')).body);
    const { accounts, users } = composeAssets(stack().config);
    await users.setStorageLimit((await accounts.getUser(me.id)).name, 50);
    const res = await directUpload(stack().apiUrl, key, await uniquePng(4242), 'big.png');
    expect(res).toMatchObject({ status: 507, body: { detail: expect.stringMatching(/storage quota exceeded/) } });
    expect((await client.get('/api/assets')).body.data).toEqual([]);
    expect(await usage().usage(me.id)).toMatchObject({ chargedBytes: 0, storedBytes: 0 });
  });
});

describe('a reservation', () => {
  it('is given back by an aborted multipart upload, an upload that never arrives, and a delete; a failed one counts until deleted', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const me = userResponseSchema.parse((await client.get('/api/users/me')).body);
    const charged = async () => (await usage().usage(me.id)).chargedBytes;
    const start = (mime: string, size: number) =>
      client.post('/api/assets/uploads', {
        ...deviceMetadata(),
        file_name: 'x',
        mime_type: mime,
        file_size_bytes: size,
      });
    const never = await start('image/jpeg', 2000);
    const big = await start('video/mp4', 100 * 1024 * 1024);
    expect(big.body.upload.type).toBe('multipart');
    expect(await charged()).toBe(2000 + 100 * 1024 * 1024);
    expect((await client.delete(`/api/assets/uploads/${big.body.asset_id}`)).status).toBe(200);
    expect(await charged()).toBe(2000);

    // The sweep an hour later: the target has expired and nothing came.
    const config = stack().config;
    const { assets, storage } = assetAdapters(config);
    const later = { now: () => new Date(Date.now() + 3_600_000) };
    const sweep = new PendingSweep({
      assets,
      storage,
      queue: new MemoryQueue(),
      ledger: composeAssets(config).ledger,
      clock: later,
      originalsBucket: config.ORIGINALS_BUCKET,
      graceMs: 120_000,
    });
    expect((await sweep.run()).abandoned).toBeGreaterThanOrEqual(1);
    expect((await client.get(`/api/assets/${never.body.asset_id}`)).body).toMatchObject({
      state: 'failed',
      error: NEVER_ARRIVED,
    });
    expect(await charged()).toBe(0);

    // Bytes that cannot be processed (a PNG promising 20000 × 20000 pixels) are kept, and
    // downloadable, until deleted: they count.
    const broken = hollowHugePng();
    const failed = await directUpload(stack().apiUrl, key, broken, 'bomb.png');
    expect(failed.body.state).toBe('failed');
    const library = failed.body.library_id as string;
    expect(await counters(key, [library])).toMatchObject({
      me: { storage_used_bytes: broken.length },
      libraries: [{ asset_count: 1, storage_used_bytes: broken.length }],
    });
    expect((await client.delete(`/api/assets/${failed.body.id}`)).status).toBe(200);
    expect(await counters(key, [library])).toMatchObject({
      me: { storage_used_bytes: 0 },
      libraries: [{ asset_count: 0, storage_used_bytes: 0 }],
    });
    expect(await charged()).toBe(0);
  });
});
