import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IndexDefinition } from './schema.ts';

/** One page of an index partition in sort-key order, after a sort key (the cursor); one more read says whether more follow. */
export const indexPage = async (
  db: Pick<DynamoDBDocumentClient, 'send'>,
  table: string,
  index: IndexDefinition,
  partition: string,
  limit: number,
  startAfter?: string,
): Promise<{ items: Record<string, unknown>[]; hasMore: boolean }> => {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: table,
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk${startAfter ? ` AND ${index.sortKey} > :after` : ''}`,
      ExpressionAttributeValues: { ':pk': partition, ...(startAfter && { ':after': startAfter }) },
      Limit: limit + 1,
    }),
  );
  return { items: Items.slice(0, limit), hasMore: Items.length > limit };
};
