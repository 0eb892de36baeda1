import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '#shared/config.ts';

/** The embedded servers accept any key pair but verify SigV4 with this one. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Attempts per call, the first included. The standard retry mode backs off exponentially with full
 * jitter (100 ms base, 500 ms for throttling), so five attempts ride out about 1–8 s of
 * throttling or 5xx before the error reaches the caller (which answers 502 or fails its message).
 */
export const MAX_ATTEMPTS = 5;

export interface ClientTimeouts {
  /** A TCP connection that is not up by then is abandoned (and retried). */
  connectionMs: number;
  /**
   * Silence on an open socket — no response, or a body that stalls mid-stream (RELIABILITY C9) —
   * fails the call with a TimeoutError. Bodies streamed to the caller fail their stream.
   */
  dynamoSocketMs: number;
  /** Longer for S3: the local server assembles a multipart upload before it answers. */
  s3SocketMs: number;
}

// Generous, because they only have to tell a dead peer from a slow one: on the local stack the
// servers share an event loop with code that blocks it for seconds (the wasm HEIC decoder of an
// inline upload), and a timer that fires when the loop comes back beats the answer already waiting.
export const DEFAULT_TIMEOUTS: ClientTimeouts = { connectionMs: 10_000, dynamoSocketMs: 30_000, s3SocketMs: 60_000 };

export interface AwsClients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
  /** The plain client under `dynamo`, for libraries that marshal themselves (Powertools). */
  dynamoClient: DynamoDBClient;
}

// The functions' AWS clients: their retries, timeouts and local-endpoint quirks are set here alone.
// Operator CLIs (infra/cli/operator-target.ts) and the local stack's setup build plain ones of their own.
export const createClients = (config: Config, timeouts: ClientTimeouts = DEFAULT_TIMEOUTS): AwsClients => {
  const region = config.AWS_REGION;
  const retries = { maxAttempts: MAX_ATTEMPTS, retryMode: 'standard' } as const;
  const s3 = new S3Client({
    region,
    ...retries,
    requestHandler: { connectionTimeout: timeouts.connectionMs, socketTimeout: timeouts.s3SocketMs },
    // Without this the SDK adds streaming checksums that s3rver stores as part of the body,
    // and presigned POSTs carry checksum fields the policy does not cover.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.DARKROOM_S3_ENDPOINT && {
      endpoint: config.DARKROOM_S3_ENDPOINT,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    }),
  });
  const dynamoClient = new DynamoDBClient({
    region,
    ...retries,
    requestHandler: { connectionTimeout: timeouts.connectionMs, socketTimeout: timeouts.dynamoSocketMs },
    ...(config.DARKROOM_DYNAMODB_ENDPOINT && {
      endpoint: config.DARKROOM_DYNAMODB_ENDPOINT,
      credentials: LOCAL_CREDENTIALS,
    }),
  });
  const dynamo = DynamoDBDocumentClient.from(dynamoClient, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { s3, dynamo, dynamoClient };
};

/** Apart from createClients, so the API and processor bundles do not carry the SQS client. */
export const createSqsClient = (config: Config): SQSClient =>
  new SQSClient({
    region: config.AWS_REGION,
    ...(config.DARKROOM_SQS_ENDPOINT && { endpoint: config.DARKROOM_SQS_ENDPOINT, credentials: LOCAL_CREDENTIALS }),
  });
