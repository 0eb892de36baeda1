import { api } from './api.ts';

// Reading the change feed as a client does: page after page from a cursor.

export interface FeedEvent {
  cursor: string;
  created_at: string;
  entity_type: string;
  entity_id: string;
  event_type: string;
  payload: Record<string, unknown> | null;
}

/** Every event after `cursor` (all of them without one), following `has_more`. */
export const readFeed = async (
  baseUrl: string,
  key: string,
  options: { after?: string; limit?: number; query?: string } = {},
): Promise<FeedEvent[]> => {
  const events: FeedEvent[] = [];
  let after = options.after;
  for (;;) {
    const params = new URLSearchParams({ limit: String(options.limit ?? 200) });
    if (after) params.set('after_cursor', after);
    const page = await api(baseUrl, key).get(`/api/events?${params}${options.query ? `&${options.query}` : ''}`);
    if (page.status !== 200) throw new Error(`GET /api/events answered ${page.status}: ${JSON.stringify(page.body)}`);
    events.push(...(page.body.data as FeedEvent[]));
    if (!page.body.has_more) return events;
    after = events.at(-1)?.cursor;
  }
};

/** mulberry32: the same sequence for the same seed. */
export const seeded = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
