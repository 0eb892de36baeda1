import { type Asset, type ListedState, listedStateOf } from './asset.ts';
import { sortableInstant } from './datetime.ts';

// Asset counts per month, kept from the change feed. Every change of an asset carries the count
// bucket it takes the asset out of and the one it puts it in (from its stream record's old and new
// images); the owner's counters are those moves summed in feed order. Feed entries are immutable
// and gapless, so applying them in ordinal order from the counters' `appliedOrdinal` is exact
// however often, and by however many writers at once, it is done.

/** `YYYY-MM` of a capture time as the timeline sorts it (sortableInstant: UTC, milliseconds). */
export const monthOf = (localDatetime: string): string => sortableInstant(localDatetime).slice(0, 7);

/** A counter's bucket: one library's live or trashed assets taken in one month. */
export const countBucket = (libraryId: string, state: ListedState, month: string): string =>
  `${libraryId}|${state}|${month}`;

export const parseBucket = (bucket: string): { libraryId: string; state: ListedState; month: string } | undefined => {
  const [libraryId, state, month, ...rest] = bucket.split('|');
  if (!libraryId || !month || rest.length > 0 || (state !== 'live' && state !== 'trashed')) return undefined;
  return { libraryId, state, month };
};

/** Where an asset counts: the bucket of its library, list state and month; a pending or duplicate one nowhere. */
export const bucketOf = (
  asset: Pick<Asset, 'libraryId' | 'state' | 'trashedAt' | 'localDatetime'>,
): string | undefined => {
  const state = listedStateOf(asset);
  return state && countBucket(asset.libraryId, state, monthOf(asset.localDatetime));
};

/** What one change does to the counters: the bucket it takes the asset out of, and the one it puts it in. */
export interface CountMove {
  from?: string;
  to?: string;
}

/** The move between two buckets; none when the asset stays where it was. */
export const moveOf = (before: string | undefined, after: string | undefined): CountMove | undefined =>
  before === after ? undefined : { ...(before && { from: before }), ...(after && { to: after }) };

export interface Counters {
  /** Bucket → assets in it; a bucket that empties is dropped. */
  counts: Record<string, number>;
  /** The last feed entry applied (0: none). */
  appliedOrdinal: number;
}

/** A feed entry as the counters read it: its ordinal and its move, if it has one. */
export interface OrdinalMove {
  ordinal: number;
  move?: CountMove;
}

/** The counters after these entries, which must follow `appliedOrdinal` without a gap. */
export const applyMoves = (counters: Counters, entries: OrdinalMove[]): Counters => {
  const counts = { ...counters.counts };
  const add = (bucket: string | undefined, delta: number) => {
    if (!bucket) return;
    const next = (counts[bucket] ?? 0) + delta;
    if (next === 0) delete counts[bucket];
    else counts[bucket] = next;
  };
  let applied = counters.appliedOrdinal;
  for (const entry of entries) {
    // The feed is gapless (dynamo-feed.ts): anything else is a defect, not something to skip.
    if (entry.ordinal !== applied + 1) throw new Error(`feed entry ${applied + 1} missing before ${entry.ordinal}`);
    add(entry.move?.from, -1);
    add(entry.move?.to, 1);
    applied = entry.ordinal;
  }
  return { counts, appliedOrdinal: applied };
};

/** The owner's counters and the feed entries after them. */
export interface CounterStore {
  /** Strongly consistent; an owner without counters yet has `{ counts: {}, appliedOrdinal: 0 }`. */
  read(owner: string): Promise<Counters>;
  /** Up to `limit` entries after the ordinal, in order (strongly consistent); `more` when others may follow. */
  entriesAfter(owner: string, ordinal: number, limit: number): Promise<{ entries: OrdinalMove[]; more: boolean }>;
  /** Writes the counters only if they are still at `readOrdinal`; answers whether it did. */
  write(owner: string, counters: Counters, readOrdinal: number): Promise<boolean>;
}

/** Entries applied per conditional write: one query page of small entries, and a bounded catch-up step. */
const ENTRIES_PER_WRITE = 1000;

/** Catches the owner's counters up with their feed, one conditional write per step. */
export class CountLedger {
  constructor(private readonly store: CounterStore) {}

  /**
   * The counters with every entry the feed holds now applied, and written back. A write lost to
   * another writer (the feed writer, a read) reads again: that writer applied the same entries.
   */
  async advance(owner: string): Promise<Counters> {
    for (;;) {
      let counters = await this.store.read(owner);
      for (;;) {
        const { entries, more } = await this.store.entriesAfter(owner, counters.appliedOrdinal, ENTRIES_PER_WRITE);
        if (entries.length === 0) return counters;
        const next = applyMoves(counters, entries);
        if (!(await this.store.write(owner, next, counters.appliedOrdinal))) break;
        counters = next;
        if (!more) return counters;
      }
    }
  }
}
