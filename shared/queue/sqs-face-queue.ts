import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FaceQueue, FaceWork } from '#shared/domain/face-ports.ts';
import { faceWorkBody } from '#shared/events/face-work.ts';

/** SQS's limit per SendMessageBatch. */
const BATCH_MAX = 10;

/** The face stage's queue over SQS. */
export class SqsFaceQueue implements FaceQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(work: FaceWork[]): Promise<void> {
    for (let i = 0; i < work.length; i += BATCH_MAX) {
      const batch = work.slice(i, i + BATCH_MAX);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((item, n) => ({ Id: String(n), MessageBody: faceWorkBody(item) })),
        }),
      );
      // Thrown, so the processor's message comes back and sends again; the stage skips what it did.
      if (result.Failed?.length) throw new Error(`SQS refused ${result.Failed.length} of ${batch.length} messages`);
    }
  }
}
