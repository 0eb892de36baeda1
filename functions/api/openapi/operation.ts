import type { z } from 'zod';

// One route's documentation, made of the schemas its handler parses with and its answers are held
// to: the OpenAPI document is built from these, never written by hand.

export type Tag = 'server' | 'users' | 'libraries' | 'assets' | 'uploads' | 'albums' | 'faces' | 'people' | 'events';

/** The error statuses a route may answer, each with the one `{"detail": …}` shape. */
export const ERRORS = {
  400: 'The body is not JSON (or the path has a malformed escape).',
  401: 'No API key, or one that is unknown or revoked.',
  404: 'No such resource, or one that belongs to another user.',
  409: 'A conflict: the resource is mid-change or not in the state asked for. `x-should-retry: false` when retrying cannot help.',
  413: 'The request (or the file it announces) is too large.',
  415: 'The file is not a photo or video Darkroom accepts (judged by its bytes).',
  422: 'A field or parameter is invalid; `detail` names it.',
  500: 'An unexpected failure; the body reveals nothing.',
  502: 'Storage was unavailable through the retries; retry after `Retry-After` seconds.',
  507: 'The storage limit would be exceeded (`x-should-retry: false`).',
} as const;
export type ErrorStatus = keyof typeof ERRORS;

export interface Answer {
  description: string;
  schema: z.ZodType;
  /** An example answer; the document's test holds it to the schema. */
  example?: unknown;
}

export interface Operation {
  tag: Tag;
  summary: string;
  description?: string;
  path?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  /** A JSON body. */
  body?: z.ZodType;
  /** A multipart/form-data body. */
  form?: z.ZodType;
  bodyExample?: unknown;
  responses: { 200?: Answer; 201?: Answer };
  /** Statuses beyond those every route of its kind can answer (see `errorsOf`). */
  errors?: ErrorStatus[];
  /** The answer is text/plain, not JSON. */
  text?: boolean;
}

/**
 * What a route can answer besides its own: a keyed route 401, and 404 when its input names
 * something (a path id, or a library, album or person in the query or body); input 422; a JSON
 * body 400; any route 500, a keyed one 502.
 */
export const errorsOf = (operation: Operation, auth: boolean): ErrorStatus[] => {
  const input = operation.path ?? operation.query ?? operation.body ?? operation.form;
  const statuses = new Set<ErrorStatus>([
    ...(operation.body ? [400 as const] : []),
    ...(auth ? [401 as const] : []),
    ...(auth && input ? [404 as const] : []),
    ...(input ? [422 as const] : []),
    ...(operation.errors ?? []),
    500,
    ...(auth ? [502 as const] : []),
  ]);
  return [...statuses].sort((a, b) => a - b);
};
