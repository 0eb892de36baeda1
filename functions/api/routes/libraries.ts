import { z } from 'zod';
import type { RouteHandler } from '#functions/api/router.ts';
import { type Accounts, LIBRARY_NAME_MAX, type Library } from '#shared/domain/accounts.ts';
import { idPattern } from '#shared/domain/ids.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';

const createLibrary = z.strictObject({ name: z.string().trim().min(1).max(LIBRARY_NAME_MAX) });
const libraryIdParam = z.strictObject({ id: z.string().regex(idPattern('lib'), 'must be a library id (lib_…)') });

export const libraryResponse = (library: Library) => ({
  id: library.id,
  name: library.name,
  owner_id: library.owner,
  created_at: library.createdAt,
  updated_at: library.updatedAt,
});

export const libraryRoutes = (
  accounts: Accounts,
): Record<'listLibraries' | 'createLibrary' | 'getLibrary', RouteHandler> => ({
  listLibraries: async (_event, userId) => {
    const libraries = await accounts.listLibraries(userId);
    return json(200, { data: libraries.map(libraryResponse) });
  },
  createLibrary: async (event, userId) => {
    const { name } = jsonBody(event, createLibrary);
    return json(201, libraryResponse(await accounts.createLibrary(userId, name)));
  },
  getLibrary: async (event, userId) => {
    const { id } = parseInput(libraryIdParam, event.pathParameters ?? {});
    return json(200, libraryResponse(await accounts.getLibrary(userId, id)));
  },
});
