import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';
import { reindexedItem } from '#shared/table/reindex.ts';
import { INDEXES, type IndexDefinition, projectionOf, STRING_ATTRIBUTES, TABLE_KEY } from '#shared/table/schema.ts';

export interface EmbeddedDynamo {
  url: string;
  close(): Promise<void>;
}

/** dynalite: LevelDB under `path` when given (one process at a time), in memory otherwise. */
export const startDynamo = async (path?: string): Promise<EmbeddedDynamo> => {
  if (path) await mkdir(path, { recursive: true });
  const server = dynalite({ ...(path && { path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

const gsi = (index: IndexDefinition) => {
  const projection = projectionOf(index);
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection:
      projection.type === 'ALL'
        ? { ProjectionType: 'ALL' as const }
        : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...projection.nonKeyAttributes] },
  };
};

/** The table holding the name of the table in use: an upgrade copies into a new one, then moves this. */
export const pointerTableOf = (baseName: string) => `${baseName}-current`;
const POINTER_KEY = { pk: { S: 'current' } };
/** Items a BatchWriteItem takes at most. */
const BATCH_WRITE_MAX = 25;

/**
 * Creates the table from the same schema the CDK stack uses, unless it exists; answers the name
 * of the table in use. dynalite cannot add an index to a table (its UpdateTable ignores a GSI
 * Create), so a table that predates an index is upgraded by copying its items into a new table
 * of the current schema, filling the new index's attributes on the way (reindex.ts), and then
 * pointing `{base}-current` at it. The old table is dropped only once the copy is complete, so an
 * interrupted upgrade leaves the data where it was and starts over next time.
 */
export const ensureTable = async (endpoint: string, baseName: string): Promise<string> => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    const current = (await readPointer(client, baseName)) ?? baseName;
    const table = await describe(client, current);
    if (!table) {
      await createTable(client, current);
      return current;
    }
    const missing = missingIndexes(table);
    if (missing.length === 0) return current;
    const next = nextTableName(baseName, current);
    if (await describe(client, next)) await dropTable(client, next);
    await createTable(client, next);
    const copied = await copyItems(DynamoDBDocumentClient.from(client), current, next);
    await writePointer(client, baseName, next);
    await dropTable(client, current);
    console.warn(
      `Upgraded the local table for index ${missing.join(', ')}: ${copied} items copied from ${current} to ${next}.`,
    );
    return next;
  } finally {
    client.destroy();
  }
};

const describe = async (client: DynamoDBClient, name: string): Promise<TableDescription | undefined> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

/** The schema's indexes the table lacks, or has with another projection. */
export const missingIndexes = (table: TableDescription): string[] => {
  const have = new Map((table.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  return Object.values(INDEXES)
    .filter((index) => {
      const found = have.get(index.name);
      const wanted = projectionOf(index);
      const included = (names: readonly string[] | undefined) => [...(names ?? [])].sort().join();
      return (
        !found ||
        found.Projection?.ProjectionType !== wanted.type ||
        included(found.Projection?.NonKeyAttributes) !==
          included(wanted.type === 'INCLUDE' ? wanted.nonKeyAttributes : undefined)
      );
    })
    .map((index) => index.name);
};

/** darkroom → darkroom-2 → darkroom-3: never the name of the table being copied. */
const nextTableName = (baseName: string, current: string): string => {
  const generation = current === baseName ? 1 : Number(current.slice(baseName.length + 1)) || 1;
  return `${baseName}-${generation + 1}`;
};

const readPointer = async (client: DynamoDBClient, baseName: string): Promise<string | undefined> => {
  try {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: pointerTableOf(baseName), Key: POINTER_KEY, ConsistentRead: true }),
    );
    return Item?.table?.S;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

const writePointer = async (client: DynamoDBClient, baseName: string, table: string) => {
  const TableName = pointerTableOf(baseName);
  if (!(await describe(client, TableName))) {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await untilActive(client, TableName);
  }
  await client.send(new PutItemCommand({ TableName, Item: { ...POINTER_KEY, table: { S: table } } }));
};

/** Every item of `from` into `to`, with the index attributes of today's schema; answers how many. */
const copyItems = async (db: DynamoDBDocumentClient, from: string, to: string): Promise<number> => {
  let copied = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: from, ExclusiveStartKey }));
    const items = (page.Items ?? []).map((item) => reindexedItem(item));
    for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) {
      let pending: { PutRequest: { Item: Record<string, unknown> } }[] = items
        .slice(i, i + BATCH_WRITE_MAX)
        .map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [to]: pending } }));
        pending = (result.UnprocessedItems?.[to] as typeof pending | undefined) ?? [];
      }
    }
    copied += items.length;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return copied;
};

const createTable = async (client: DynamoDBClient, tableName: string) => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: STRING_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Object.values(INDEXES).map(gsi),
    }),
  );
  await untilActive(client, tableName);
};

/**
 * dynalite answers CreateTable while the table is still CREATING and makes it ACTIVE on a timer
 * (`createTableMs`, even at 0): on a busy machine the next write could come first and be told the
 * table does not exist.
 */
const untilActive = async (client: DynamoDBClient, tableName: string) => {
  while ((await describe(client, tableName))?.TableStatus !== 'ACTIVE') await new Promise((r) => setTimeout(r, 10));
};

/** Deletes a table and waits until it is gone (dynalite drops it on a timer, as it creates one). */
const dropTable = async (client: DynamoDBClient, tableName: string) => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  while (await describe(client, tableName)) await new Promise((r) => setTimeout(r, 10));
};
