import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AccountRepository,
  ApiKeyRecord,
  Library,
  LibraryChanges,
  LibraryTrashMark,
  User,
} from '#shared/domain/accounts.ts';
import { isConditionFailure } from './conditions.ts';
import {
  KEY_LISTING_PK,
  keyItem,
  keyListing,
  LIBRARY_PURGE_PARTITION,
  LIBRARY_SK_PREFIX,
  libraryItem,
  libraryPartition,
  libraryPurgeKeys,
  userItem,
  userNameClaim,
} from './keys.ts';
import { INDEXES } from './schema.ts';

type Item = Record<string, unknown>;
const NEW_ITEM = 'attribute_not_exists(pk)';

const toLibrary = (item: Item): Library => ({
  id: String(item.id),
  owner: String(item.owner),
  name: String(item.name),
  ...(typeof item.description === 'string' && { description: item.description }),
  createdAt: String(item.created_at),
  updatedAt: String(item.updated_at),
  // Kept by DynamoUsage on this item; absent until the library's first stored asset.
  assetCount: Number(item.asset_count ?? 0),
  storageUsedBytes: Number(item.storage_used_bytes ?? 0),
  ...(typeof item.trashed_at === 'string' && { trashedAt: item.trashed_at }),
  ...(typeof item.purge_after === 'string' && { purgeAfter: item.purge_after }),
});

const toApiKey = (item: Item): ApiKeyRecord => ({
  id: String(item.key_id),
  hash: String(item.hash),
  owner: String(item.owner),
  userName: String(item.user_name),
  name: String(item.name),
  createdAt: String(item.created_at),
  ...(typeof item.revoked_at === 'string' && { revokedAt: item.revoked_at }),
});

export class DynamoAccounts implements AccountRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claimUserName(candidate: User): Promise<User> {
    const claim = {
      ...userNameClaim(candidate.name),
      user_id: candidate.id,
      default_library_id: candidate.defaultLibraryId,
      created_at: candidate.createdAt,
    };
    if (await this.putIfNew(claim)) return candidate;
    const existing = await this.get(userNameClaim(candidate.name));
    if (!existing) throw new Error(`user name claim for ${candidate.name} vanished`);
    return {
      id: String(existing.user_id),
      name: candidate.name,
      defaultLibraryId: String(existing.default_library_id),
      createdAt: String(existing.created_at),
    };
  }

  async ensureUser(user: User, defaultLibrary: Library): Promise<void> {
    await this.putIfNew({
      ...userItem(user.id),
      id: user.id,
      name: user.name,
      default_library_id: user.defaultLibraryId,
      created_at: user.createdAt,
    });
    await this.putIfNew(this.libraryItem(defaultLibrary));
  }

  async createLibrary(library: Library): Promise<void> {
    if (!(await this.putIfNew(this.libraryItem(library)))) {
      throw new Error(`library id collision: ${library.id}`);
    }
  }

  async updateLibrary(owner: string, id: string, changes: LibraryChanges, at: string): Promise<Library | undefined> {
    const set = ['updated_at = :at'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':at': at };
    if (changes.name !== undefined) {
      set.push('#name = :name');
      values[':name'] = changes.name;
    }
    if (changes.description === null) remove.push('description');
    else if (changes.description !== undefined) {
      set.push('description = :description');
      values[':description'] = changes.description;
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: libraryItem(owner, id),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          // Only the fields named change: the counters beside them are DynamoUsage's.
          ConditionExpression: 'attribute_exists(pk)',
          ...(changes.name !== undefined && { ExpressionAttributeNames: { '#name': 'name' } }),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes && toLibrary(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async markLibrary(
    owner: string,
    id: string,
    mark: LibraryTrashMark | null,
    at: string,
    whileTrashed = false,
  ): Promise<Library | undefined> {
    const queue = mark && libraryPurgeKeys(mark.purgeAfter, id);
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: libraryItem(owner, id),
          UpdateExpression: queue
            ? 'SET updated_at = :at, trashed_at = :trashed, purge_after = :purge, gsi3pk = :qpk, gsi3sk = :qsk'
            : 'SET updated_at = :at REMOVE trashed_at, purge_after, gsi3pk, gsi3sk',
          ConditionExpression: whileTrashed ? 'attribute_exists(trashed_at)' : 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':at': at,
            ...(mark &&
              queue && {
                ':trashed': mark.trashedAt,
                ':purge': mark.purgeAfter,
                ':qpk': queue.gsi3pk,
                ':qsk': queue.gsi3sk,
              }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes && toLibrary(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async purgeableLibraries(at: string): Promise<Library[]> {
    const index = INDEXES.pendingUploads;
    const items = await this.queryAll({
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} <= :at`,
      ExpressionAttributeValues: { ':pk': LIBRARY_PURGE_PARTITION, ':at': `${at}#~` },
    });
    return items.map(toLibrary);
  }

  async removeLibrary(library: Library): Promise<boolean> {
    // What the library's assets left behind in its partition (the clustering lease, say) first:
    // the library item goes last, so a crash between leaves a library whose removal is retried.
    const leftovers = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': libraryPartition(library.id) },
    });
    await Promise.all(
      leftovers.map((item) =>
        this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk } })),
      ),
    );
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: libraryItem(library.owner, library.id),
          ConditionExpression: 'attribute_exists(trashed_at)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async findUserByName(name: string): Promise<User | undefined> {
    const claim = await this.get(userNameClaim(name));
    return claim && this.getUser(String(claim.user_id));
  }

  async getLibrary(owner: string, id: string): Promise<Library | undefined> {
    const item = await this.get(libraryItem(owner, id));
    return item && toLibrary(item);
  }

  async getUser(owner: string): Promise<User | undefined> {
    const item = await this.get(userItem(owner));
    return (
      item && {
        id: String(item.id),
        name: String(item.name),
        defaultLibraryId: String(item.default_library_id),
        createdAt: String(item.created_at),
      }
    );
  }

  async listLibraries(owner: string): Promise<Library[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lib)',
      ExpressionAttributeValues: { ':pk': userItem(owner).pk, ':lib': LIBRARY_SK_PREFIX },
    });
    return items.map(toLibrary).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async putApiKey(key: ApiKeyRecord): Promise<void> {
    const attributes = {
      key_id: key.id,
      hash: key.hash,
      owner: key.owner,
      user_name: key.userName,
      name: key.name,
      created_at: key.createdAt,
    };
    // Listing first: a key that the authorizer knows is always one that `keys revoke` can find.
    await this.putIfNew({ ...keyListing(key.id), ...attributes });
    await this.putIfNew({ ...keyItem(key.hash), ...attributes });
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const item = await this.get(keyItem(hash));
    return item && toApiKey(item);
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const item = await this.get(keyListing(id));
    return item && toApiKey(item);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': KEY_LISTING_PK },
    });
    return items.map(toApiKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revokeApiKey(key: ApiKeyRecord, at: string): Promise<void> {
    // The authorizer's item first: once it is revoked the key no longer works.
    for (const target of [keyItem(key.hash), keyListing(key.id)]) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: target,
          UpdateExpression: 'SET revoked_at = if_not_exists(revoked_at, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    }
  }

  private libraryItem(library: Library): Item {
    return {
      ...libraryItem(library.owner, library.id),
      id: library.id,
      owner: library.owner,
      name: library.name,
      ...(library.description !== undefined && { description: library.description }),
      created_at: library.createdAt,
      updated_at: library.updatedAt,
    };
  }

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item;
  }

  /** Writes the item unless one with its key exists; answers whether it wrote. */
  private async putIfNew(item: Item): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: NEW_ITEM }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async queryAll(
    input: Pick<
      ConstructorParameters<typeof QueryCommand>[0],
      'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
