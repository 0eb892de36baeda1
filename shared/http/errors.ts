import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isTransient } from '#shared/aws/transient.ts';
import {
  Conflict,
  DomainError,
  Invalid,
  MalformedRequest,
  NotFound,
  NotTrashed,
  QuotaExceeded,
  TooLarge,
  Unauthenticated,
  Unavailable,
  Unsupported,
} from '#shared/domain/errors.ts';
import { UsageBusy } from '#shared/domain/storage-ledger.ts';
import { json } from './response.ts';

const STATUS = new Map<abstract new (...args: never[]) => DomainError, number>([
  [MalformedRequest, 400],
  [Unauthenticated, 401],
  [NotFound, 404],
  [Conflict, 409],
  [NotTrashed, 409],
  // The SDK retries a 409; the transition's owner finishes in milliseconds, a dead one's within the horizon.
  [UsageBusy, 409],
  [TooLarge, 413],
  [Unsupported, 415],
  [Invalid, 422],
  [Unavailable, 502],
  // Upstream's status for a full storage cap (the Gumnut SDK's assets.create).
  [QuotaExceeded, 507],
]);

/** Seconds a client should wait before retrying a 502: the SDK has already backed off for about that long. */
export const RETRY_AFTER_SECONDS = 1;

const UNAVAILABLE_DETAIL = 'storage is temporarily unavailable; retry after the Retry-After interval';

/**
 * The one mapping from domain errors to HTTP. A store error the SDK gave up retrying is a 502 with
 * `Retry-After` (what the Gumnut SDK documents for a transient storage error, and retries); anything
 * else is a 500 that reveals nothing.
 */
export const errorResponse = (error: unknown): { response: APIGatewayProxyStructuredResultV2; unexpected: boolean } => {
  const known =
    error instanceof DomainError ? error : isTransient(error) ? new Unavailable(UNAVAILABLE_DETAIL) : undefined;
  const status = known ? STATUS.get(known.constructor as typeof DomainError) : undefined;
  if (known && status === 502) {
    const response = json(status, { detail: UNAVAILABLE_DETAIL });
    response.headers = { ...response.headers, 'retry-after': String(RETRY_AFTER_SECONDS) };
    return { response, unexpected: false };
  }
  if (status && (known instanceof QuotaExceeded || known instanceof NotTrashed)) {
    // Stainless SDKs retry every 409 and 5xx unless told not to; a full quota stays full, and a
    // library stays untrashed.
    const response = json(status, { detail: known.message });
    response.headers = { ...response.headers, 'x-should-retry': 'false' };
    return { response, unexpected: false };
  }
  if (known && status) return { response: json(status, { detail: known.message }), unexpected: false };
  return { response: json(500, { detail: 'internal error' }), unexpected: true };
};
