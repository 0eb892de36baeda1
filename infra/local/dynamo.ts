import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';
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

/** Creates the table from the same schema the CDK stack uses, unless it exists. */
export const ensureTable = async (endpoint: string, tableName: string): Promise<void> => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // dynalite cannot add an index to an existing table (UpdateTable has no GSI Create).
    const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = Object.values(INDEXES).filter((i) => !have.has(i.name));
    if (missing.length > 0) {
      console.warn(
        `The local table predates index ${missing.map((i) => i.name).join(', ')}; what needs it (the pending-upload sweep) fails until \`npm start -- --reset\` rebuilds the data.`,
      );
    }
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await createTable(client, tableName);
  } finally {
    client.destroy();
  }
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
};
