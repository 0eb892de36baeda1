// Names, prefixes and key builders shared by the CDK stack, the local stack and the adapters.
// Nothing here may import an SDK: infra/ and the runtime both depend on it.

export const ORIGINALS_PREFIX = 'originals/';
export const DERIVED_PREFIX = 'derived/';

export const originalKey = (owner: string, assetId: string): string => `${ORIGINALS_PREFIX}${owner}/${assetId}`;

const ORIGINAL_KEY = /^originals\/(user_[A-Za-z0-9]+)\/(asset_[A-Za-z0-9]+)$/;

/** Owner and asset of an original's key; undefined for any key we did not make. */
export const parseOriginalKey = (key: string): { owner: string; assetId: string } | undefined => {
  const match = ORIGINAL_KEY.exec(key);
  return match?.[1] && match[2] ? { owner: match[1], assetId: match[2] } : undefined;
};

export const derivedKey = (owner: string, assetId: string, file: string): string =>
  `${DERIVED_PREFIX}${owner}/${assetId}/${file}`;

/** Resource names of the local stack; the CDK stack lets CloudFormation name them. */
export const LOCAL_NAMES = {
  table: 'darkroom',
  originalsBucket: 'darkroom-originals',
  derivedBucket: 'darkroom-derived',
  queue: 'darkroom-processing',
  deadLetterQueue: 'darkroom-processing-dlq',
} as const;

/** SQS redrive settings: the CDK queue and the local queue use the same numbers. */
export const PROCESSING_QUEUE = {
  maxReceiveCount: 5,
  batchSize: 10,
  /** AWS's rule for a queue feeding Lambda: hide a message at least six timeouts, so a slow invocation never runs twice at once. */
  visibilityPerTimeout: 6,
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
