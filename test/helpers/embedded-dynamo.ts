import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type EmbeddedDynamo, ensureTable, startDynamo } from '#infra/local/dynamo.ts';
import { createClients } from '#shared/aws/clients.ts';
import { loadConfig } from '#shared/config.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';

/** The embedded DynamoDB with the project's table, for the suite: its client and the table's name. */
export const useEmbeddedDynamo = (): (() => { db: DynamoDBDocumentClient; table: string }) => {
  let dynamo: EmbeddedDynamo | undefined;
  let db: DynamoDBDocumentClient | undefined;
  let table = '';
  beforeAll(async () => {
    dynamo = await startDynamo();
    table = await ensureTable(dynamo.url, LOCAL_NAMES.table);
    db = createClients(
      loadConfig({
        TABLE_NAME: table,
        ORIGINALS_BUCKET: 'o',
        DERIVED_BUCKET: 'd',
        DARKROOM_DYNAMODB_ENDPOINT: dynamo.url,
      }),
    ).dynamo;
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  return () => {
    if (!db) throw new Error('the embedded DynamoDB is not running');
    return { db, table };
  };
};
