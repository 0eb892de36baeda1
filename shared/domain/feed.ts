import type { Accounts } from './accounts.ts';
import type { CountMove } from './count-ledger.ts';

// The change feed: one entry per change of an entity, per owner, at gapless ordinals. Entries
// point at entities (type and id); a client fetches the entity itself when it needs the data.

/** One change of one table item, as the stream reported it. */
export interface FeedChange {
  owner: string;
  libraryId: string;
  entityType: string;
  entityId: string;
  eventType: string;
  /** The changed item's key, and the stream's sequence number of this change of it (the dedupe key). */
  source: { pk: string; sk: string; sequence: string };
  payload?: Record<string, unknown>;
  /** An asset's change of count bucket (count-ledger.ts); kept on the entry, never in the public feed. */
  counts?: CountMove;
}

export interface FeedEntry {
  ordinal: number;
  cursor: string;
  createdAt: string;
  libraryId: string;
  entityType: string;
  entityId: string;
  eventType: string;
  payload?: Record<string, unknown>;
}

export interface FeedPageQuery {
  afterCursor?: string;
  createdAtGte?: string;
  createdAtLt?: string;
  entityTypes?: string[];
  libraryId?: string;
  limit: number;
}

export interface FeedRepository {
  /** Writes the change's entry unless it was written already; answers whether this call wrote it. */
  append(change: FeedChange, now: Date): Promise<'written' | 'already'>;
  page(owner: string, query: FeedPageQuery): Promise<{ entries: FeedEntry[]; hasMore: boolean }>;
}

/** The owner's own feed only: the partition is the owner's, and a library filter must be theirs. */
export class FeedQueries {
  constructor(private readonly deps: { feed: FeedRepository; accounts: Pick<Accounts, 'getLibrary'> }) {}

  async page(owner: string, query: FeedPageQuery) {
    // Another user's library answers 404 (getLibrary), exactly as an unknown one does.
    if (query.libraryId) await this.deps.accounts.getLibrary(owner, query.libraryId);
    return this.deps.feed.page(owner, query);
  }
}
