import type { ApiEvent, RouteHandler } from '#functions/api/router.ts';
import type { FaceQueries } from '#shared/domain/face-queries.ts';
import type { Face } from '#shared/domain/faces.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import { faceResponse } from '#shared/http/face-response.ts';
import { parseQuery, queryOf } from '#shared/http/query.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import {
  createFaceRequest,
  faceIdParam,
  faceLibraryQuery,
  faceQuery,
  listFacesQuery,
  updateFaceRequest,
} from './face-inputs.ts';

export interface FaceRouteDeps {
  faceQueries: FaceQueries;
  storage: ObjectStorage;
}

export type FaceRoute = 'createFace' | 'listFaces' | 'getFace' | 'updateFace' | 'deleteFace';

const idOf = (event: ApiEvent) => parseInput(faceIdParam, event.pathParameters ?? {}).id;

export const faceRoutes = (deps: FaceRouteDeps): Record<FaceRoute, RouteHandler> => {
  const { faceQueries, storage } = deps;
  const respond = async (faces: Face[], include: string[] = []) => {
    const assignments = include.includes('cluster_assignment')
      ? await faceQueries.clusterAssignments(faces)
      : undefined;
    return Promise.all(faces.map((f) => faceResponse(f, storage, assignments?.get(f.id))));
  };
  return {
    createFace: async (event, userId) => {
      const body = jsonBody(event, createFaceRequest);
      const face = await faceQueries.create(userId, {
        assetId: body.asset_id,
        box: body.bounding_box,
        ...(body.library_id && { libraryId: body.library_id }),
        ...(body.person_id && { personId: body.person_id }),
      });
      return json(201, (await respond([face]))[0]);
    },
    listFaces: async (event, userId) => {
      const query = parseQuery(listFacesQuery, queryOf(event));
      const page = await faceQueries.list(userId, {
        limit: query.limit,
        ...(query.library_id && { libraryId: query.library_id }),
        ...(query.asset_id && { assetId: query.asset_id }),
        ...(query.person_id && { personId: query.person_id }),
        ...(query.ids && { ids: query.ids }),
        ...(query.starting_after_id && { startingAfterId: query.starting_after_id }),
      });
      return json(200, { data: await respond(page.faces, query.include), has_more: page.hasMore });
    },
    getFace: async (event, userId) => {
      const id = idOf(event);
      const query = parseQuery(faceQuery, queryOf(event));
      const face = await faceQueries.get(userId, id, query.library_id);
      return json(200, (await respond([face], query.include))[0]);
    },
    updateFace: async (event, userId) => {
      const id = idOf(event);
      const query = parseQuery(faceLibraryQuery, queryOf(event));
      const body = jsonBody(event, updateFaceRequest);
      const face = await faceQueries.assign(userId, id, body.person_id ?? undefined, query.library_id);
      return json(200, (await respond([face]))[0]);
    },
    deleteFace: async (event, userId) => {
      const id = idOf(event);
      const query = parseQuery(faceLibraryQuery, queryOf(event));
      await faceQueries.remove(userId, id, query.library_id);
      return json(200, {});
    },
  };
};
