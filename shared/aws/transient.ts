// The one place that decides whether an AWS SDK (or socket) error is worth retrying later:
// the SDK has already retried it with backoff, so what reaches us is an outage, not a blip.

/** Error names AWS uses for throttling and for its own transient faults, across S3 and DynamoDB. */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Node's codes for a connection that broke, never opened or went silent. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * True for errors a later attempt can fix: the SDK's `$retryable` trait, throttling, a 5xx or 429
 * from the service, a reset or timed-out connection. Libraries that wrap SDK errors (Powertools'
 * idempotency layer) keep the original as `cause`, so the chain is followed.
 */
export const isTransient = (error: unknown, depth = 0): boolean => {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { name, code, cause, $retryable, $metadata } = error as ErrorShape;
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : 0;
  return (
    $retryable !== undefined ||
    (typeof name === 'string' && TRANSIENT_NAMES.has(name)) ||
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    status >= 500 ||
    status === 429 ||
    isTransient(cause, depth + 1)
  );
};
