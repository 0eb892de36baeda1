import { z } from 'zod';
import {
  createLibraryRequest,
  healthResponseSchema,
  libraryIdParam,
  libraryListResponseSchema,
  libraryResponseSchema,
  listLibrariesQuery,
  pingResponseSchema,
  updateLibraryRequest,
  userResponseSchema,
} from '#functions/api/routes/account-schemas.ts';
import { deleteResponse } from '#functions/api/routes/asset-outputs.ts';
import { eventListResponse } from '#functions/api/routes/event-outputs.ts';
import { eventsQuery } from '#functions/api/routes/events.ts';
import type { LibraryRoute } from '#functions/api/routes/libraries.ts';
import type { RouteName } from '#shared/http/routes.ts';
import { EXAMPLES } from './examples.ts';
import type { Operation } from './operation.ts';

// The server, the user, their libraries and the change feed.

const library = (description: string) => ({
  description,
  schema: libraryResponseSchema,
  example: EXAMPLES.libraryResponse,
});
/** The document itself, as far as a client needs to know. */
const openApiObject = z.looseObject({
  openapi: z.string().startsWith('3.1'),
  info: z.looseObject({}),
  paths: z.looseObject({}),
});
const ack = (description: string) => ({ description, schema: deleteResponse });

type AccountRoute = LibraryRoute | Extract<RouteName, 'health' | 'ping' | 'openApi' | 'me' | 'listEvents'>;

export const ACCOUNT_OPERATIONS: Record<AccountRoute, Operation> = {
  health: {
    tag: 'server',
    summary: 'Whether the API answers',
    responses: { 200: { description: 'It does.', schema: healthResponseSchema } },
  },
  ping: {
    tag: 'server',
    summary: 'The SDK’s ping',
    text: true,
    responses: { 200: { description: '`pong`, as text/plain.', schema: pingResponseSchema } },
  },
  openApi: {
    tag: 'server',
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI 3.1 document of the API.', schema: openApiObject } },
  },
  me: {
    tag: 'users',
    summary: 'The key’s user, with storage used and the limit',
    responses: { 200: { description: 'The user.', schema: userResponseSchema } },
  },
  listLibraries: {
    tag: 'libraries',
    summary: 'List libraries',
    query: listLibrariesQuery,
    responses: {
      200: {
        description: 'The libraries, oldest first (the trash: most recently trashed first).',
        schema: libraryListResponseSchema,
      },
    },
  },
  createLibrary: {
    tag: 'libraries',
    summary: 'Create a library',
    body: createLibraryRequest,
    responses: { 201: library('The new library.') },
  },
  getLibrary: {
    tag: 'libraries',
    summary: 'One library',
    path: libraryIdParam,
    responses: { 200: library('The library.') },
  },
  updateLibrary: {
    tag: 'libraries',
    summary: 'Rename or describe a library',
    path: libraryIdParam,
    body: updateLibraryRequest,
    responses: { 200: library('The library.') },
  },
  trashLibrary: {
    tag: 'libraries',
    summary: 'Move a library (and everything in it) to the trash',
    description: 'Purged after the retention period unless restored; the default library cannot be trashed.',
    path: libraryIdParam,
    responses: { 200: ack('Trashed.') },
  },
  restoreLibrary: {
    tag: 'libraries',
    summary: 'Restore a library from the trash',
    path: libraryIdParam,
    responses: { 200: library('The library.') },
  },
  deleteLibrary: {
    tag: 'libraries',
    summary: 'Delete a trashed library now',
    description: 'Only a library in the trash; its purge starts at the next sweep.',
    path: libraryIdParam,
    responses: { 200: ack('Deleted.') },
    errors: [409],
  },
  listEvents: {
    tag: 'events',
    summary: 'The change feed',
    description:
      'Every create, update and delete of assets, albums, memberships, faces and people, oldest first; resume with `after_cursor`.',
    query: eventsQuery,
    responses: { 200: { description: 'A page of events.', schema: eventListResponse } },
  },
};
