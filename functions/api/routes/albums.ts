import type { ApiEvent, RouteHandler } from '#functions/api/router.ts';
import type { Album } from '#shared/domain/albums.ts';
import { type AlbumResponseDeps, albumAssetResponse, albumResponse } from '#shared/http/album-response.ts';
import { parseQuery, queryOf } from '#shared/http/query.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import {
  albumAssetsRequest,
  albumIdParam,
  createAlbumRequest,
  linkIdParam,
  linkQuery,
  listAlbumsQuery,
  listLinksQuery,
  updateAlbumRequest,
} from './album-inputs.ts';

export type AlbumRoute =
  | 'listAlbums'
  | 'createAlbum'
  | 'getAlbum'
  | 'updateAlbum'
  | 'deleteAlbum'
  | 'addAlbumAssets'
  | 'removeAlbumAssets'
  | 'listAlbumAssetLinks'
  | 'getAlbumAssetLink';

const idOf = (event: ApiEvent) => parseInput(albumIdParam, event.pathParameters ?? {}).id;

export const albumRoutes = (deps: AlbumResponseDeps): Record<AlbumRoute, RouteHandler> => {
  const { albumQueries, albumLinkQueries } = deps;
  const respond = async (status: number, album: Album) => json(status, await albumResponse(album, deps));
  return {
    listAlbums: async (event, userId) => {
      const query = parseQuery(listAlbumsQuery, queryOf(event));
      const page = await albumQueries.list(userId, {
        limit: query.limit,
        ...(query.library_id && { libraryId: query.library_id }),
        ...(query.asset_id && { assetId: query.asset_id }),
        ...(query.ids && { ids: query.ids }),
        ...(query.starting_after_id && { startingAfterId: query.starting_after_id }),
      });
      const data = await Promise.all(page.albums.map((a) => albumResponse(a, deps)));
      return json(200, { data, has_more: page.hasMore });
    },
    createAlbum: async (event, userId) => {
      const body = jsonBody(event, createAlbumRequest);
      const album = await albumQueries.create(userId, {
        ...(body.name != null && { name: body.name }),
        ...(body.description != null && { description: body.description }),
        ...(body.library_id != null && { libraryId: body.library_id }),
      });
      return respond(201, album);
    },
    getAlbum: async (event, userId) => respond(200, await albumQueries.get(userId, idOf(event))),
    updateAlbum: async (event, userId) => {
      const id = idOf(event);
      const body = jsonBody(event, updateAlbumRequest);
      const album = await albumQueries.update(userId, id, {
        ...(body.name != null && { name: body.name }),
        ...(body.description !== undefined && { description: body.description }),
        ...(body.album_cover_asset_id !== undefined && { coverAssetId: body.album_cover_asset_id }),
      });
      return respond(200, album);
    },
    deleteAlbum: async (event, userId) => {
      await albumQueries.remove(userId, idOf(event));
      return json(200, {});
    },
    addAlbumAssets: async (event, userId) => {
      const id = idOf(event);
      const body = jsonBody(event, albumAssetsRequest);
      const result = await albumQueries.addAssets(userId, id, body.asset_ids);
      return json(200, {
        added_assets: result.added,
        duplicate_assets: result.duplicate,
        not_found_assets: result.notFound,
      });
    },
    removeAlbumAssets: async (event, userId) => {
      const id = idOf(event);
      const body = jsonBody(event, albumAssetsRequest);
      await albumQueries.removeAssets(userId, id, body.asset_ids);
      return json(200, {});
    },
    listAlbumAssetLinks: async (event, userId) => {
      const query = parseQuery(listLinksQuery, queryOf(event));
      const page = await albumLinkQueries.listLinks(userId, {
        limit: query.limit,
        ...(query.library_id && { libraryId: query.library_id }),
        ...(query.album_id && { albumId: query.album_id }),
        ...(query.asset_id && { assetId: query.asset_id }),
        ...(query.ids && { ids: query.ids }),
        ...(query.starting_after_id && { startingAfterId: query.starting_after_id }),
      });
      return json(200, { data: page.links.map(albumAssetResponse), has_more: page.hasMore });
    },
    getAlbumAssetLink: async (event, userId) => {
      const id = parseInput(linkIdParam, event.pathParameters ?? {}).id;
      const query = parseQuery(linkQuery, queryOf(event));
      return json(200, albumAssetResponse(await albumLinkQueries.getLink(userId, id, query.library_id)));
    },
  };
};
