import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable, startDynamo } from '#infra/local/dynamo.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { EMPTY_EXIF } from '#shared/domain/exif.ts';
import { toItem } from '#shared/table/asset-item.ts';
import { DynamoAssetReads } from '#shared/table/dynamo-asset-reads.ts';
import { DynamoGeoIndex } from '#shared/table/dynamo-geo-index.ts';
import { assetItem, userItem } from '#shared/table/keys.ts';
import { INDEXES, STRING_ATTRIBUTES, TABLE_KEY } from '#shared/table/schema.ts';
import { pendingAsset } from '#test/helpers/fakes.ts';

const client = (url: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
  );

/** The table as the code before the geo index created it: gsi1–gsi4, all projected. */
const createOldTable = async (db: DynamoDBDocumentClient) => {
  const old = Object.values(INDEXES).filter((index) => index.name !== INDEXES.geo.name);
  await db.send(
    new CreateTableCommand({
      TableName: LOCAL_NAMES.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: STRING_ATTRIBUTES.filter((name) => !name.startsWith('gsi5')).map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: old.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
};

const placed = pendingAsset(
  { size: 10 },
  {
    owner: 'user_old',
    libraryId: 'lib_old',
    state: 'ready',
    mimeType: 'image/jpeg',
    localDatetime: '2023-03-03T10:00:00Z',
  },
);
const paris = { ...placed, exif: { ...EMPTY_EXIF, latitude: 48.8566, longitude: 2.3522 } };

/** A record as the old code wrote it: the asset and its timeline keys, no geo attributes. */
const oldItem = () => {
  const { gsi5pk, gsi5sk, geoLat, geoLon, ...rest } = toItem(paris);
  return rest;
};

describe('the local table of an older schema', () => {
  it('is upgraded on start: copied into a table with the geo index, items kept and queryable, the pointer moved', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'darkroom-upgrade-')), 'dynamo');
    let dynamo = await startDynamo(path);
    const db = client(dynamo.url);
    await createOldTable(db);
    await db.send(new PutCommand({ TableName: LOCAL_NAMES.table, Item: oldItem() }));
    await db.send(new PutCommand({ TableName: LOCAL_NAMES.table, Item: { ...userItem('user_old'), name: 'old' } }));

    const name = await ensureTable(dynamo.url, LOCAL_NAMES.table);
    expect(name).toBe(`${LOCAL_NAMES.table}-2`);
    const tables = (await db.send(new ListTablesCommand({}))).TableNames;
    expect(tables).toEqual([`${LOCAL_NAMES.table}-2`, `${LOCAL_NAMES.table}-current`]);
    expect((await db.send(new ScanCommand({ TableName: name }))).Items).toHaveLength(2);
    expect((await db.send(new GetCommand({ TableName: name, Key: userItem('user_old') }))).Item?.name).toBe('old');
    // The timeline still finds the asset, and the geo index has it without a reindex.
    const timeline = await new DynamoAssetReads(db, name).timeline({
      owner: 'user_old',
      libraryId: 'lib_old',
      limit: 10,
      order: 'desc',
    });
    expect(timeline.assets.map((a) => a.id)).toEqual([paris.id]);
    const area = { kind: 'box' as const, west: 2, south: 48, east: 3, north: 49 };
    expect(await new DynamoGeoIndex(db, name).page({ libraryIds: ['lib_old'], area, order: 'desc', limit: 5 })).toEqual(
      {
        ids: [paris.id],
        hasMore: false,
      },
    );
    expect((await db.send(new GetCommand({ TableName: name, Key: assetItem(paris.id) }))).Item).toEqual(toItem(paris));

    // Once upgraded it stays: the same name again, after a restart too, with nothing copied.
    expect(await ensureTable(dynamo.url, LOCAL_NAMES.table)).toBe(name);
    await dynamo.close();
    dynamo = await startDynamo(path);
    expect(await ensureTable(dynamo.url, LOCAL_NAMES.table)).toBe(name);
    await dynamo.close();

    // npm start runs the functions on the table in use.
    const stack = await startLocalStack({ dataDir: join(path, '..') });
    try {
      expect(stack.config.TABLE_NAME).toBe(name);
      expect(stack.env.TABLE_NAME).toBe(name);
    } finally {
      await stack.stop();
    }
  });

  it('is created afresh under its own name when there is none', async () => {
    const dynamo = await startDynamo();
    try {
      expect(await ensureTable(dynamo.url, LOCAL_NAMES.table)).toBe(LOCAL_NAMES.table);
      expect((await client(dynamo.url).send(new ListTablesCommand({}))).TableNames).toEqual([LOCAL_NAMES.table]);
    } finally {
      await dynamo.close();
    }
  });
});
