import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { composeFaces } from '#functions/compose-faces.ts';
import { lambdaHandler } from '#functions/lambda-handler.ts';
import { createSqsClient } from '#shared/aws/clients.ts';
import type { FaceConfig } from '#shared/config.ts';
import type { FaceDetector } from '#shared/domain/face-ports.ts';
import { ClusteringBusy } from '#shared/domain/face-stage.ts';
import { parseFaceWork } from '#shared/events/face-work.ts';
import { logger } from '#shared/logger.ts';
import { retryLater } from '#shared/queue/retry-later.ts';

/**
 * How soon a photo that met another clustering run of its library tries again: 5 s, doubling to
 * 5 minutes, so the ten receives before the dead-letter queue span about twenty minutes.
 */
const busyRetrySeconds = (attempt: number) => Math.min(5 * 2 ** (attempt - 1), 300);

/**
 * The face stage: one message, one asset to look at (or one library to cluster again). A failure
 * retrying can fix throws and becomes the message's batch item failure; a photo the detector
 * cannot read is recorded on its face_detection task and acknowledged.
 */
export const createFaceHandler = (config: FaceConfig, overrides: { detector?: FaceDetector } = {}) => {
  const { stage, people } = composeFaces(config, overrides);
  const sqs = createSqsClient(config);

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const work = parseFaceWork(record.body);
    if (!work) {
      logger.warn('ignoring a message that is not face work', { messageId: record.messageId });
      return;
    }
    const started = Date.now();
    const attempt = Number(record.attributes.ApproximateReceiveCount);
    try {
      if (work.kind === 'detect') {
        const outcome = await stage.detect(work.assetId, { id: record.messageId, attempt }, work.force ?? false);
        logger.info('faces', { assetId: work.assetId, outcome, ms: Date.now() - started, attempt });
        return;
      }
      if ((await people.recluster(work.libraryId, work.owner)) === 'busy') throw new ClusteringBusy(work.libraryId);
      logger.info('reclustered', { libraryId: work.libraryId, ms: Date.now() - started, attempt });
    } catch (error) {
      // Another run holds the library for a few seconds: come back soon, not after the visibility timeout.
      if (error instanceof ClusteringBusy)
        await retryLater(sqs, record, busyRetrySeconds(attempt), config.DARKROOM_SQS_ENDPOINT);
      throw error;
    }
  };

  return lambdaHandler((event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context }),
  );
};
