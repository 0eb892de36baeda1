import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  Conflict,
  DomainError,
  Invalid,
  MalformedRequest,
  NotFound,
  TooLarge,
  Unauthenticated,
  Unsupported,
} from '../domain/errors.ts';
import { json } from './response.ts';

const STATUS = new Map<abstract new (...args: never[]) => DomainError, number>([
  [MalformedRequest, 400],
  [Unauthenticated, 401],
  [NotFound, 404],
  [Conflict, 409],
  [TooLarge, 413],
  [Unsupported, 415],
  [Invalid, 422],
]);

/** The one mapping from domain errors to HTTP; anything else is a 500 that reveals nothing. */
export const errorResponse = (error: unknown): { response: APIGatewayProxyStructuredResultV2; unexpected: boolean } => {
  const status = error instanceof DomainError ? STATUS.get(error.constructor as typeof DomainError) : undefined;
  if (status && error instanceof Error) {
    return { response: json(status, { detail: error.message }), unexpected: false };
  }
  return { response: json(500, { detail: 'internal error' }), unexpected: true };
};
