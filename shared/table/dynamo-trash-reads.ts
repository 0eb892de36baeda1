import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Asset } from '#shared/domain/asset.ts';
import type { TrashPageQuery } from '#shared/domain/ports.ts';
import { fromItem } from './asset-item.ts';
import { shardedBefore } from './dynamo-asset-reads.ts';
import {
  libraryTimelinePartition,
  libraryTrashPartition,
  PENDING_UPLOAD_SHARDS,
  purgePartition,
  trashPosition,
} from './keys.ts';
import { queryAll } from './query-all.ts';
import { INDEXES } from './schema.ts';

type Item = Record<string, unknown>;
const PURGE_PAGE = 100;

/** The trash's reads: a library's trash by trash time (gsi1), and the purge's queue (gsi3). */
export class DynamoTrashReads {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Every trashed asset id of the library: a key-only walk of its trash partition. */
  async trashedIds(libraryId: string): Promise<string[]> {
    const index = INDEXES.libraryTimeline;
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': libraryTrashPartition(libraryId) },
      ProjectionExpression: 'id',
    });
    return items.map((item) => String(item.id));
  }

  /**
   * A page of the libraries' trash, by trash time: one query per library, merged (an owner has a
   * few). Each reads one more than the page, so the union's first `limit + 1` are among them.
   */
  async trashPage(query: TrashPageQuery): Promise<{ assets: Asset[]; hasMore: boolean }> {
    const index = INDEXES.libraryTimeline;
    const cursor = query.startAfter?.trashedAt && trashPosition(query.startAfter.trashedAt, query.startAfter.id);
    const asc = query.order === 'asc';
    const parts = await Promise.all(
      query.libraryIds.map(async (libraryId) => {
        const { Items = [] } = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: index.name,
            KeyConditionExpression: `${index.partitionKey} = :pk${cursor ? ` AND ${index.sortKey} ${asc ? '>' : '<'} :cursor` : ''}`,
            ExpressionAttributeValues: {
              ':pk': libraryTrashPartition(libraryId),
              ...(cursor && { ':cursor': cursor }),
            },
            ScanIndexForward: asc,
            Limit: query.limit + 1,
          }),
        );
        return Items;
      }),
    );
    const sign = asc ? 1 : -1;
    const merged = parts
      .flat()
      .sort((a, b) => sign * (String(a[index.sortKey]) < String(b[index.sortKey]) ? -1 : 1))
      .map(fromItem);
    return { assets: merged.slice(0, query.limit), hasMore: merged.length > query.limit };
  }

  /** Up to `limit` of the library's processed assets, live ones first, then trashed ones. */
  async processedOfLibrary(libraryId: string, limit: number): Promise<Asset[]> {
    const index = INDEXES.libraryTimeline;
    const found: Asset[] = [];
    for (const partition of [libraryTimelinePartition(libraryId), libraryTrashPartition(libraryId)]) {
      if (found.length >= limit) break;
      const { Items = [] } = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk`,
          ExpressionAttributeValues: { ':pk': partition },
          Limit: limit - found.length,
        }),
      );
      found.push(...Items.map(fromItem));
    }
    return found;
  }

  /** Pages of assets trashed before the instant, from each shard of the purge's queue in turn. */
  trashedBefore(instant: string): AsyncIterable<Asset[]> {
    return shardedBefore(this.db, this.table, purgePartition, instant, PURGE_PAGE);
  }
}
