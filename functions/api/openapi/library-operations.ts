import { z } from 'zod';
import {
  albumAssetsRequest,
  albumIdParam,
  createAlbumRequest,
  linkIdParam,
  linkQuery,
  listAlbumsQuery,
  listLinksQuery,
  updateAlbumRequest,
} from '#functions/api/routes/album-inputs.ts';
import {
  addAssetsResponse,
  albumAssetListResponse,
  albumAssetResponse,
  albumListResponse,
  albumResponse,
} from '#functions/api/routes/album-outputs.ts';
import type { AlbumRoute } from '#functions/api/routes/albums.ts';
import {
  createFaceRequest,
  createPersonRequest,
  faceIdParam,
  faceLibraryQuery,
  faceQuery,
  listFacesQuery,
  listPeopleQuery,
  mergePeopleRequest,
  personIdParam,
  personQuery,
  updateFaceRequest,
  updatePersonRequest,
} from '#functions/api/routes/face-inputs.ts';
import {
  faceListResponse,
  faceResponse,
  personListResponse,
  personResponse,
} from '#functions/api/routes/face-outputs.ts';
import type { FaceRoute } from '#functions/api/routes/faces.ts';
import type { PeopleRoute } from '#functions/api/routes/people.ts';
import { EXAMPLES } from './examples.ts';
import type { Operation } from './operation.ts';

// What organises a library: albums, faces and people.

const ack = (description: string) => ({ description, schema: z.strictObject({}) });
const album = (description: string) => ({ description, schema: albumResponse });
const face = (description: string) => ({ description, schema: faceResponse });
const person = (description: string) => ({ description, schema: personResponse });

type LibraryRoute = AlbumRoute | FaceRoute | PeopleRoute;

export const LIBRARY_OPERATIONS: Record<LibraryRoute, Operation> = {
  listAlbums: {
    tag: 'albums',
    summary: 'List albums',
    query: listAlbumsQuery,
    responses: { 200: { description: 'A page of albums.', schema: albumListResponse } },
  },
  createAlbum: {
    tag: 'albums',
    summary: 'Create an album',
    body: createAlbumRequest,
    bodyExample: EXAMPLES.createAlbum,
    responses: { 201: album('The new album.') },
  },
  getAlbum: { tag: 'albums', summary: 'One album', path: albumIdParam, responses: { 200: album('The album.') } },
  updateAlbum: {
    tag: 'albums',
    summary: 'Rename, describe or set the cover of an album',
    path: albumIdParam,
    body: updateAlbumRequest,
    responses: { 200: album('The album.') },
  },
  deleteAlbum: {
    tag: 'albums',
    summary: 'Delete an album (its assets stay)',
    path: albumIdParam,
    responses: { 200: ack('Deleted.') },
  },
  addAlbumAssets: {
    tag: 'albums',
    summary: 'Add assets to an album',
    path: albumIdParam,
    body: albumAssetsRequest,
    bodyExample: EXAMPLES.addAssets,
    responses: { 200: { description: 'What was added, already there, or not found.', schema: addAssetsResponse } },
  },
  removeAlbumAssets: {
    tag: 'albums',
    summary: 'Remove assets from an album',
    path: albumIdParam,
    body: albumAssetsRequest,
    responses: { 200: ack('Removed.') },
  },
  listAlbumAssetLinks: {
    tag: 'albums',
    summary: 'List album memberships',
    query: listLinksQuery,
    responses: { 200: { description: 'A page of memberships.', schema: albumAssetListResponse } },
  },
  getAlbumAssetLink: {
    tag: 'albums',
    summary: 'One album membership',
    path: linkIdParam,
    query: linkQuery,
    responses: { 200: { description: 'The membership.', schema: albumAssetResponse } },
  },
  createFace: {
    tag: 'faces',
    summary: 'Mark a face by hand',
    body: createFaceRequest,
    responses: { 201: face('The new face.') },
  },
  listFaces: {
    tag: 'faces',
    summary: 'List faces',
    query: listFacesQuery,
    responses: { 200: { description: 'A page of faces.', schema: faceListResponse } },
  },
  getFace: {
    tag: 'faces',
    summary: 'One face',
    path: faceIdParam,
    query: faceQuery,
    responses: { 200: face('The face.') },
  },
  updateFace: {
    tag: 'faces',
    summary: 'Assign a face to a person, or unassign it',
    path: faceIdParam,
    query: faceLibraryQuery,
    body: updateFaceRequest,
    responses: { 200: face('The face.') },
  },
  deleteFace: {
    tag: 'faces',
    summary: 'Delete a face',
    path: faceIdParam,
    query: faceLibraryQuery,
    responses: { 200: ack('Deleted.') },
  },
  listPeople: {
    tag: 'people',
    summary: 'List people',
    query: listPeopleQuery,
    responses: { 200: { description: 'A page of people.', schema: personListResponse } },
  },
  createPerson: {
    tag: 'people',
    summary: 'Create a person',
    body: createPersonRequest,
    responses: { 201: person('The new person.') },
  },
  getPerson: {
    tag: 'people',
    summary: 'One person',
    path: personIdParam,
    query: personQuery,
    responses: { 200: person('The person.') },
  },
  updatePerson: {
    tag: 'people',
    summary: 'Name, hide, favourite or set the thumbnail of a person',
    path: personIdParam,
    body: updatePersonRequest,
    responses: { 200: person('The person.') },
  },
  deletePerson: {
    tag: 'people',
    summary: 'Delete a person (their faces become unassigned)',
    path: personIdParam,
    responses: { 200: ack('Deleted.') },
  },
  mergePeople: {
    tag: 'people',
    summary: 'Merge people into this one',
    path: personIdParam,
    body: mergePeopleRequest,
    responses: { 200: person('The person, with the others’ faces.') },
  },
};
