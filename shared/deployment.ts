// Deployment constants shared by the CDK stack and the local stack: resource names, queue settings,
// the event pattern and CORS. Nothing here may import an SDK: infra/ and the runtime both depend on it.
import { ORIGINALS_PREFIX } from './object-keys.ts';

/** Resource names of the local stack; the CDK stack lets CloudFormation name them. */
export const LOCAL_NAMES = {
  table: 'darkroom',
  originalsBucket: 'darkroom-originals',
  derivedBucket: 'darkroom-derived',
  queue: 'darkroom-processing',
  deadLetterQueue: 'darkroom-processing-dlq',
  faceQueue: 'darkroom-faces',
  faceDeadLetterQueue: 'darkroom-faces-dlq',
} as const;

/** Each user's storage quota unless an operator set their own (`npm run keys -- quota`): 100 GiB. */
export const DEFAULT_STORAGE_LIMIT_BYTES = 100 * 1024 ** 3;

/** SQS redrive settings: the CDK queue and the local queue use the same numbers. */
export const PROCESSING_QUEUE = {
  maxReceiveCount: 5,
  batchSize: 10,
  /** AWS's rule for a queue feeding Lambda: hide a message at least six timeouts, so a slow invocation never runs twice at once. */
  visibilityPerTimeout: 6,
} as const;

/**
 * The face stage's queue. A busy library lease sends a message back (face-stage.ts), so more
 * receives are allowed than for processing before it is dead; batches are small, since a photo of
 * many faces takes seconds.
 */
export const FACE_QUEUE = {
  maxReceiveCount: 10,
  batchSize: 4,
  visibilityPerTimeout: 6,
} as const;

/**
 * The feed writer's stream event source (the CDK mapping and the local consumer alike): a record
 * that still fails after this many retries goes to the on-failure destination instead of holding
 * its shard (and so every later change of its items) for the stream's 24 hours.
 */
export const FEED_STREAM = {
  batchSize: 100,
  retryAttempts: 20,
} as const;

/**
 * The EventBridge rule that feeds the processor: objects created under originals/ only,
 * so derived files can never trigger processing.
 */
export const objectCreatedPattern = (originalsBucket: string) => ({
  source: ['aws.s3'],
  'detail-type': ['Object Created'],
  detail: {
    bucket: { name: [originalsBucket] },
    object: { key: [{ prefix: ORIGINALS_PREFIX }] },
  },
});

/**
 * CORS of the originals bucket, so browsers on the allowed origins can POST the presigned form,
 * PUT parts and read each part's ETag. The origins are the deployment's (local: any).
 */
export const UPLOAD_CORS = {
  methods: ['GET', 'PUT', 'POST', 'HEAD'],
  headers: ['*'],
  exposedHeaders: ['ETag'],
  maxAgeSeconds: 3600,
} as const;
