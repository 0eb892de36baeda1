import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Asset } from '../domain/asset.ts';
import { sortableInstant } from '../domain/datetime.ts';
import type { AssetRepository, ExistMatch, ExistQuery, TimelineQuery } from '../domain/ports.ts';
import { fromItem, sequencerKey, toItem } from './asset-item.ts';
import { isConditionFailure } from './conditions.ts';
import { assetItem, checksumClaim, deviceEntry, sha1Entry, timelineKeys } from './keys.ts';
import { INDEXES } from './schema.ts';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;
const BATCH_GET_MAX = 100;

/** The index entries for `exist` carry what its answer shows, so it reads nothing else. */
const matchOf = (asset: Asset): ExistMatch & { assetId: string } => ({
  assetId: asset.id,
  id: asset.id,
  checksum: asset.checksum,
  checksumSha1: asset.checksumSha1,
  deviceAssetId: asset.deviceAssetId,
  deviceId: asset.deviceId,
});

export class DynamoAssets implements AssetRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(asset: Asset): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: toItem(asset), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(id: string): Promise<Asset | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: assetItem(id), ConsistentRead: true }),
    );
    return Item && fromItem(Item);
  }

  async save(asset: Asset): Promise<boolean> {
    const newer = asset.sequencer ? ' AND (attribute_not_exists(sequencerKey) OR sequencerKey <= :seq)' : '';
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: toItem(asset),
        ConditionExpression: `attribute_exists(pk)${newer}`,
        ...(asset.sequencer && { ExpressionAttributeValues: { ':seq': sequencerKey(asset.sequencer) } }),
      }),
    );
  }

  async claimChecksum(asset: Asset): Promise<string> {
    const key = checksumClaim(asset.libraryId, asset.checksum ?? '');
    const claimed = await this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: { ...key, ...matchOf(asset), createdAt: asset.updatedAt },
        ConditionExpression: 'attribute_not_exists(pk) OR assetId = :id',
        ExpressionAttributeValues: { ':id': asset.id },
      }),
    );
    if (claimed) return asset.id;
    return (await this.holder(key)) ?? (await this.claimChecksum(asset));
  }

  findChecksum(libraryId: string, checksum: string): Promise<string | undefined> {
    return this.holder(checksumClaim(libraryId, checksum));
  }

  transferChecksum(asset: Asset, from: string): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...checksumClaim(asset.libraryId, asset.checksum ?? ''),
          ...matchOf(asset),
          createdAt: asset.updatedAt,
        },
        ConditionExpression: 'assetId = :from',
        ExpressionAttributeValues: { ':from': from },
      }),
    );
  }

  async releaseChecksum(asset: Asset): Promise<void> {
    if (asset.checksum) await this.deleteIfOwned(checksumClaim(asset.libraryId, asset.checksum), asset.id);
  }

  async putEntries(asset: Asset): Promise<void> {
    const match = matchOf(asset);
    const entries = [deviceEntry(asset.libraryId, asset.deviceId, asset.deviceAssetId)];
    if (asset.checksumSha1) entries.push(sha1Entry(asset.libraryId, asset.checksumSha1));
    await Promise.all(
      entries.map((key) => this.db.send(new PutCommand({ TableName: this.table, Item: { ...key, ...match } }))),
    );
  }

  async remove(asset: Asset): Promise<void> {
    await this.releaseChecksum(asset);
    if (asset.checksumSha1) await this.deleteIfOwned(sha1Entry(asset.libraryId, asset.checksumSha1), asset.id);
    await this.deleteIfOwned(deviceEntry(asset.libraryId, asset.deviceId, asset.deviceAssetId), asset.id);
    await this.conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: assetItem(asset.id),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async timeline(query: TimelineQuery): Promise<{ assets: Asset[]; hasMore: boolean }> {
    const index = query.libraryId ? INDEXES.libraryTimeline : INDEXES.ownerTimeline;
    const partition = query.libraryId ? `LIB#${query.libraryId}` : `USER#${query.owner}`;
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

  private async batchGet(keys: Key[]): Promise<Item[]> {
    const items: Item[] = [];
    let pending: Key[] = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }));
      items.push(...(result.Responses?.[this.table] ?? []));
      pending = (result.UnprocessedKeys?.[this.table]?.Keys as Key[] | undefined) ?? [];
      if (attempt > 8 && pending.length > 0) throw new Error('DynamoDB kept keys unprocessed');
    }
    return items;
  }

  private async holder(key: Key): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return typeof Item?.assetId === 'string' ? Item.assetId : undefined;
  }

  private deleteIfOwned(key: Key, assetId: string): Promise<boolean> {
    return this.conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: key,
        ConditionExpression: 'assetId = :id',
        ExpressionAttributeValues: { ':id': assetId },
      }),
    );
  }

  /** Sends a conditional write; answers false when its condition did not hold. */
  private async conditional(command: PutCommand | DeleteCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command as PutCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
