import type { RouteHandler } from '#functions/api/router.ts';
import type { Accounts, Library } from '#shared/domain/accounts.ts';
import type { LibraryTrash } from '#shared/domain/library-trash.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import {
  createLibraryRequest,
  type LibraryResponse,
  libraryIdParam,
  listLibrariesQuery,
  updateLibraryRequest,
} from './account-schemas.ts';

export const libraryResponse = (library: Library): LibraryResponse => ({
  id: library.id,
  name: library.name,
  description: library.description ?? null,
  user_id: library.owner,
  asset_count: library.assetCount,
  storage_used_bytes: library.storageUsedBytes,
  storage_limit_bytes: null,
  created_at: library.createdAt,
  updated_at: library.updatedAt,
});

export type LibraryRoute =
  | 'listLibraries'
  | 'createLibrary'
  | 'getLibrary'
  | 'updateLibrary'
  | 'deleteLibrary'
  | 'trashLibrary'
  | 'restoreLibrary';

export const libraryRoutes = ({
  accounts,
  libraryTrash,
}: {
  accounts: Accounts;
  libraryTrash: LibraryTrash;
}): Record<LibraryRoute, RouteHandler> => {
  const idOf = (event: Parameters<RouteHandler>[0]) => parseInput(libraryIdParam, event.pathParameters ?? {}).id;
  return {
    listLibraries: async (event, userId) => {
      const { state } = parseInput(listLibrariesQuery, event.queryStringParameters ?? {});
      return json(200, (await accounts.listLibraries(userId, state)).map(libraryResponse));
    },
    createLibrary: async (event, userId) => {
      const { name, description } = jsonBody(event, createLibraryRequest);
      return json(201, libraryResponse(await accounts.createLibrary(userId, name, description ?? undefined)));
    },
    getLibrary: async (event, userId) => json(200, libraryResponse(await accounts.getLibrary(userId, idOf(event)))),
    updateLibrary: async (event, userId) => {
      const id = idOf(event);
      const { name, description } = jsonBody(event, updateLibraryRequest);
      const library = await accounts.updateLibrary(userId, id, {
        ...(name != null && { name }),
        ...(description !== undefined && { description }),
      });
      return json(200, libraryResponse(library));
    },
    // Each answers the SDK's empty acknowledgment, but restore, which answers the library.
    trashLibrary: async (event, userId) => {
      await libraryTrash.trash(userId, idOf(event));
      return json(200, {});
    },
    restoreLibrary: async (event, userId) =>
      json(200, libraryResponse(await libraryTrash.restore(userId, idOf(event)))),
    deleteLibrary: async (event, userId) => {
      await libraryTrash.expedite(userId, idOf(event));
      return json(200, {});
    },
  };
};
