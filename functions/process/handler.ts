import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadConfig } from '../../shared/config.ts';
import { parseObjectCreated } from '../../shared/domain/object-event.ts';
import { logger } from '../../shared/logger.ts';
import { ORIGINALS_PREFIX } from '../../shared/names.ts';

const config = loadConfig();
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const objects = parseObjectCreated(record.body);
  if (!objects) {
    // Not ours to retry: a message that can never parse would only cycle into the DLQ.
    logger.warn('ignoring a message that is not an object-created event', { messageId: record.messageId });
    return;
  }
  for (const object of objects) {
    if (object.bucket !== config.ORIGINALS_BUCKET || !object.key.startsWith(ORIGINALS_PREFIX)) {
      logger.warn('ignoring an object outside the originals prefix', { bucket: object.bucket, key: object.key });
      continue;
    }
    logger.info('object created', { key: object.key, size: object.size, etag: object.etag });
  }
};

export const handler = (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
