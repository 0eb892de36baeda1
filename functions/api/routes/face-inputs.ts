import { z } from 'zod';
import { idPattern } from '#shared/domain/ids.ts';
import { PEOPLE_SORTS } from '#shared/domain/people-queries.ts';
import { listParam } from '#shared/http/query.ts';

// The request shapes of the face, people and task routes. Unknown fields are refused, never ignored.

const faceId = z.string().regex(idPattern('face'), 'must be a face id (face_…)');
const personId = z.string().regex(idPattern('person'), 'must be a person id (person_…)');
const assetId = z.string().regex(idPattern('asset'), 'must be an asset id (asset_…)');
const libraryId = z.string().regex(idPattern('lib'), 'must be a library id (lib_…)');
const limit = z.coerce.number().int().min(1).max(200).default(20);
const pixel = z.number().int().min(0);
const birthDate = z.iso.date('must be an ISO date (YYYY-MM-DD)').nullable().optional();

export const faceIdParam = z.strictObject({ id: faceId });
export const personIdParam = z.strictObject({ id: personId });
export const assetIdParam = z.strictObject({ id: assetId });

export const createFaceRequest = z.strictObject({
  asset_id: assetId,
  bounding_box: z
    .strictObject({ x: pixel, y: pixel, w: pixel, h: pixel })
    .refine((b) => b.w > 0 && b.h > 0, 'w and h must be greater than 0'),
  library_id: libraryId.nullable().optional(),
  person_id: personId.nullable().optional(),
});

export const updateFaceRequest = z.strictObject({ person_id: personId.nullable() });

const faceInclude = listParam(z.enum(['cluster_assignment']), 4).optional();
const libraryQuery = { library_id: libraryId.optional() };

export const faceQuery = z.strictObject({ ...libraryQuery, include: faceInclude });
export const faceLibraryQuery = z.strictObject(libraryQuery);

export const listFacesQuery = z.strictObject({
  ...libraryQuery,
  asset_id: assetId.optional(),
  person_id: personId.optional(),
  ids: listParam(faceId, 200).optional(),
  limit,
  starting_after_id: faceId.optional(),
  include: faceInclude,
});

const peopleInclude = listParam(z.enum(['cluster_metrics']), 4).optional();

export const listPeopleQuery = z.strictObject({
  ...libraryQuery,
  sort: z.enum(PEOPLE_SORTS).default('created_at_desc'),
  name: z.string().min(1).max(255).optional(),
  name_filter: z.enum(['named', 'unnamed', 'all']).optional(),
  ids: listParam(personId, 200).optional(),
  asset_id: assetId.optional(),
  album_id: z.string().regex(idPattern('album'), 'must be an album id (album_…)').optional(),
  limit,
  starting_after_id: personId.optional(),
  include: peopleInclude,
});

export const personQuery = z.strictObject({ include: peopleInclude });

const personFields = {
  name: z.string().trim().max(255).nullable().optional(),
  birth_date: birthDate,
  is_hidden: z.boolean().nullable().optional(),
  is_favorite: z.boolean().nullable().optional(),
  thumbnail_face_id: faceId.nullable().optional(),
};

export const createPersonRequest = z.strictObject({ ...personFields, library_id: libraryId.nullable().optional() });
export const updatePersonRequest = z.strictObject(personFields);

export const mergePeopleRequest = z.strictObject({ source_person_ids: z.array(personId).min(1).max(200) });
