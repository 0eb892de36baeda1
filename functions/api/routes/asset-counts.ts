import type { RouteHandler } from '#functions/api/router.ts';
import type { AssetCounts } from '#shared/domain/asset-counts.ts';
import { parseQuery, queryOf } from '#shared/http/query.ts';
import { json } from '#shared/http/response.ts';
import { countsQuery } from './asset-inputs.ts';

// The SDK's `assets.counts`: GET /api/assets/counts, month buckets newest first. The next page is
// asked for with the last `time_bucket` as `local_datetime_before`.

export const assetCountRoutes = (deps: { counts: AssetCounts }): Record<'assetCounts', RouteHandler> => ({
  assetCounts: async (event, userId) => {
    const query = parseQuery(countsQuery, queryOf(event));
    const personIds = query.person_ids ?? (query.person_id && [query.person_id]);
    const page = await deps.counts.monthly(userId, {
      limit: query.limit,
      ...(query.library_id && { libraryId: query.library_id }),
      ...(query.local_datetime_after && { after: query.local_datetime_after }),
      ...(query.local_datetime_before && { before: query.local_datetime_before }),
      ...(query.album_id && { albumId: query.album_id }),
      ...(personIds && { personIds }),
      albumFilter: query.album_filter,
      state: query.state,
    });
    return json(200, {
      data: page.counts.map((c) => ({ count: c.count, time_bucket: `${c.month}-01T00:00:00Z` })),
      has_more: page.hasMore,
    });
  },
});
