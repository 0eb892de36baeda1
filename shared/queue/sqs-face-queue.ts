import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FaceQueue, FaceWork } from '#shared/domain/face-ports.ts';
import { faceWorkBody } from '#shared/events/face-work.ts';
import { sendBatches } from './send-batches.ts';

/** The face stage's queue over SQS. */
export class SqsFaceQueue implements FaceQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(work: FaceWork[]): Promise<void> {
    return sendBatches(this.sqs, this.queueUrl, work.map(faceWorkBody));
  }
}
