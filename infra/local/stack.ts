import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import { createApiHandler } from '#functions/api/create-handler.ts';
import { createAuthorizer } from '#functions/authorizer/create-handler.ts';
import { createFaceHandler } from '#functions/faces/create-handler.ts';
import { createFeedHandler, type FeedStreamHandler } from '#functions/feed/create-handler.ts';
import { createProcessHandler } from '#functions/process/create-handler.ts';
import { createSweepHandler } from '#functions/sweep/create-handler.ts';
import { ensurePlaceIndex } from '#infra/build/place-index.ts';
import { LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';
import { type Config, loadConfig, loadFaceConfig, loadSweepConfig, type SweepConfig } from '#shared/config.ts';
import {
  FACE_QUEUE,
  FEED_STREAM,
  LOCAL_NAMES,
  objectCreatedPattern,
  PROCESSING_QUEUE,
  UPLOAD_CORS,
} from '#shared/deployment.ts';
import type { FaceDetector } from '#shared/domain/face-ports.ts';
import { API_CORS, ROUTES } from '#shared/http/routes.ts';
import { isFeedItem } from '#shared/table/feed-kinds.ts';
import { siteHeaders } from '#shared/web/site-headers.ts';
import { type SqsHandler, startConsumer } from './consumer.ts';
import { ensureTable, startDynamo } from './dynamo.ts';
import { createEventBridge } from './event-bridge.ts';
import { type AdapterOptions, startHttpAdapter } from './http-adapter.ts';
import { lambdaContext } from './lambda-context.ts';
import { LambdaProcess } from './lambda-process.ts';
import { LocalQueue } from './queue.ts';
import { type QueueConfigInput, queueConfig } from './queue-config.ts';
import { startS3 } from './s3.ts';
import { startS3Gate } from './s3-gate.ts';
import { startSchedule } from './schedule.ts';
import { siteFiles } from './site-files.ts';
import { startSqsEndpoint } from './sqs-endpoint.ts';
import { removeStackFile, writeStackFile } from './stack-file.ts';
import { LocalStream } from './stream.ts';
import { startStreamConsumer } from './stream-consumer.ts';
import { startStreamProxy } from './stream-proxy.ts';

export interface LocalStackOptions {
  /** Persistent data folder; without one the stack is throwaway (temp S3 folder, in-memory DynamoDB). */
  dataDir?: string;
  /** API port; 0 picks a free one. */
  port?: number;
  /** Replaces the real processor (tests of the event path use their own). */
  processor?: SqsHandler;
  /** Run the real processor in its own process, as Lambda would (measurable, crash-contained). */
  isolateProcessor?: boolean;
  /**
   * Takes each structured line the isolated processor logs, as a CloudWatch Logs subscription
   * would; the processor then logs at info level (its one line per processed object with each
   * step's milliseconds) and these lines go here instead of to stdout.
   */
  onProcessorLog?: (entry: Record<string, unknown>) => void;
  queue?: QueueConfigInput;
  /** The API function's timeout (default 30 s, as API Gateway's): the deadline its Lambda context reports. */
  apiTimeoutMs?: number;
  /** Origins allowed to call the API and upload from a browser; default any. */
  corsOrigins?: string[];
  /** How often the pending-upload sweep runs (it also runs at start); default a minute. */
  sweepIntervalMs?: number;
  /**
   * Runs the face stage (default true, as `npm start` does); suites that test other things turn it
   * off so their uploads are not also looked at for faces. `faceDetector` replaces face-api.
   */
  faceStage?: boolean;
  faceDetector?: FaceDetector;
  /**
   * Puts something (a fault-injecting proxy) between the functions and the servers: the functions'
   * clients get the returned endpoints; the stack's own setup and `s3Url`/`dynamoUrl` stay direct.
   */
  wrapEndpoints?: (direct: { s3: string; dynamo: string }) => Promise<{ s3: string; dynamo: string }>;
  /** Wraps the feed writer the table's stream invokes (a test injects its failures). */
  wrapFeedWriter?: (writer: FeedStreamHandler) => FeedStreamHandler;
  /** The feed writer's first retry delay (default 200 ms; doubling, up to ten times it). */
  feedRetryDelayMs?: number;
  /** The built web app's folder (infra/build/web-app.ts), served at `/` beside the API. */
  webApp?: string;
  /** Holds every API answer to a contract (the tests: the OpenAPI document); see the HTTP adapter. */
  checkResponse?: AdapterOptions['checkResponse'];
}

export interface LocalStack {
  apiUrl: string;
  s3Url: string;
  dynamoUrl: string;
  /** The queues over the SQS API, for operator tools. */
  sqsUrl: string;
  /** The functions' environment, as Lambda would set it (on top of this process's own variables). */
  env: Record<string, string>;
  /** That environment parsed, as the functions see it. */
  config: Config;
  sweepConfig: SweepConfig;
  queue: LocalQueue;
  deadLetterQueue: LocalQueue;
  faceQueue: LocalQueue;
  faceDeadLetterQueue: LocalQueue;
  /** The table's stream (of the feed's items) that the feed writer consumes. */
  stream: LocalStream;
  /** The processor's own process, when isolated. */
  processorProcess?: LambdaProcess;
  stop(): Promise<void>;
}

/** The whole system: S3 (in a process of its own) behind a signature-checking gate, DynamoDB, events, queue, API. */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const queueOptions = queueConfig.parse(options.queue ?? {});
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'darkroom-')));
  const dynamo = await startDynamo(options.dataDir && join(dataDir, 'dynamo'));
  const origins = options.corsOrigins ?? ['*'];
  const cors = corsXml(origins);
  const s3 = await startS3(join(dataDir, 's3'), [
    { name: LOCAL_NAMES.originalsBucket, configs: [cors] },
    { name: LOCAL_NAMES.derivedBucket, configs: [cors] },
  ]);
  const bridge = createEventBridge(objectCreatedPattern(LOCAL_NAMES.originalsBucket), (event) =>
    queue.send(JSON.stringify(event)),
  );
  const gate = await startS3Gate({
    port: s3.port,
    directory: join(dataDir, 's3'),
    secretFor: (id) => (id === LOCAL_CREDENTIALS.accessKeyId ? LOCAL_CREDENTIALS.secretAccessKey : undefined),
    onForward: (req) => bridge.noteRequest(req),
    // s3rver answers only once this process took the object's event (s3.ts): it is in the queue.
    beforeAnswer: () => queue.flushed(),
  });

  // Before anything reads the table: an upgrade may move it to a new name (dynamo.ts).
  const tableName = await ensureTable(dynamo.url, LOCAL_NAMES.table);
  // dynalite has no Streams: the functions write through a proxy that records the table's stream.
  const stream = new LocalStream(tableName, options.dataDir && join(dataDir, 'stream.json'));
  const streamProxy = await startStreamProxy({ target: dynamo.url, tableName, stream, captures: isFeedItem });
  const endpoints = (await options.wrapEndpoints?.({ s3: gate.url, dynamo: streamProxy.url })) ?? {
    s3: gate.url,
    dynamo: streamProxy.url,
  };
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    TABLE_NAME: tableName,
    ORIGINALS_BUCKET: LOCAL_NAMES.originalsBucket,
    DERIVED_BUCKET: LOCAL_NAMES.derivedBucket,
    DARKROOM_S3_ENDPOINT: endpoints.s3,
    DARKROOM_DYNAMODB_ENDPOINT: endpoints.dynamo,
    // Past the longest invocation here (the processor's timeout, which the queue config may shrink):
    // a dead invocation's half-done counter change is finished by its message's redelivery.
    DARKROOM_TRANSITION_HORIZON_SECONDS: String(
      Math.ceil(Math.max(queueOptions.timeoutMs, options.apiTimeoutMs ?? 30_000) / 1000) + 5,
    ),
  };
  const persist = (name: string) => (options.dataDir ? { persistPath: join(dataDir, `${name}.json`) } : {});
  const { visibilityTimeoutMs } = queueOptions;
  const deadLetterQueue = new LocalQueue(LOCAL_NAMES.deadLetterQueue, { visibilityTimeoutMs, ...persist('dlq') });
  const queue = new LocalQueue(LOCAL_NAMES.queue, {
    visibilityTimeoutMs,
    maxReceiveCount: queueOptions.maxReceiveCount,
    deadLetter: deadLetterQueue,
    ...persist('queue'),
  });
  const faceDeadLetterQueue = new LocalQueue(LOCAL_NAMES.faceDeadLetterQueue, {
    visibilityTimeoutMs,
    ...persist('faces-dlq'),
  });
  const faceQueue = new LocalQueue(LOCAL_NAMES.faceQueue, {
    visibilityTimeoutMs,
    maxReceiveCount: FACE_QUEUE.maxReceiveCount,
    deadLetter: faceDeadLetterQueue,
    ...persist('faces'),
  });
  s3.onEvent((event) => bridge.publish(event));
  // The functions reach the queues over the SQS API, as on AWS.
  const sqs = await startSqsEndpoint([
    { queue, deadLetterQueue },
    { queue: faceQueue, deadLetterQueue: faceDeadLetterQueue },
  ]);
  const faceStage = options.faceStage ?? true;
  Object.assign(env, {
    PROCESSING_QUEUE_URL: sqs.urlOf(queue),
    DARKROOM_SQS_ENDPOINT: sqs.url,
    ...(faceStage && { FACE_QUEUE_URL: sqs.urlOf(faceQueue) }),
  });

  // The process's own variables (a test's threshold, FFMPEG_PATH) under the stack's; read, never written.
  const functionEnv = () => ({ ...process.env, ...env });
  const config = loadConfig(functionEnv());
  await ensurePlaceIndex(config.DARKROOM_PLACE_INDEX);

  // In-process functions are built from the config; the processor's own processes read `env` at cold start, as on Lambda.
  const isolated =
    options.isolateProcessor && !options.processor
      ? new LambdaProcess(
          join(import.meta.dirname, '../../functions/process/handler.ts'),
          'process',
          { ...functionEnv(), ...(options.onProcessorLog && { POWERTOOLS_LOG_LEVEL: 'INFO' }) },
          options.onProcessorLog && logLines(options.onProcessorLog),
        )
      : undefined;
  const processor: SqsHandler = isolated
    ? async (event, context) => (await isolated.invoke(event, context.getRemainingTimeInMillis())) as SQSBatchResponse
    : (options.processor ?? (createProcessHandler(config) as SqsHandler));
  const api = createApiHandler(config);
  const authorizer = createAuthorizer(config);

  const consumer = startConsumer({
    queue,
    handler: processor,
    functionName: 'process',
    batchSize: PROCESSING_QUEUE.batchSize,
    concurrency: queueOptions.concurrency,
    timeoutMs: queueOptions.timeoutMs,
    handlerKeepsTimeout: isolated !== undefined,
  });
  // Heavy (face-api's models take ~200 MB once loaded), so it runs one batch at a time, as a
  // function of its own would; its models load on the first photo.
  const faces =
    faceStage &&
    startConsumer({
      queue: faceQueue,
      handler: createFaceHandler(
        loadFaceConfig(functionEnv()),
        options.faceDetector && { detector: options.faceDetector },
      ) as SqsHandler,
      functionName: 'faces',
      batchSize: FACE_QUEUE.batchSize,
      concurrency: 1,
      timeoutMs: queueOptions.timeoutMs,
    });
  const feedHandler = createFeedHandler(config);
  const feedWriter: FeedStreamHandler = (event) => feedHandler(event, lambdaContext('feed', FEED_TIMEOUT_MS));
  const feed = startStreamConsumer({
    stream,
    handler: options.wrapFeedWriter?.(feedWriter) ?? feedWriter,
    batchSize: FEED_STREAM.batchSize,
    maxRetries: FEED_STREAM.retryAttempts,
    retryDelayMs: options.feedRetryDelayMs ?? 200,
  });
  const sweepConfig = loadSweepConfig(functionEnv());
  const sweep = createSweepHandler(sweepConfig);
  const sweeper = startSchedule('sweep', sweep, options.sweepIntervalMs ?? 60_000);
  const http = await startHttpAdapter({
    port: options.port ?? 0,
    ...(options.apiTimeoutMs && { timeoutMs: options.apiTimeoutMs }),
    authorizer,
    routes: Object.values(ROUTES).map((route) => ({ route, handler: api })),
    cors: { origins, ...API_CORS },
    ...(options.checkResponse && { checkResponse: options.checkResponse }),
    ...(options.webApp && {
      // The API is wherever the page was loaded from (127.0.0.1 or localhost): the CSP allows only 'self'.
      site: siteFiles(options.webApp, siteHeaders({ media: [endpoints.s3] }), (req) => ({
        apiUrl: req.headers.host ? `http://${req.headers.host}` : http.url,
      })),
    }),
  });

  if (options.dataDir) {
    await writeStackFile(dataDir, {
      pid: process.pid,
      apiUrl: http.url,
      s3Url: gate.url,
      dynamoUrl: dynamo.url,
      sqs: {
        url: sqs.url,
        queueUrl: sqs.urlOf(queue),
        deadLetterQueueUrl: sqs.urlOf(deadLetterQueue),
        faceQueueUrl: sqs.urlOf(faceQueue),
        faceDeadLetterQueueUrl: sqs.urlOf(faceDeadLetterQueue),
      },
      env,
    });
  }

  return {
    apiUrl: http.url,
    s3Url: gate.url,
    dynamoUrl: dynamo.url,
    sqsUrl: sqs.url,
    env,
    config,
    sweepConfig,
    queue,
    deadLetterQueue,
    faceQueue,
    faceDeadLetterQueue,
    stream,
    ...(isolated && { processorProcess: isolated }),
    stop: async () => {
      await sweeper.stop();
      await http.close();
      await sqs.close();
      await consumer.stop();
      if (faces) await faces.stop();
      await isolated?.stop();
      // Every acknowledged write is in the stream already; what is left is consumed at the next start.
      await feed.stop();
      // No write reaches the stream once its proxy is closed; then its last snapshot is awaited.
      await streamProxy.close();
      await stream.flushed();
      await Promise.all([queue, deadLetterQueue, faceQueue, faceDeadLetterQueue].map((q) => q.flushed()));
      await gate.close();
      await s3.close();
      await dynamo.close();
      if (options.dataDir) await removeStackFile(dataDir);
      else await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** The feed writer's timeout, as the CDK function's. */
const FEED_TIMEOUT_MS = 60_000;

/** A log's JSON lines to `onEntry`; anything else (a crash's stack trace) still reaches stdout. */
const logLines = (onEntry: (entry: Record<string, unknown>) => void) => (line: string) => {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    entry = undefined;
  }
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) onEntry(entry as Record<string, unknown>);
  else process.stdout.write(`${line}\n`);
};

/** The bucket CORS rule as s3rver takes it: S3's XML. */
const corsXml = (origins: string[]) =>
  `<CORSConfiguration><CORSRule>${[
    ...origins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`),
    ...UPLOAD_CORS.methods.map((m) => `<AllowedMethod>${m}</AllowedMethod>`),
    ...UPLOAD_CORS.headers.map((h) => `<AllowedHeader>${h}</AllowedHeader>`),
    ...UPLOAD_CORS.exposedHeaders.map((h) => `<ExposeHeader>${h}</ExposeHeader>`),
  ].join('')}<MaxAgeSeconds>${UPLOAD_CORS.maxAgeSeconds}</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
