import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ObjectCreated } from '#shared/domain/object-event.ts';
import type { ProcessingQueue } from '#shared/domain/ports.ts';
import { objectCreatedEvent } from '#shared/events/object-created.ts';
import { sendBatches } from './send-batches.ts';

/** The processing queue over SQS; each message is the EventBridge event S3 would have sent. */
export class SqsProcessingQueue implements ProcessingQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  // A partial failure is retried by the next sweep, which finds the same assets still pending.
  enqueue(objects: ObjectCreated[]): Promise<void> {
    return sendBatches(
      this.sqs,
      this.queueUrl,
      objects.map((object) => JSON.stringify(objectCreatedEvent(object))),
    );
  }
}
