import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessHandler } from '#functions/process/create-handler.ts';
import { createSweepHandler } from '#functions/sweep/create-handler.ts';
import type { SqsHandler } from '#infra/local/consumer.ts';
import { createClients } from '#shared/aws/clients.ts';
import { parseObjectCreated } from '#shared/events/object-created.ts';
import { parseOriginalKey } from '#shared/object-keys.ts';
import { PENDING_UPLOAD_SHARDS, pendingUploadPartition } from '#shared/table/keys.ts';
import { INDEXES } from '#shared/table/schema.ts';
import { api } from '#test/helpers/api.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

// Read into the stack's sweep config when it starts: every pending upload is old enough.
process.env.DARKROOM_SWEEP_GRACE_SECONDS = '0';
afterAll(() => {
  delete process.env.DARKROOM_SWEEP_GRACE_SECONDS;
});

/** Assets whose first S3 event is lost on its way to the processor, as a misconfigured target would. */
const toLose = new Set<string>();
const lost: string[] = [];
let processHandler: ReturnType<typeof createProcessHandler> | undefined;
const realProcessor: SqsHandler = async (event, context) => {
  const kept = event.Records.filter((record) => {
    const assetId = parseOriginalKey(parseObjectCreated(record.body)?.[0]?.key ?? '')?.assetId;
    if (!assetId || !toLose.delete(assetId)) return true;
    lost.push(assetId);
    return false;
  });
  processHandler ??= createProcessHandler(stack().config);
  return processHandler({ Records: kept }, context);
};

// An hour: the test runs the sweep itself (it also runs once at start, on an empty table).
const stack = useLocalStack({ processor: realProcessor, sweepIntervalMs: 3_600_000 });

const sweep = () => createSweepHandler(stack().sweepConfig)();

/** Every item of the pending index, read as the sweep reads it. */
const pendingIndex = async () => {
  const config = stack().config;
  const { dynamo } = createClients(config);
  const index = INDEXES.pendingUploads;
  const ids: string[] = [];
  for (let shard = 0; shard < PENDING_UPLOAD_SHARDS; shard++) {
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: config.TABLE_NAME,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': pendingUploadPartition(shard) },
      }),
    );
    ids.push(...Items.map((item) => String(item.id)));
  }
  return ids;
};

const drained = () =>
  eventually(() => {
    const { visible, inFlight } = stack().queue.counts();
    return visible + inFlight === 0 ? true : undefined;
  });

describe('the pending sweep on the local stack', () => {
  it('processes an upload whose S3 event was lost, then finds nothing more to do', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);

    // One upload the normal way: ready, and no longer in the pending index.
    const normal = await presignedUpload(stack().apiUrl, key, await uniquePng(9001), 'a.png', 'image/png');
    const normalId: string = normal.created.body.asset_id;
    expect((await settled(stack().apiUrl, key, normalId)).state).toBe('ready');
    // And one of each other way out of pending: processed inline, and failed.
    expect((await directUpload(stack().apiUrl, key, await uniquePng(9003), 'c.png')).body.state).toBe('ready');
    const junk = Buffer.from('<html>not a photo</html>');
    const failed = await presignedUpload(stack().apiUrl, key, junk, 'd.png', 'image/png');
    expect((await settled(stack().apiUrl, key, failed.created.body.asset_id)).state).toBe('failed');

    const upload = await presignedUpload(
      stack().apiUrl,
      key,
      await uniquePng(9002),
      'b.png',
      'image/png',
      {},
      (assetId) => toLose.add(assetId),
    );
    expect(upload.s3Status).toBe(204);
    const lostId: string = upload.created.body.asset_id;
    await eventually(() => (lost.includes(lostId) ? true : undefined));
    await drained();
    expect((await client.get(`/api/assets/${lostId}`)).body.state).toBe('pending');
    // The sparse index holds the pending upload and nothing else: none of the settled assets.
    expect(await pendingIndex()).toEqual([lostId]);

    expect(await sweep()).toEqual({
      examined: 1,
      enqueued: 1,
      abandoned: 0,
      waiting: 0,
      purged: 0,
      libraryAssetsPurged: 0,
      librariesPurged: 0,
    });
    const ready = await settled(stack().apiUrl, key, lostId);
    expect(ready).toMatchObject({ state: 'ready', error: null, width: 8, height: 8 });
    await drained();

    // Leaving pending took it off the index, so the next sweep reads nothing at all.
    expect(await pendingIndex()).toEqual([]);
    expect(await sweep()).toEqual({
      examined: 0,
      enqueued: 0,
      abandoned: 0,
      waiting: 0,
      purged: 0,
      libraryAssetsPurged: 0,
      librariesPurged: 0,
    });
    expect((await client.get(`/api/assets/${lostId}`)).body.updated_at).toBe(ready.updated_at);
  });

  it('leaves an upload whose target is still valid and whose bytes have not arrived', async () => {
    const key = await newKey();
    const created = await api(stack().apiUrl, key).post('/api/assets/uploads', {
      device_asset_id: 'never-posted',
      device_id: 'test-device',
      file_created_at: '2020-02-02T02:02:02Z',
      file_modified_at: '2020-02-03T03:03:03Z',
      file_name: 'c.png',
      mime_type: 'image/png',
      file_size_bytes: 100,
    });
    expect(created.status).toBe(201);
    expect(await sweep()).toEqual({
      examined: 1,
      enqueued: 0,
      abandoned: 0,
      waiting: 1,
      purged: 0,
      libraryAssetsPurged: 0,
      librariesPurged: 0,
    });
    expect(await pendingIndex()).toEqual([created.body.asset_id]);
  });
});
