import { z } from 'zod';

/** The SDK's EventsResponse: a page of the change feed, oldest first. */
export const eventListResponse = z
  .strictObject({
    data: z.array(
      z.strictObject({
        cursor: z.string().regex(/^\d+$/),
        created_at: z.iso.datetime({ offset: true }),
        entity_type: z.string().min(1),
        entity_id: z.string().min(1),
        event_type: z.string().min(1),
        payload: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
    has_more: z.boolean(),
  })
  .meta({ id: 'EventList' });
