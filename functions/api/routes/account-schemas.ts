import { z } from 'zod';
import { LIBRARY_DESCRIPTION_MAX, LIBRARY_NAME_MAX } from '#shared/domain/accounts.ts';
import { idPattern } from '#shared/domain/ids.ts';

// Requests and responses of the library, user and ping routes, as the Gumnut SDK models them
// (gumnut/types/library_*.py, user_response.py, ping_get_response.py). The responses are what the
// routes build and what the tests hold the answers to.

const libraryName = z.string().trim().min(1).max(LIBRARY_NAME_MAX);
const description = z.string().max(LIBRARY_DESCRIPTION_MAX);
const instant = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);

export const libraryIdParam = z.strictObject({
  id: z.string().regex(idPattern('lib'), 'must be a library id (lib_…)'),
});

export const listLibrariesQuery = z.strictObject({
  /** `live`: every library not in the trash; `trashed`: the trash drawer, most recently trashed first. */
  state: z.enum(['live', 'trashed', 'all']).default('live'),
});

export const createLibraryRequest = z.strictObject({
  name: libraryName,
  description: description.nullable().optional(),
});

/** Only the fields sent change: a null name is "unchanged" (a library always has one), a null description clears it. */
export const updateLibraryRequest = z.strictObject({
  name: libraryName.nullable().optional(),
  description: description.nullable().optional(),
});

export const libraryResponseSchema = z
  .strictObject({
    id: z.string().regex(idPattern('lib')),
    name: z.string(),
    description: z.string().nullable(),
    user_id: z.string().regex(idPattern('user')),
    /** Assets whose original is kept in this library (ready, or failed with their bytes). */
    asset_count: count,
    /** Bytes of those originals. */
    storage_used_bytes: count,
    /** No per-library limit: the quota is the user's. */
    storage_limit_bytes: count.nullable(),
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: 'LibraryResponse' });

export const libraryListResponseSchema = z.array(libraryResponseSchema);

export const userResponseSchema = z
  .strictObject({
    id: z.string().regex(idPattern('user')),
    email: z.string().nullable(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    timezone: z.string().nullable(),
    is_active: z.boolean(),
    is_superuser: z.boolean(),
    is_verified: z.boolean(),
    /** Bytes of originals stored (uploads in flight hold a reservation, not counted here). */
    storage_used_bytes: count,
    storage_limit_bytes: count,
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: 'UserResponse' });

/** `GET /api/server/ping` answers text/plain. */
export const pingResponseSchema = z.literal('pong');

export const healthResponseSchema = z.strictObject({ status: z.literal('ok') });

/** Every error's body, defined once with the asset routes' answers. */
export { errorResponse as errorResponseSchema } from './asset-outputs.ts';

export type LibraryResponse = z.infer<typeof libraryResponseSchema>;
export type UserResponse = z.infer<typeof userResponseSchema>;
