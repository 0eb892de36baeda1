import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_STORAGE_LIMIT_BYTES } from './deployment.ts';

/**
 * Where the place index is when running from the source tree (built on first need, see
 * infra/build/place-index.ts); a Lambda bundle carries its own and names it.
 */
export const DEFAULT_PLACE_INDEX = fileURLToPath(
  new URL('../node_modules/.cache/darkroom/places.bin', import.meta.url),
);
/** The geocoder's module in the source tree; a bundle carries its own copy (function-defaults.ts). */
export const DEFAULT_GEOCODER_MODULE = new URL('./geo/geocoder-module.ts', import.meta.url).href;

// Parsed once per process, at a handler's module scope; a missing variable fails the cold start by name.
const schema = z.object({
  TABLE_NAME: z.string().min(1),
  ORIGINALS_BUCKET: z.string().min(1),
  DERIVED_BUCKET: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Uploads above this size get a resumable multipart plan instead of a single POST. */
  DARKROOM_MULTIPART_THRESHOLD_BYTES: z.coerce
    .number()
    .int()
    .min(5 * 1024 * 1024)
    .default(64 * 1024 * 1024),
  /** Originals above this are read over a signed URL instead of from a temporary file (Lambda's /tmp is finite). */
  DARKROOM_DISK_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 * 1024 * 1024),
  /** Each user's storage quota (bytes of originals, uploads in flight included) unless their own limit is set. */
  DARKROOM_STORAGE_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .default(DEFAULT_STORAGE_LIMIT_BYTES),
  /**
   * Longer than any function runs (the processor's 15 minutes): a storage-counter transition
   * claimed longer ago was left by a dead invocation and is finished by the next one.
   */
  DARKROOM_TRANSITION_HORIZON_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(16 * 60),
  /** Other ffmpeg and ffprobe binaries than the ones shipped in npm packages (a Lambda layer's, say). */
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
  /** The compiled GeoNames places that name where a photo was taken. */
  DARKROOM_PLACE_INDEX: z.string().min(1).default(DEFAULT_PLACE_INDEX),
  DARKROOM_GEOCODER_MODULE: z.string().min(1).default(DEFAULT_GEOCODER_MODULE),
  /** Days a trashed asset waits before the sweep purges it (0: at its next run). */
  DARKROOM_TRASH_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  /** Days a trashed library can be restored whole before the sweep starts purging it (upstream's 90). */
  DARKROOM_LIBRARY_RETENTION_DAYS: z.coerce.number().min(0).default(90),
  /** Where the processor sends each asset it made ready for the face stage; unset, no faces are looked for. */
  FACE_QUEUE_URL: z.url().optional(),
  /** Set by the local stack only: endpoints of the embedded S3, DynamoDB and SQS servers. */
  DARKROOM_S3_ENDPOINT: z.url().optional(),
  DARKROOM_DYNAMODB_ENDPOINT: z.url().optional(),
  DARKROOM_SQS_ENDPOINT: z.url().optional(),
});

export type Config = z.infer<typeof schema>;

/** The sweep's own settings on top of the shared ones: it sends to the processing queue. */
const sweepSchema = schema.extend({
  PROCESSING_QUEUE_URL: z.url(),
  /** Pending uploads younger than this are left to their own S3 event. */
  DARKROOM_SWEEP_GRACE_SECONDS: z.coerce.number().int().min(0).default(120),
  /** Assets of trashed libraries one sweep run purges at most; the next run goes on (library-purge.ts). */
  DARKROOM_LIBRARY_PURGE_BATCH: z.coerce.number().int().min(1).default(1000),
});

export type SweepConfig = z.infer<typeof sweepSchema>;

/** The face stage's: where its weights and tfjs's wasm are (a bundle ships them); unset, the npm packages'. */
const faceSchema = schema.extend({
  DARKROOM_FACE_MODEL_DIR: z.string().min(1).optional(),
  DARKROOM_FACE_WASM_DIR: z.string().min(1).optional(),
});

export type FaceConfig = z.infer<typeof faceSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => parse(schema, env);

export const loadSweepConfig = (env: NodeJS.ProcessEnv = process.env): SweepConfig => parse(sweepSchema, env);

export const loadFaceConfig = (env: NodeJS.ProcessEnv = process.env): FaceConfig => parse(faceSchema, env);

const parse = <T extends z.ZodType>(target: T, env: NodeJS.ProcessEnv): z.infer<T> => {
  const parsed = target.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
};
