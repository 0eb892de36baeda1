import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Asset } from '#shared/domain/asset.ts';
import type { AssetRepository, ExistMatch, ExistQuery, TimelineQuery, TrashPageQuery } from '#shared/domain/ports.ts';
import { fromItem, sequencerKey, toItem } from './asset-item.ts';
import { isConditionFailure } from './conditions.ts';
import { DynamoAssetReads } from './dynamo-asset-reads.ts';
import { DynamoTrashReads } from './dynamo-trash-reads.ts';
import { assetItem, checksumClaim, deviceEntry, sha1Entry } from './keys.ts';

type Key = { pk: string; sk: string };
/** Sorts after every ISO instant. */
const AFTER_EVERY_INSTANT = '~';

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
  private readonly reads: DynamoAssetReads;
  private readonly trash: DynamoTrashReads;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.reads = new DynamoAssetReads(db, table);
    this.trash = new DynamoTrashReads(db, table);
  }

  async create(asset: Asset): Promise<void> {
    // Ids are fresh random values, so an item already under this one is this very write, landed on
    // an attempt whose answer was lost (a reset connection) before the SDK retried it.
    await this.conditional(
      new PutCommand({ TableName: this.table, Item: toItem(asset), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(id: string): Promise<Asset | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: assetItem(id), ConsistentRead: true }),
    );
    return Item && fromItem(Item);
  }

  async save(asset: Asset, expected?: { updatedAt: string }): Promise<boolean> {
    const newer = asset.sequencer ? ' AND (attribute_not_exists(sequencerKey) OR sequencerKey <= :seq)' : '';
    // An edit writes over exactly the record it read; anything else never over a newer edit.
    const unedited = expected
      ? ' AND updatedAt = :read'
      : asset.editVersion === undefined
        ? ' AND attribute_not_exists(editVersion)'
        : ' AND editVersion = :edit';
    const values = {
      ...(asset.sequencer && { ':seq': sequencerKey(asset.sequencer) }),
      ...(expected
        ? { ':read': expected.updatedAt }
        : asset.editVersion !== undefined && { ':edit': asset.editVersion }),
    };
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: toItem(asset),
        ConditionExpression: `attribute_exists(pk)${newer}${unedited}`,
        ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
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

  getMany(ids: string[]): Promise<Asset[]> {
    return this.reads.getMany(ids);
  }

  timeline(query: TimelineQuery): Promise<{ assets: Asset[]; hasMore: boolean }> {
    return this.reads.timeline(query);
  }

  exist(query: ExistQuery): Promise<ExistMatch[]> {
    return this.reads.exist(query);
  }

  pendingUploads(createdBefore: string): AsyncIterable<Asset[]> {
    return this.reads.pendingUploads(createdBefore);
  }

  trashedIds(libraryId: string): Promise<string[]> {
    return this.trash.trashedIds(libraryId);
  }

  trashPage(query: TrashPageQuery): Promise<{ assets: Asset[]; hasMore: boolean }> {
    return this.trash.trashPage(query);
  }

  async someOfLibrary(libraryId: string, limit: number): Promise<Asset[]> {
    const found = await this.trash.processedOfLibrary(libraryId, limit);
    // The pending index is every owner's uploads in flight: few, so filtering it is cheap.
    for await (const page of this.reads.pendingUploads(AFTER_EVERY_INSTANT)) {
      if (found.length >= limit) break;
      found.push(...page.filter((a) => a.libraryId === libraryId));
    }
    return found.slice(0, limit);
  }

  trashedBefore(instant: string): AsyncIterable<Asset[]> {
    return this.trash.trashedBefore(instant);
  }

  saveIfPending(asset: Asset): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: toItem(asset),
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending' },
      }),
    );
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
