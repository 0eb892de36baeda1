import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { CountedAsset, CountReads } from '#shared/domain/asset-counts.ts';
import { sortableInstant } from '#shared/domain/datetime.ts';
import { libraryTimelinePartition, libraryTrashPartition } from './keys.ts';
import { queryAll } from './query-all.ts';
import { INDEXES } from './schema.ts';

const countedSchema = z.object({
  id: z.string(),
  owner: z.string(),
  libraryId: z.string(),
  state: z.enum(['pending', 'ready', 'failed', 'duplicate']),
  trashedAt: z.string().optional(),
  localDatetime: z.string(),
});

/** What the counts read of the indexes for a month a date bound falls inside. */
export class DynamoCountReads implements CountReads {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * A COUNT query of the library's timeline between two positions: DynamoDB still reads (and
   * charges for) every item in the range, a page of 1 MB at a time, so the caller bounds it to a month.
   */
  async countLive(libraryId: string, after: string, before: string): Promise<number> {
    const index = INDEXES.libraryTimeline;
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index.name,
          // Exclusive bounds: "#~" sorts after every id at an instant, "#" before all of them.
          KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} BETWEEN :lo AND :hi`,
          ExpressionAttributeValues: {
            ':pk': libraryTimelinePartition(libraryId),
            ':lo': `${sortableInstant(after)}#~`,
            ':hi': `${sortableInstant(before)}#`,
          },
          Select: 'COUNT',
          ExclusiveStartKey,
        }),
      );
      count += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  }

  /** The trash index orders by trash time, not capture time: the whole (small) partition, only what counting needs. */
  async trashed(libraryId: string): Promise<CountedAsset[]> {
    const index = INDEXES.libraryTimeline;
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': libraryTrashPartition(libraryId) },
      // `owner` and `state` are reserved words.
      ProjectionExpression: 'id, #owner, libraryId, #state, trashedAt, localDatetime',
      ExpressionAttributeNames: { '#owner': 'owner', '#state': 'state' },
    });
    return items.map((item) => countedSchema.parse(item));
  }
}
