import { type DarkroomClient, unwrap } from '#shared/client/index.ts';
import type { Asset } from './asset.ts';
import type { Filters } from './route.ts';
import { store } from './store.ts';

// The timeline's assets for the current filters, newest first, a cursor page at a time; a jump to a
// month starts the list there. Uploads and edits refresh it in place.

export const PAGE_SIZE = 100;
/** "Photos here": a place filter covers what was taken within this distance. */
export const PLACE_RADIUS_METRES = 25_000;

export interface TimelineState {
  filters: Filters;
  /** `YYYY-MM`: the list starts at the end of this month. */
  month?: string;
  assets: Asset[];
  hasMore: boolean;
  loading: boolean;
  error?: unknown;
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString();
const monthEnd = (month: string) => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 1)).toISOString();
};

/** The filters as the list and counts routes take them (both read `local_datetime` bounds alike). */
export const rangeQuery = (filters: Filters, month?: string) => {
  const bounds = [filters.to && nextDay(filters.to), month && monthEnd(month)].filter((b): b is string => Boolean(b));
  return {
    ...(filters.library && { library_id: filters.library }),
    ...(filters.album && { album_id: filters.album }),
    ...(filters.person && { person_ids: [filters.person] }),
    ...(filters.from && { local_datetime_after: `${filters.from}T00:00:00Z` }),
    ...(bounds.length && { local_datetime_before: bounds.sort()[0] }),
    state: filters.trash ? ('trashed' as const) : ('live' as const),
  };
};

export const listQuery = (filters: Filters, month?: string) => ({
  ...rangeQuery(filters, month),
  ...(filters.type && { media_type: filters.type }),
  ...(filters.place && { center: filters.place, radius: PLACE_RADIUS_METRES }),
  order: 'desc' as const,
});

export const createTimeline = (client: DarkroomClient) => {
  // Loading until the first page arrives: what waits for it (the filters' lists, the scrubber) waits from the start.
  const state = store<TimelineState>({ filters: {}, assets: [], hasMore: false, loading: true });
  let generation = 0;

  const page = (filters: Filters, month: string | undefined, limit: number, after?: string) =>
    unwrap(
      client.GET('/api/assets', {
        params: { query: { ...listQuery(filters, month), limit, ...(after && { starting_after_id: after }) } },
      }),
    );

  const fetchInto = async (mine: number, run: () => Promise<Pick<TimelineState, 'assets' | 'hasMore'>>) => {
    try {
      const next = await run();
      if (mine === generation) state.update((s) => ({ ...s, ...next, loading: false, error: undefined }));
    } catch (error) {
      if (mine === generation) state.update((s) => ({ ...s, loading: false, error }));
    }
  };

  const show = (filters: Filters, month?: string) => {
    const mine = ++generation;
    state.set({ filters, ...(month && { month }), assets: [], hasMore: false, loading: true });
    return fetchInto(mine, async () => {
      const { data, has_more } = await page(filters, month, PAGE_SIZE);
      return { assets: data, hasMore: has_more };
    });
  };

  const more = () => {
    const current = state.get();
    const last = current.assets.at(-1);
    if (current.loading || !current.hasMore || !last) return Promise.resolve();
    const mine = generation;
    state.update((s) => ({ ...s, loading: true }));
    return fetchInto(mine, async () => {
      const { data, has_more } = await page(current.filters, current.month, PAGE_SIZE, last.id);
      return { assets: [...state.get().assets, ...data], hasMore: has_more };
    });
  };

  /** Reads again as many assets as are shown (new uploads appear, processed ones get their thumbnails). */
  const refresh = () => {
    const current = state.get();
    const mine = ++generation;
    return fetchInto(mine, async () => {
      const assets: Asset[] = [];
      let hasMore = true;
      while (hasMore && assets.length < Math.max(current.assets.length, PAGE_SIZE)) {
        const { data, has_more } = await page(current.filters, current.month, 200, assets.at(-1)?.id);
        assets.push(...data);
        hasMore = has_more;
      }
      return { assets, hasMore };
    });
  };

  /** One asset changed (trashed, restored, renamed): replace it where it is shown. */
  const replace = (asset: Asset) =>
    state.update((s) => ({ ...s, assets: s.assets.map((a) => (a.id === asset.id ? asset : a)) }));

  return { state, show, more, refresh, replace };
};

export type Timeline = ReturnType<typeof createTimeline>;
