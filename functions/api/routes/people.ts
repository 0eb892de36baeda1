import type { ApiEvent, RouteHandler } from '#functions/api/router.ts';
import type { FaceRepository } from '#shared/domain/face-ports.ts';
import type { Person } from '#shared/domain/faces.ts';
import type { PeopleQueries, PersonFields } from '#shared/domain/people-queries.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import { personResponse } from '#shared/http/face-response.ts';
import { parseQuery, queryOf } from '#shared/http/query.ts';
import { jsonBody, parseInput } from '#shared/http/request.ts';
import { json } from '#shared/http/response.ts';
import {
  createPersonRequest,
  listPeopleQuery,
  mergePeopleRequest,
  personIdParam,
  personQuery,
  updatePersonRequest,
} from './face-inputs.ts';

export interface PeopleRouteDeps {
  peopleQueries: PeopleQueries;
  faces: FaceRepository;
  storage: ObjectStorage;
}

export type PeopleRoute = 'listPeople' | 'createPerson' | 'getPerson' | 'updatePerson' | 'deletePerson' | 'mergePeople';

const idOf = (event: ApiEvent) => parseInput(personIdParam, event.pathParameters ?? {}).id;

type FieldsBody = {
  name?: string | null | undefined;
  birth_date?: string | null | undefined;
  is_hidden?: boolean | null | undefined;
  is_favorite?: boolean | null | undefined;
  thumbnail_face_id?: string | null | undefined;
};

/** The body's fields; an absent field (or a null flag) changes nothing, a null text clears it. */
const fieldsOf = (body: FieldsBody): PersonFields => ({
  ...(body.name !== undefined && { name: body.name }),
  ...(body.birth_date !== undefined && { birthDate: body.birth_date }),
  ...(body.is_hidden != null && { isHidden: body.is_hidden }),
  ...(body.is_favorite != null && { isFavorite: body.is_favorite }),
  ...(body.thumbnail_face_id !== undefined && { thumbnailFaceId: body.thumbnail_face_id }),
});

export const peopleRoutes = (deps: PeopleRouteDeps): Record<PeopleRoute, RouteHandler> => {
  const { peopleQueries } = deps;
  const respond = (status: number, person: Person, include: string[] = []) =>
    personResponse(person, deps, include.includes('cluster_metrics')).then((body) => json(status, body));
  return {
    listPeople: async (event, userId) => {
      const query = parseQuery(listPeopleQuery, queryOf(event));
      const page = await peopleQueries.list(userId, {
        sort: query.sort,
        limit: query.limit,
        ...(query.library_id && { libraryId: query.library_id }),
        ...(query.name && { name: query.name }),
        ...(query.name_filter && { nameFilter: query.name_filter }),
        ...(query.ids && { ids: query.ids }),
        ...(query.asset_id && { assetId: query.asset_id }),
        ...(query.album_id && { albumId: query.album_id }),
        ...(query.starting_after_id && { startingAfterId: query.starting_after_id }),
      });
      const metrics = query.include?.includes('cluster_metrics') ?? false;
      const data = await Promise.all(page.people.map((p) => personResponse(p, deps, metrics)));
      return json(200, { data, has_more: page.hasMore });
    },
    createPerson: async (event, userId) => {
      const body = jsonBody(event, createPersonRequest);
      const person = await peopleQueries.create(userId, {
        ...fieldsOf(body),
        ...(body.library_id && { libraryId: body.library_id }),
      });
      return respond(201, person);
    },
    getPerson: async (event, userId) => {
      const id = idOf(event);
      const query = parseQuery(personQuery, queryOf(event));
      return respond(200, await peopleQueries.get(userId, id), query.include);
    },
    updatePerson: async (event, userId) => {
      const id = idOf(event);
      const body = jsonBody(event, updatePersonRequest);
      return respond(200, await peopleQueries.update(userId, id, fieldsOf(body)));
    },
    deletePerson: async (event, userId) => {
      await peopleQueries.remove(userId, idOf(event));
      return json(200, {});
    },
    mergePeople: async (event, userId) => {
      const id = idOf(event);
      const body = jsonBody(event, mergePeopleRequest);
      return respond(200, await peopleQueries.merge(userId, id, body.source_person_ids));
    },
  };
};
