import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedWriter } from '#functions/feed/create-handler.ts';
import { type EmbeddedDynamo, ensureTable, startDynamo } from '#infra/local/dynamo.ts';
import { LocalStream } from '#infra/local/stream.ts';
import { startStreamConsumer } from '#infra/local/stream-consumer.ts';
import { startStreamProxy } from '#infra/local/stream-proxy.ts';
import { createClients } from '#shared/aws/clients.ts';
import { loadConfig } from '#shared/config.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { CountLedger } from '#shared/domain/count-ledger.ts';
import { DynamoCounters } from '#shared/table/dynamo-counters.ts';
import { DynamoFeed } from '#shared/table/dynamo-feed.ts';
import { isFeedItem } from '#shared/table/feed-kinds.ts';
import { feedPartition } from '#shared/table/keys.ts';
import { queryAll } from '#shared/table/query-all.ts';

// The local stack's Streams emulation on its own: the proxy that records writes, the durable
// stream, the consumer that retries, and the feed writer's exactly-once protocol under races.

let embedded: EmbeddedDynamo | undefined;
let table = '';
let stream: LocalStream;
let proxy: Awaited<ReturnType<typeof startStreamProxy>> | undefined;
let db: ReturnType<typeof createClients>['dynamo'];
/** The table's client straight to dynalite, past the proxy. */
let direct: ReturnType<typeof createClients>['dynamo'];
const clientOf = (endpoint: string) =>
  createClients(
    loadConfig({ TABLE_NAME: table, ORIGINALS_BUCKET: 'o', DERIVED_BUCKET: 'd', DARKROOM_DYNAMODB_ENDPOINT: endpoint }),
  ).dynamo;

beforeAll(async () => {
  embedded = await startDynamo();
  table = await ensureTable(embedded.url, LOCAL_NAMES.table);
  stream = new LocalStream(table);
  proxy = await startStreamProxy({ target: embedded.url, tableName: table, stream, captures: isFeedItem });
  db = clientOf(proxy.url);
  direct = clientOf(embedded.url);
});
afterAll(async () => {
  await proxy?.close();
  await embedded?.close();
});

const take = () => {
  const records = stream.peek(10_000);
  const last = records.at(-1)?.dynamodb?.SequenceNumber;
  if (last) stream.checkpoint(last);
  return records;
};
const person = (id: string, extra: Record<string, unknown> = {}) => ({
  pk: `PERSON#${id}`,
  sk: 'PERSON',
  id,
  owner: 'u1',
  libraryId: 'lib1',
  ...extra,
});

describe('the local stream proxy', () => {
  it('records puts, updates, deletes and batch writes of entity items with their old and new images', async () => {
    const TableName = table;
    await db.send(new PutCommand({ TableName, Item: person('a', { name: 'A' }) }));
    await db.send(
      new UpdateCommand({
        TableName,
        Key: { pk: 'PERSON#a', sk: 'PERSON' },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': 'B' },
      }),
    );
    await db.send(new DeleteCommand({ TableName, Key: { pk: 'PERSON#a', sk: 'PERSON' } }));
    await db.send(
      new BatchWriteCommand({
        RequestItems: { [TableName]: [{ PutRequest: { Item: person('b') } }, { PutRequest: { Item: person('c') } }] },
      }),
    );
    const records = take();
    expect(records.map((r) => [r.eventName, r.dynamodb?.Keys?.pk?.S])).toEqual([
      ['INSERT', 'PERSON#a'],
      ['MODIFY', 'PERSON#a'],
      ['REMOVE', 'PERSON#a'],
      ['INSERT', 'PERSON#b'],
      ['INSERT', 'PERSON#c'],
    ]);
    expect(records[1]?.dynamodb?.OldImage?.name?.S).toBe('A');
    expect(records[1]?.dynamodb?.NewImage?.name?.S).toBe('B');
    expect(records[2]?.dynamodb?.OldImage?.name?.S).toBe('B');
    expect(records[2]?.dynamodb?.NewImage).toBeUndefined();
    const sequences = records.map((r) => r.dynamodb?.SequenceNumber ?? '');
    expect([...sequences].sort()).toEqual(sequences);
  });

  it('records nothing for other items, for a write that changed nothing, or for a write that failed', async () => {
    const TableName = table;
    await db.send(new PutCommand({ TableName, Item: { pk: 'USAGE#x', sk: 'USAGE', bytes: 1 } }));
    await db.send(new PutCommand({ TableName, Item: person('d') }));
    take();
    await db.send(new PutCommand({ TableName, Item: person('d') }));
    await expect(
      db.send(
        new PutCommand({ TableName, Item: person('d', { x: 1 }), ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    ).rejects.toThrow();
    expect(take()).toEqual([]);
  });

  it('serialises concurrent writes of one item, so each old image is the previous new one', async () => {
    const TableName = table;
    await db.send(new PutCommand({ TableName, Item: person('e', { n: 0 }) }));
    take();
    await Promise.all(
      Array.from({ length: 30 }, () =>
        db.send(
          new UpdateCommand({
            TableName,
            Key: { pk: 'PERSON#e', sk: 'PERSON' },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    );
    const records = take();
    expect(records.map((r) => Number(r.dynamodb?.NewImage?.n?.N))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(records.map((r) => Number(r.dynamodb?.OldImage?.n?.N))).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('the local stream', () => {
  it('keeps its records and its sequence across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darkroom-stream-'));
    try {
      const path = join(dir, 'stream.json');
      const first = new LocalStream('t', path);
      const image = { pk: { S: 'PERSON#z' }, sk: { S: 'PERSON' } };
      first.append({ keys: image, newImage: image });
      first.append({ keys: image, oldImage: image });
      await first.flushed();
      const again = new LocalStream('t', path);
      expect(again.peek(10).map((r) => r.eventName)).toEqual(['INSERT', 'REMOVE']);
      const next = again.append({ keys: image, newImage: image });
      expect(next?.dynamodb?.SequenceNumber).toBe('3'.padStart(21, '0'));
      await again.flushed();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('retries from the first failed record and dead-letters one that fails past its retries', async () => {
    const local = new LocalStream('t');
    const image = (id: string) => ({ pk: { S: `PERSON#${id}` }, sk: { S: 'PERSON' } });
    for (const id of ['1', '2', '3', 'poison', '5']) local.append({ keys: image(id), newImage: image(id) });
    const delivered: string[] = [];
    let flaky = 2;
    const consumer = startStreamConsumer({
      stream: local,
      batchSize: 10,
      maxRetries: 3,
      retryDelayMs: 1,
      handler: async ({ Records }) => {
        const failAt = Records.findIndex((r: DynamoDBRecord) => {
          const id = r.dynamodb?.Keys?.pk?.S;
          return id === 'PERSON#poison' || (id === 'PERSON#2' && flaky-- > 0);
        });
        const ok = failAt < 0 ? Records : Records.slice(0, failAt);
        delivered.push(...ok.map((r) => r.dynamodb?.Keys?.pk?.S ?? ''));
        return {
          batchItemFailures: (failAt < 0 ? [] : Records.slice(failAt)).map((r) => ({
            itemIdentifier: r.dynamodb?.SequenceNumber ?? '',
          })),
        };
      },
    });
    await local.drained();
    await consumer.stop();
    expect(delivered).toEqual(['PERSON#1', 'PERSON#2', 'PERSON#3', 'PERSON#5']);
    expect(local.deadLetters.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['PERSON#poison']);
  });
});

describe('the feed writer', () => {
  it('racing writers, each record delivered twice at once, fill gapless ordinals with every change once', async () => {
    const feed = new DynamoFeed(db, table);
    const write = feedWriter({ feed });
    const records: DynamoDBRecord[] = Array.from({ length: 40 }, (_, i) => ({
      eventName: 'INSERT',
      dynamodb: {
        Keys: { pk: { S: `PERSON#race${i}` }, sk: { S: 'PERSON' } },
        NewImage: { id: { S: `race${i}` }, owner: { S: 'racer' }, libraryId: { S: 'lib' } },
        SequenceNumber: String(1000 + i),
      },
    }));
    // Four shards' worth of writers, and every record a second time (a retry racing its first try).
    const shards = [0, 1, 2, 3].map((s) => records.filter((_, i) => i % 4 === s));
    const runs = [...shards, ...shards].map(async (batch) => {
      for (const record of batch) await write({ Records: [record] });
    });
    await Promise.all(runs);
    const entries = await queryAll(direct, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': feedPartition('racer') },
      ConsistentRead: true,
    });
    expect(entries.map((e) => e.ordinal)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.entityId)).size).toBe(40);
    const times = entries.map((e) => String(e.createdAt));
    expect([...times].sort()).toEqual(times);
  });

  it('racing writers of asset changes, each record twice at once, leave the counters at each asset’s last bucket', async () => {
    const counters = new DynamoCounters(db, table);
    const write = feedWriter({ feed: new DynamoFeed(db, table), counters: new CountLedger(counters) });
    type Image = { state: string; localDatetime: string; trashedAt?: string } | undefined;
    // Each asset's life: uploaded (pending), processed, then moved, trashed, restored or deleted.
    const lives: Image[][] = Array.from({ length: 12 }, (_, i) => [
      undefined,
      { state: 'pending', localDatetime: '2024-01-01T00:00:00Z' },
      { state: 'ready', localDatetime: `2023-0${1 + (i % 3)}-10T00:00:00Z` },
      i % 4 === 0
        ? { state: 'ready', localDatetime: `2023-0${1 + (i % 3)}-10T00:00:00Z`, trashedAt: '2024-02-01T00:00:00Z' }
        : { state: 'ready', localDatetime: '2022-12-31T23:59:59Z' },
      ...(i % 3 === 0 ? [undefined] : []),
    ]);
    let sequence = 5000;
    const marshall = (id: string, image: NonNullable<Image>) => ({
      id: { S: id },
      owner: { S: 'counter' },
      libraryId: { S: 'lib_c' },
      state: { S: image.state },
      localDatetime: { S: image.localDatetime },
      ...(image.trashedAt && { trashedAt: { S: image.trashedAt } }),
    });
    const recordsOf = (i: number): DynamoDBRecord[] =>
      (lives[i] ?? []).slice(1).map((image, k) => {
        const before = lives[i]?.[k];
        const id = `count${i}`;
        return {
          eventName: !before ? 'INSERT' : !image ? 'REMOVE' : 'MODIFY',
          dynamodb: {
            Keys: { pk: { S: `ASSET#${id}` }, sk: { S: 'ASSET' } },
            ...(image && { NewImage: marshall(id, image) }),
            ...(before && { OldImage: marshall(id, before) }),
            SequenceNumber: String(sequence++),
          },
        };
      });
    const shards = [0, 1, 2, 3].map((s) => lives.flatMap((_, i) => (i % 4 === s ? recordsOf(i) : [])));
    await Promise.all(
      [...shards, ...shards].map(async (batch) => {
        for (let i = 0; i < batch.length; i += 2) await write({ Records: batch.slice(i, i + 2) });
      }),
    );
    const expected: Record<string, number> = {};
    for (const life of lives) {
      const last = life.at(-1);
      if (!last) continue;
      const bucket = `lib_c|${last.trashedAt ? 'trashed' : 'live'}|${last.localDatetime.slice(0, 7)}`;
      expected[bucket] = (expected[bucket] ?? 0) + 1;
    }
    const written = await queryAll(direct, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': feedPartition('counter') },
      ConsistentRead: true,
    });
    expect(await counters.read('counter')).toEqual({ counts: expected, appliedOrdinal: written.length });
  });
});
