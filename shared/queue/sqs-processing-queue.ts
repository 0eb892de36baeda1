import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ObjectCreated } from '#shared/domain/object-event.ts';
import type { ProcessingQueue } from '#shared/domain/ports.ts';
import { objectCreatedEvent } from '#shared/events/object-created.ts';

/** SQS's limit per SendMessageBatch. */
const BATCH_MAX = 10;

/** The processing queue over SQS; each message is the EventBridge event S3 would have sent. */
export class SqsProcessingQueue implements ProcessingQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(objects: ObjectCreated[]): Promise<void> {
    for (let i = 0; i < objects.length; i += BATCH_MAX) {
      const batch = objects.slice(i, i + BATCH_MAX);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((object, n) => ({
            Id: String(n),
            MessageBody: JSON.stringify(objectCreatedEvent(object)),
          })),
        }),
      );
      // A partial failure is retried by the next sweep, which finds the same assets still pending.
      if (result.Failed?.length) throw new Error(`SQS refused ${result.Failed.length} of ${batch.length} messages`);
    }
  }
}
