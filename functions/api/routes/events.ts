import { z } from 'zod';
import type { RouteHandler } from '#functions/api/router.ts';
import type { FeedEntry, FeedQueries } from '#shared/domain/feed.ts';
import { idPattern } from '#shared/domain/ids.ts';
import { listParam, parseQuery, queryOf } from '#shared/http/query.ts';
import { json } from '#shared/http/response.ts';
import { SDK_ENTITY_TYPES } from '#shared/table/feed-kinds.ts';
import { FEED_ORDINAL_DIGITS } from '#shared/table/keys.ts';

/** ISO 8601 as the SDK sends it (Python's isoformat: microseconds, `+00:00`, or no zone, read as UTC). */
const instant = z.string().transform((value, ctx) => {
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 date-time' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

export const eventsQuery = z
  .object({
    after_cursor: z
      .string()
      .regex(new RegExp(`^\\d{${FEED_ORDINAL_DIGITS}}$`), 'not a cursor this feed gave')
      .optional(),
    created_at_gte: instant.optional(),
    created_at_lt: instant.optional(),
    entity_types: listParam(z.enum(SDK_ENTITY_TYPES), SDK_ENTITY_TYPES.length * 4).optional(),
    library_id: z.string().regex(idPattern('lib'), 'must be a library id (lib_…)').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();

export const eventResponse = (entry: FeedEntry) => ({
  cursor: entry.cursor,
  created_at: entry.createdAt,
  entity_type: entry.entityType,
  entity_id: entry.entityId,
  event_type: entry.eventType,
  payload: entry.payload ?? null,
});

export const eventRoutes = (deps: { feedQueries: FeedQueries }): Record<'listEvents', RouteHandler> => ({
  listEvents: async (event, userId) => {
    const query = parseQuery(eventsQuery, queryOf(event));
    const page = await deps.feedQueries.page(userId, {
      limit: query.limit,
      ...(query.after_cursor && { afterCursor: query.after_cursor }),
      ...(query.created_at_gte && { createdAtGte: query.created_at_gte }),
      ...(query.created_at_lt && { createdAtLt: query.created_at_lt }),
      ...(query.entity_types && { entityTypes: query.entity_types }),
      ...(query.library_id && { libraryId: query.library_id }),
    });
    return json(200, { data: page.entries.map(eventResponse), has_more: page.hasMore });
  },
});
