import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Asset } from '#shared/domain/asset.ts';
import { sortableInstant } from '#shared/domain/datetime.ts';
import type { ExistMatch, ExistQuery, TimelineQuery } from '#shared/domain/ports.ts';
import { fromItem } from './asset-item.ts';
import { libraryTimelines } from './dynamo-library-timelines.ts';
import {
  ASSET_SK,
  assetItem,
  checksumClaim,
  deviceEntry,
  libraryTimelinePartition,
  ownerTimelinePartition,
  PENDING_UPLOAD_SHARDS,
  pendingUploadPartition,
  sha1Entry,
  timelineKeys,
} from './keys.ts';
import { INDEXES, TABLE_KEY } from './schema.ts';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;
const BATCH_GET_MAX = 100;
const PENDING_PAGE = 100;

/** The multi-item reads of assets: timeline pages (a key-range query) and `exist` (batched gets). */
export class DynamoAssetReads {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Each shard of the pending index in turn, a page at a time; the sort key starts with created_at. */
  pendingUploads(createdBefore: string): AsyncIterable<Asset[]> {
    return shardedBefore(this.db, this.table, pendingUploadPartition, createdBefore, PENDING_PAGE);
  }

  /**
   * Every asset of one library (its timeline index) or of the whole table (a scan, which an
   * operator's batch job can afford), a page at a time: what `reprocess` chooses from.
   */
  async *everyAsset(libraryId?: string): AsyncIterable<Asset[]> {
    const index = INDEXES.libraryTimeline;
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.db.send(
        libraryId
          ? new QueryCommand({
              TableName: this.table,
              IndexName: index.name,
              KeyConditionExpression: `${index.partitionKey} = :pk`,
              ExpressionAttributeValues: { ':pk': libraryTimelinePartition(libraryId) },
              ExclusiveStartKey,
            })
          : new ScanCommand({
              TableName: this.table,
              FilterExpression: `${TABLE_KEY.sortKey} = :asset`,
              ExpressionAttributeValues: { ':asset': ASSET_SK },
              ExclusiveStartKey,
            }),
      );
      yield (page.Items ?? []).map(fromItem);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async timeline(query: TimelineQuery): Promise<{ assets: Asset[]; hasMore: boolean }> {
    if (query.libraries) return libraryTimelines(this.db, this.table, { ...query, libraries: query.libraries });
    // Exclusive bounds that meet or cross hold nothing; DynamoDB would refuse the reversed BETWEEN.
    if (query.after && query.before && sortableInstant(query.after) >= sortableInstant(query.before)) {
      return { assets: [], hasMore: false };
    }
    const index = query.libraryId ? INDEXES.libraryTimeline : INDEXES.ownerTimeline;
    const partition = query.libraryId ? libraryTimelinePartition(query.libraryId) : ownerTimelinePartition(query.owner);
    const values: Item = { ':pk': partition };
    // Bounds are exclusive: "#~" sorts after every id at that instant, "#" before all of them.
    let range = '';
    if (query.after && query.before) {
      range = ` AND ${index.sortKey} BETWEEN :lo AND :hi`;
      Object.assign(values, { ':lo': `${sortableInstant(query.after)}#~`, ':hi': `${sortableInstant(query.before)}#` });
    } else if (query.after) {
      range = ` AND ${index.sortKey} > :lo`;
      values[':lo'] = `${sortableInstant(query.after)}#~`;
    } else if (query.before) {
      range = ` AND ${index.sortKey} < :hi`;
      values[':hi'] = `${sortableInstant(query.before)}#`;
    }
    const start = query.startAfter && {
      ...assetItem(query.startAfter.id),
      ...timelineKeys(
        query.startAfter.libraryId,
        query.startAfter.owner,
        sortableInstant(query.startAfter.localDatetime),
        query.startAfter.id,
      ),
    };
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk${range}`,
        ExpressionAttributeValues: values,
        ScanIndexForward: query.order === 'asc',
        // One more than asked tells whether another page exists, without a second query.
        Limit: query.limit + 1,
        ...(start && {
          ExclusiveStartKey: Object.fromEntries(
            ['pk', 'sk', index.partitionKey, index.sortKey].map((k) => [k, (start as Item)[k]]),
          ),
        }),
      }),
    );
    const items = (page.Items ?? []).map(fromItem);
    return { assets: items.slice(0, query.limit), hasMore: items.length > query.limit };
  }

  async exist(query: ExistQuery): Promise<ExistMatch[]> {
    const keys: Key[] = [];
    for (const libraryId of query.libraryIds) {
      for (const checksum of query.checksums ?? []) keys.push(checksumClaim(libraryId, checksum));
      for (const sha1 of query.checksumSha1s ?? []) keys.push(sha1Entry(libraryId, sha1));
      for (const id of query.device?.deviceAssetIds ?? [])
        keys.push(deviceEntry(libraryId, query.device?.deviceId ?? '', id));
    }
    // BatchGetItem refuses a request that names one key twice.
    const unique = [...new Map(keys.map((k) => [`${k.pk}\n${k.sk}`, k])).values()];
    const chunks: Key[][] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) chunks.push(unique.slice(i, i + BATCH_GET_MAX));
    const found = (await Promise.all(chunks.map((chunk) => this.batchGet(chunk)))).flat();
    const byAsset = new Map(found.map((item) => [String(item.assetId), item]));
    return [...byAsset.values()].map((item) => ({
      id: String(item.assetId),
      checksum: item.checksum as string | undefined,
      checksumSha1: item.checksumSha1 as string | undefined,
      deviceAssetId: String(item.deviceAssetId),
      deviceId: String(item.deviceId),
    }));
  }

  async getMany(ids: string[]): Promise<Asset[]> {
    const keys = [...new Set(ids)].map(assetItem);
    const chunks: Key[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) chunks.push(keys.slice(i, i + BATCH_GET_MAX));
    return (await Promise.all(chunks.map((chunk) => this.batchGet(chunk, true)))).flat().map(fromItem);
  }

  private async batchGet(keys: Key[], consistent = false): Promise<Item[]> {
    const items: Item[] = [];
    let pending: Key[] = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      const result = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      items.push(...(result.Responses?.[this.table] ?? []));
      pending = (result.UnprocessedKeys?.[this.table]?.Keys as Key[] | undefined) ?? [];
      if (attempt > 8 && pending.length > 0) throw new Error('DynamoDB kept keys unprocessed');
    }
    return items;
  }
}

/**
 * Pages of the assets in each shard of a sharded gsi3 queue (pending uploads, the purge's queue)
 * whose sort key, which starts with a time, sorts before `before`: shard by shard, a page at a time.
 */
export async function* shardedBefore(
  db: DynamoDBDocumentClient,
  table: string,
  partitionOf: (shard: number) => string,
  before: string,
  pageSize: number,
): AsyncIterable<Asset[]> {
  const index = INDEXES.pendingUploads;
  for (let shard = 0; shard < PENDING_UPLOAD_SHARDS; shard++) {
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} < :before`,
          ExpressionAttributeValues: { ':pk': partitionOf(shard), ':before': before },
          Limit: pageSize,
          ExclusiveStartKey,
        }),
      );
      const assets = (page.Items ?? []).map(fromItem);
      if (assets.length > 0) yield assets;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}
