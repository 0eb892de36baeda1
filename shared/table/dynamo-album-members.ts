import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AlbumMembers, AlbumTimelineQuery } from '#shared/domain/album-ports.ts';
import type { AlbumMember, MemberPlace } from '#shared/domain/albums.ts';
import type { Page } from '#shared/domain/face-ports.ts';
import { memberFromItem, memberTimelineKeys, memberToItem } from './album-item.ts';
import { isConditionFailure } from './conditions.ts';
import { indexPage } from './index-page.ts';
import {
  ALBUM_MEMBER_SK_PREFIX,
  albumAssetsPartition,
  albumItem,
  albumMemberItem,
  assetAlbumsPartition,
  libraryAlbumLinksPartition,
} from './keys.ts';
import { queryAll } from './query-all.ts';
import { INDEXES } from './schema.ts';

type Index = (typeof INDEXES)[keyof typeof INDEXES];

/**
 * An album's members beside its item (ALBUM#{album}/ASSET#{asset}): conditional writes say
 * whether a member was really added or removed, and the index partitions keys.ts names give the
 * album's timeline, an asset's albums and a library's links.
 */
export class DynamoAlbumMembers implements AlbumMembers {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async addMember(member: AlbumMember): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: memberToItem(member),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async removeMember(albumId: string, assetId: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: albumMemberItem(albumId, assetId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async moveMember(member: AlbumMember, place: MemberPlace): Promise<void> {
    const timeline = memberTimelineKeys({ ...member, ...place });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: albumMemberItem(member.albumId, member.assetId),
          UpdateExpression: place.trashed
            ? 'SET localDatetime = :at, trashed = :trashed REMOVE gsi1pk, gsi1sk'
            : 'SET localDatetime = :at, gsi1pk = :partition, gsi1sk = :position REMOVE trashed',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':at': place.localDatetime,
            ...(place.trashed ? { ':trashed': true } : { ':partition': timeline.gsi1pk, ':position': timeline.gsi1sk }),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getMember(albumId: string, assetId: string): Promise<AlbumMember | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: albumMemberItem(albumId, assetId), ConsistentRead: true }),
    );
    return Item && memberFromItem(Item);
  }

  async getLink(linkId: string, libraryId: string): Promise<AlbumMember | undefined> {
    const index = INDEXES.libraryMediaTimeline;
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} = :id`,
        ExpressionAttributeValues: { ':pk': libraryAlbumLinksPartition(libraryId), ':id': linkId },
      }),
    );
    return Items[0] && memberFromItem(Items[0]);
  }

  async countMembers(albumId: string): Promise<number> {
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          ...this.membersInput(albumId),
          Select: 'COUNT',
          FilterExpression: 'attribute_not_exists(trashed)',
          ExclusiveStartKey,
        }),
      );
      count += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  }

  async timeline(query: AlbumTimelineQuery): Promise<Page<AlbumMember>> {
    const index = INDEXES.libraryTimeline;
    const asc = query.order === 'asc';
    // The cursor narrows the same side of the range as the bound it replaces.
    const lower = asc ? maxOf(query.after, query.startAfter) : query.after;
    const upper = asc ? query.before : minOf(query.before, query.startAfter);
    const range =
      lower && upper
        ? ` AND ${index.sortKey} BETWEEN :lo AND :hi`
        : lower
          ? ` AND ${index.sortKey} > :lo`
          : upper
            ? ` AND ${index.sortKey} < :hi`
            : '';
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk${range}`,
        ExpressionAttributeValues: {
          ':pk': albumAssetsPartition(query.albumId),
          ...(lower && { ':lo': lower }),
          ...(upper && { ':hi': upper }),
        },
        ScanIndexForward: asc,
        Limit: query.limit + 2,
      }),
    );
    // BETWEEN is inclusive: a cursor at either end is dropped here.
    const exclusive = Items.filter((i) => i.gsi1sk !== lower && i.gsi1sk !== upper).map(memberFromItem);
    return { items: exclusive.slice(0, query.limit), hasMore: exclusive.length > query.limit };
  }

  async membersOfAlbum(albumId: string): Promise<AlbumMember[]> {
    return (await queryAll(this.db, { ...this.membersInput(albumId) })).map(memberFromItem);
  }

  async albumsOfAsset(assetId: string): Promise<AlbumMember[]> {
    return (await this.all(INDEXES.ownerTimeline, assetAlbumsPartition(assetId))).map(memberFromItem);
  }

  async inAnyAlbum(assetIds: string[]): Promise<Set<string>> {
    const index = INDEXES.ownerTimeline;
    const found = await Promise.all(
      assetIds.map(async (id) => {
        const { Items = [] } = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: index.name,
            KeyConditionExpression: `${index.partitionKey} = :pk`,
            ExpressionAttributeValues: { ':pk': assetAlbumsPartition(id) },
            Limit: 1,
          }),
        );
        return Items.length > 0 ? [id] : [];
      }),
    );
    return new Set(found.flat());
  }

  async linksOfLibrary(libraryId: string, limit: number, startAfter?: string): Promise<Page<AlbumMember>> {
    const page = await indexPage(
      this.db,
      this.table,
      INDEXES.libraryMediaTimeline,
      libraryAlbumLinksPartition(libraryId),
      limit,
      startAfter,
    );
    return { items: page.items.map(memberFromItem), hasMore: page.hasMore };
  }

  private membersInput(albumId: string): QueryCommandInput {
    return {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': albumItem(albumId).pk, ':prefix': ALBUM_MEMBER_SK_PREFIX },
      ConsistentRead: true,
    };
  }

  /** Every item of one index partition; the indexes' reads are eventually consistent. */
  private all(index: Index, partition: string) {
    return queryAll(this.db, {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
    });
  }
}

const maxOf = (a?: string, b?: string) => (a && b ? (a > b ? a : b) : (a ?? b));
const minOf = (a?: string, b?: string) => (a && b ? (a < b ? a : b) : (a ?? b));
