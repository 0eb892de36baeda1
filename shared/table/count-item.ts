import { z } from 'zod';
import type { Counters, CountMove, OrdinalMove } from '#shared/domain/count-ledger.ts';
import { countersItem } from './keys.ts';

// The counters' two shapes in the table: an asset's move on its feed entry, and the owner's
// counters item. The move's attributes are written by the feed writer (dynamo-feed.ts) and read
// back only by the counters (dynamo-counters.ts); the public feed never shows them.

export const MOVE_ATTRIBUTES = { from: 'countFrom', to: 'countTo' } as const;

export const moveAttributes = (move: CountMove | undefined): Record<string, string> => ({
  ...(move?.from && { [MOVE_ATTRIBUTES.from]: move.from }),
  ...(move?.to && { [MOVE_ATTRIBUTES.to]: move.to }),
});

const entrySchema = z.object({
  ordinal: z.number().int(),
  [MOVE_ATTRIBUTES.from]: z.string().optional(),
  [MOVE_ATTRIBUTES.to]: z.string().optional(),
});

export const ordinalMoveOf = (item: Record<string, unknown>): OrdinalMove => {
  const entry = entrySchema.parse(item);
  const from = entry[MOVE_ATTRIBUTES.from];
  const to = entry[MOVE_ATTRIBUTES.to];
  return { ordinal: entry.ordinal, ...((from || to) && { move: { ...(from && { from }), ...(to && { to }) } }) };
};

const countersSchema = z.object({
  counts: z.record(z.string(), z.number().int()),
  appliedOrdinal: z.number().int().min(0),
});

export const countersOfItem = (item: Record<string, unknown> | undefined): Counters =>
  item ? countersSchema.parse(item) : { counts: {}, appliedOrdinal: 0 };

/**
 * The owner's counters as one item. Each bucket is about 45 bytes (`lib_…|trashed|2024-05` and
 * its number), so the 400 KB item limit holds some 8 000 non-empty buckets: ten libraries of
 * thirty years of photos, live and trashed. Empty buckets are dropped as they empty.
 */
export const countersToItem = (owner: string, counters: Counters) => ({
  ...countersItem(owner),
  counts: counters.counts,
  appliedOrdinal: counters.appliedOrdinal,
});
