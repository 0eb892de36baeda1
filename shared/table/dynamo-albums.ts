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
import { updateFields } from './update-fields.ts';

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
    const after = await updateFields(this.db, this.table, albumItem(id), changes);
    return after && albumFromItem(after);
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
