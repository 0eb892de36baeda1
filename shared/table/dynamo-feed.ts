import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedChange, FeedEntry, FeedPageQuery, FeedRepository } from '#shared/domain/feed.ts';
import { isConditionFailure } from './conditions.ts';
import { moveAttributes } from './count-item.ts';
import { feedClaim, feedEntry, feedOrdinal, feedPartition } from './keys.ts';

type Item = Record<string, unknown>;

/** Stream sequence numbers are decimal strings of varying length; padded, they compare as text. */
const sequenceKey = (sequence: string) => sequence.padStart(40, '0');
/** A claim outlives the stream's 24 h retention, after which no retry of its record can come. */
const CLAIM_TTL_SECONDS = 7 * 24 * 3600;
/** Entries read per query while filling a filtered page. */
const READ_PAGE = 200;

/**
 * The feed's entries, written exactly once per stream record and gaplessly in order per owner.
 * DynamoDB (and dynalite, which has no transactions) can only make one item's write conditional,
 * so the protocol is:
 *
 * 1. The changed item's claim records which record of it was last written and at which slot. A
 *    claim at a later sequence means this record was written before (one item's records arrive in
 *    order); at the same sequence, the entry is at the claim's slot or nowhere.
 * 2. A new record claims slot head+1 (the owner's last entry plus one) first, then puts the entry
 *    there on condition that the slot is free. Another writer that took the slot meanwhile makes
 *    this one move its claim to the new head+1 before it tries again, so an entry is only ever
 *    tried at the slot its claim names: a retry after a crash at any step finds it or writes it.
 * 3. A slot is free only while it is head+1, so a put that succeeds fills the next ordinal: the
 *    ordinals have no gaps, and a reader that resumes after ordinal n misses nothing and sees
 *    nothing twice. Entries are never rewritten, and `createdAt` never decreases along them.
 */
export class DynamoFeed implements FeedRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(change: FeedChange, now: Date): Promise<'written' | 'already'> {
    const { pk, sk } = change.source;
    const sequence = sequenceKey(change.source.sequence);
    const source = `${pk}|${sk}|${sequence}`;
    // The slot this record's claim names, once known: straight after claiming it, no need to read it back.
    let claimed: { slot: number; createdAt: string } | undefined;
    for (;;) {
      if (!claimed) {
        const found = await this.claimOf(change, sequence, source, now);
        if (found === 'already') return 'already';
        if (!found) continue;
        claimed = found;
      }
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: feedEntryItem(change, claimed.slot, claimed.createdAt, source),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'written';
      } catch (error) {
        ignoreConditionFailure(error);
        // Taken meanwhile (by another writer, or by this record's own earlier try): read again.
        claimed = undefined;
      }
    }
  }

  /**
   * Where this record's entry goes: 'already' if it was written, the slot to write it at, or
   * undefined when a racing writer changed the claim or the head (the caller reads again).
   */
  private async claimOf(change: FeedChange, sequence: string, source: string, now: Date) {
    const { pk, sk } = change.source;
    const claim = await this.get(feedClaim(pk, sk));
    const claimedSequence = typeof claim?.sequence === 'string' ? claim.sequence : undefined;
    if (claimedSequence && claimedSequence > sequence) return 'already' as const;
    if (claimedSequence !== sequence) {
      return this.claimSlot(change, sequence, now, claimedSequence).catch(undefinedOnConditionFailure);
    }
    const slot = Number(claim?.slot);
    const entry = await this.get(feedEntry(change.owner, slot));
    if (entry?.source === source) return 'already' as const;
    if (entry) return this.claimSlot(change, sequence, now, sequence, slot).catch(undefinedOnConditionFailure);
    return { slot, createdAt: String(claim?.createdAt) };
  }

  /** Points the item's claim at head+1, if the claim is still as read (`sequence`, and `slot` when moving). */
  private async claimSlot(
    change: FeedChange,
    sequence: string,
    now: Date,
    readSequence?: string,
    readSlot?: number,
  ): Promise<{ slot: number; createdAt: string }> {
    const head = await this.head(change.owner);
    const headAt = typeof head?.createdAt === 'string' ? head.createdAt : '';
    const at = now.toISOString();
    // Never earlier than the head's, so the time filters cut the feed where the ordinals do.
    const claimed = {
      slot: (typeof head?.ordinal === 'number' ? head.ordinal : 0) + 1,
      createdAt: headAt.localeCompare(at) > 0 ? headAt : at,
    };
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...feedClaim(change.source.pk, change.source.sk),
          sequence,
          ...claimed,
          expiration: Math.floor(now.getTime() / 1000) + CLAIM_TTL_SECONDS,
        },
        ...(readSequence === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: readSlot === undefined ? '#seq = :seq' : '#seq = :seq AND #slot = :slot',
              ExpressionAttributeNames: { '#seq': 'sequence', ...(readSlot !== undefined && { '#slot': 'slot' }) },
              ExpressionAttributeValues: { ':seq': readSequence, ...(readSlot !== undefined && { ':slot': readSlot }) },
            }),
      }),
    );
    return claimed;
  }

  private async head(owner: string): Promise<Item | undefined> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': feedPartition(owner) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items?.[0];
  }

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  /**
   * Entries after the cursor that pass the filters. `createdAt` follows the ordinals, so the first
   * entry at or past `createdAtLt` ends the read.
   */
  async page(owner: string, query: FeedPageQuery): Promise<{ entries: FeedEntry[]; hasMore: boolean }> {
    const entries: FeedEntry[] = [];
    const types = query.entityTypes && new Set(query.entityTypes);
    let after = query.afterCursor;
    for (;;) {
      const { Items = [] } = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': feedPartition(owner), ...(after && { ':after': after }) },
          Limit: READ_PAGE,
          ConsistentRead: true,
        }),
      );
      for (const item of Items) {
        const entry = entryOf(item);
        if (query.createdAtLt && entry.createdAt >= query.createdAtLt) return { entries, hasMore: false };
        if (query.createdAtGte && entry.createdAt < query.createdAtGte) continue;
        if (types && !types.has(entry.entityType)) continue;
        if (query.libraryId && entry.libraryId !== query.libraryId) continue;
        if (entries.length === query.limit) return { entries, hasMore: true };
        entries.push(entry);
      }
      if (Items.length < READ_PAGE) return { entries, hasMore: false };
      after = String(Items[Items.length - 1]?.sk);
    }
  }
}

const ignoreConditionFailure = (error: unknown) => {
  if (!isConditionFailure(error)) throw error;
};
const undefinedOnConditionFailure = (error: unknown): undefined => {
  ignoreConditionFailure(error);
  return undefined;
};

/** An entry as the table holds it (`source` names the stream record it was written for). */
export const feedEntryItem = (change: FeedChange, ordinal: number, createdAt: string, source: string) => ({
  ...feedEntry(change.owner, ordinal),
  ordinal,
  createdAt,
  libraryId: change.libraryId,
  entityType: change.entityType,
  entityId: change.entityId,
  eventType: change.eventType,
  source,
  ...(change.payload && { payload: change.payload }),
  ...moveAttributes(change.counts),
});

const entryOf = (item: Item): FeedEntry => ({
  ordinal: Number(item.ordinal),
  cursor: feedOrdinal(Number(item.ordinal)),
  createdAt: String(item.createdAt),
  libraryId: String(item.libraryId),
  entityType: String(item.entityType),
  entityId: String(item.entityId),
  eventType: String(item.eventType),
  ...(item.payload !== undefined && { payload: item.payload as Record<string, unknown> }),
});
