import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { type AssetAdapters, composeAssets } from '#functions/compose-assets.ts';
import { lambdaHandler } from '#functions/lambda-handler.ts';
import { createSqsClient } from '#shared/aws/clients.ts';
import type { Config } from '#shared/config.ts';
import { parseObjectCreated } from '#shared/events/object-created.ts';
import { logger } from '#shared/logger.ts';
import { SqsFaceQueue } from '#shared/queue/sqs-face-queue.ts';

/**
 * The processor; handler.ts builds it from the cold start's config, the local stack from its own
 * (a test may swap adapters, as composeAssets allows).
 */
export const createProcessHandler = (config: Config, overrides: Partial<AssetAdapters> = {}) => {
  const faceQueue = config.FACE_QUEUE_URL && new SqsFaceQueue(createSqsClient(config), config.FACE_QUEUE_URL);
  const { processor } = composeAssets(config, { ...(faceQueue && { faceQueue }), ...overrides });

  /**
   * One message, one object. A failure that retrying can fix (S3, DynamoDB) throws and is reported
   * as this message's batch item failure; media that can never be processed ends `failed` inside
   * the processor and is acknowledged.
   */
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const objects = parseObjectCreated(record.body);
    if (!objects) {
      // A message that can never parse would only cycle into the DLQ.
      logger.warn('ignoring a message that is not an object-created event', { messageId: record.messageId });
      return;
    }
    for (const object of objects) {
      const started = Date.now();
      const { outcome, asset, timings } = await processor.handleObject(object, { force: object.force ?? false });
      logger.info('processed', {
        key: object.key,
        assetId: asset?.id,
        outcome,
        ...(asset?.error && { error: asset.error }),
        ms: Date.now() - started,
        // How long the event waited from its send to the queue until this record's work began.
        queuedMs: started - Number(record.attributes.SentTimestamp),
        ...(timings && { steps: timings }),
        attempt: Number(record.attributes.ApproximateReceiveCount),
      });
    }
  };

  // A BatchProcessor holds one batch's results: one per invocation, since the local stack runs
  // concurrent invocations in one process (Lambda never does) and a shared one mixes them up.
  return lambdaHandler((event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context }),
  );
};
