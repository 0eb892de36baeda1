// The few ways a use case can refuse. HTTP statuses are assigned in one place (shared/http/errors.ts).

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
}
export class NotFound extends DomainError {
  override readonly name = 'NotFound';
}
export class Invalid extends DomainError {
  override readonly name = 'Invalid';
}
export class MalformedRequest extends DomainError {
  override readonly name = 'MalformedRequest';
}
export class Unauthenticated extends DomainError {
  override readonly name = 'Unauthenticated';
}
export class Conflict extends DomainError {
  override readonly name = 'Conflict';
}
export class Unsupported extends DomainError {
  override readonly name = 'Unsupported';
}
export class TooLarge extends DomainError {
  override readonly name = 'TooLarge';
}
/** Upstream deletes only a trashed library, and nothing is trashed yet (the library management issue). */
export class NotTrashed extends DomainError {
  override readonly name = 'NotTrashed';
}
/** The owner's storage quota cannot hold the upload. */
export class QuotaExceeded extends DomainError {
  override readonly name = 'QuotaExceeded';
}
/** A store (S3, DynamoDB) failed in a way a later attempt can fix; nothing half-done was kept. */
export class Unavailable extends DomainError {
  override readonly name = 'Unavailable';
}
/**
 * Raised by media adapters for input that can never be processed: terminal, never retried. Not a
 * DomainError, so it has no HTTP status: the processor records it as the asset's `failed` reason.
 */
export class MediaRejected extends Error {
  override readonly name = 'MediaRejected';
}
