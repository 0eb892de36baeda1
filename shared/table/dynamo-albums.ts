import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AlbumRepository } from '#shared/domain/album-ports.ts';
import type { Album } from '#shared/domain/albums.ts';
import type { Page } from '#shared/domain/face-ports.ts';
import { albumFromItem, albumListingKey, albumToItem } from './album-item.ts';
import { isConditionFailure } from './conditions.ts';
import { albumItem, libraryAlbumsPartition } from './keys.ts';
import { INDEXES } from './schema.ts';

type Changes = Parameters<AlbumRepository['updateAlbum']>[1];

/** The album items in the single table (keys.ts says where each lives); members are DynamoAlbumMembers'. */
export class DynamoAlbums implements AlbumRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getAlbum(id: string): Promise<Album | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: albumItem(id), ConsistentRead: true }),
    );
    return Item && albumFromItem(Item);
  }

  async getAlbums(ids: string[]): Promise<Album[]> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.getAlbum(id)));
    return found.filter((a): a is Album => a !== undefined);
  }

  async albumsOfLibrary(libraryId: string, limit: number, startAfter?: Album): Promise<Page<Album>> {
    const index = INDEXES.libraryTimeline;
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk${startAfter ? ` AND ${index.sortKey} < :after` : ''}`,
        ExpressionAttributeValues: {
          ':pk': libraryAlbumsPartition(libraryId),
          ...(startAfter && { ':after': albumListingKey(startAfter) }),
        },
        ScanIndexForward: false,
        Limit: limit + 1,
      }),
    );
    return { items: Items.slice(0, limit).map(albumFromItem), hasMore: Items.length > limit };
  }

  async putAlbum(album: Album): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: albumToItem(album) }));
  }

  async updateAlbum(id: string, changes: Changes): Promise<Album | undefined> {
    const entries = Object.entries(changes);
    const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const set = entries.flatMap(([, v], i) => (v === undefined ? [] : [`#f${i} = :v${i}`]));
    const remove = entries.flatMap(([, v], i) => (v === undefined ? [`#f${i}`] : []));
    const values = Object.fromEntries(entries.flatMap(([, v], i) => (v === undefined ? [] : [[`:v${i}`, v]])));
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: albumItem(id),
          UpdateExpression: [set.length && `SET ${set.join(', ')}`, remove.length && `REMOVE ${remove.join(', ')}`]
            .filter(Boolean)
            .join(' '),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ...(set.length > 0 && { ExpressionAttributeValues: values }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes && albumFromItem(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async clearCover(albumId: string, assetId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: albumItem(albumId),
          UpdateExpression: 'REMOVE coverAssetId',
          ConditionExpression: 'coverAssetId = :asset',
          ExpressionAttributeValues: { ':asset': assetId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async deleteAlbum(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: albumItem(id) }));
  }
}
