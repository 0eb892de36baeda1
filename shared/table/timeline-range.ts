import { sortableInstant } from '#shared/domain/datetime.ts';
import type { TimelineQuery } from '#shared/domain/ports.ts';
import { timelinePosition } from './keys.ts';

/**
 * A timeline page's sort-key range, both ends exclusive: the date bounds and, for a page after a
 * cursor, the cursor's own position. "#~" sorts after every id at an instant, "#" before all.
 */
export interface TimelineRange {
  lo?: string;
  hi?: string;
}

export const timelineRange = (query: TimelineQuery): TimelineRange | 'empty' => {
  let lo = query.after && `${sortableInstant(query.after)}#~`;
  let hi = query.before && `${sortableInstant(query.before)}#`;
  const cursor =
    query.startAfter && timelinePosition(sortableInstant(query.startAfter.localDatetime), query.startAfter.id);
  if (cursor && query.order === 'asc' && (lo === undefined || cursor > lo)) lo = cursor;
  if (cursor && query.order === 'desc' && (hi === undefined || cursor < hi)) hi = cursor;
  if (lo !== undefined && hi !== undefined && lo >= hi) return 'empty';
  return { ...(lo && { lo }), ...(hi && { hi }) };
};

/**
 * The key condition for a range. BETWEEN is inclusive: an item at exactly `lo` or `hi` (only ever
 * the cursor's) is dropped by `inRange`, so a query asks for one item more.
 */
export const rangeCondition = (
  sortKey: string,
  range: TimelineRange,
): { expression: string; values: Record<string, string> } => {
  if (range.lo && range.hi)
    return { expression: ` AND ${sortKey} BETWEEN :lo AND :hi`, values: { ':lo': range.lo, ':hi': range.hi } };
  if (range.lo) return { expression: ` AND ${sortKey} > :lo`, values: { ':lo': range.lo } };
  if (range.hi) return { expression: ` AND ${sortKey} < :hi`, values: { ':hi': range.hi } };
  return { expression: '', values: {} };
};

export const inRange = (position: string, range: TimelineRange): boolean =>
  (range.lo === undefined || position > range.lo) && (range.hi === undefined || position < range.hi);
