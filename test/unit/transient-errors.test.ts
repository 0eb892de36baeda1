import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { NoSuchKey } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { isTransient } from '#shared/aws/transient.ts';
import { Invalid, NotFound, Unavailable } from '#shared/domain/errors.ts';
import { errorResponse } from '#shared/http/errors.ts';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const sdkError = (name: string, httpStatusCode: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...meta(httpStatusCode), ...extra });

describe('which store errors a later attempt can fix', () => {
  it.each([
    ['DynamoDB throttling', sdkError('ThrottlingException', 400)],
    ['DynamoDB over its throughput', new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} })],
    ['S3 SlowDown', sdkError('SlowDown', 503)],
    ['S3 InternalError', sdkError('InternalError', 500)],
    ['a bare 503', sdkError('Unknown', 503)],
    ['a 429', sdkError('TooManyRequests', 429)],
    ['an error with the retryable trait', sdkError('Whatever', 400, { $retryable: { throttling: true } })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a stalled socket', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a body cut short', Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })],
    [
      'a throttle wrapped by the idempotency layer',
      Object.assign(new Error('failed'), {
        name: 'IdempotencyPersistenceLayerError',
        cause: sdkError('SlowDown', 503),
      }),
    ],
  ])('%s is transient', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a lost condition', new ConditionalCheckFailedException({ message: 'x', $metadata: { httpStatusCode: 400 } })],
    ['a missing key', new NoSuchKey({ message: 'x', $metadata: { httpStatusCode: 404 } })],
    ['access denied', sdkError('AccessDenied', 403)],
    ['a validation error', sdkError('ValidationException', 400)],
    ['a bug', new TypeError('undefined is not a function')],
    ['a domain refusal', new Invalid('no')],
    ['not an error at all', 'SlowDown'],
  ])('%s is not', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe('the HTTP answer to a store that stayed unavailable', () => {
  it('a throttled or failing store answers 502 with Retry-After and no AWS detail', () => {
    for (const error of [sdkError('ThrottlingException', 400), sdkError('InternalError', 500), new Unavailable('x')]) {
      const { response, unexpected } = errorResponse(error);
      expect(response.statusCode).toBe(502);
      expect(response.headers?.['retry-after']).toBe('1');
      expect(JSON.parse(String(response.body)).detail).toMatch(/temporarily unavailable/);
      expect(String(response.body)).not.toMatch(/Throttling|InternalError/);
      expect(unexpected).toBe(false);
    }
  });

  it('domain refusals keep their statuses and anything else is a 500 that says nothing', () => {
    expect(errorResponse(new NotFound('asset not found')).response.statusCode).toBe(404);
    const bug = errorResponse(new TypeError('x is undefined'));
    expect(bug.response.statusCode).toBe(500);
    expect(bug.response.headers?.['retry-after']).toBeUndefined();
    expect(JSON.parse(String(bug.response.body))).toEqual({ detail: 'internal error' });
    expect(bug.unexpected).toBe(true);
  });
});
