import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS's limit per SendMessageBatch. */
const BATCH_MAX = 10;

/**
 * Sends the bodies in batches of ten; a batch SQS partly refuses throws, so the caller's own
 * message comes back (or its next run) and sends again — every receiver here skips work it did.
 */
export const sendBatches = async (sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> => {
  for (let i = 0; i < bodies.length; i += BATCH_MAX) {
    const batch = bodies.slice(i, i + BATCH_MAX);
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((MessageBody, n) => ({ Id: String(n), MessageBody })),
      }),
    );
    if (result.Failed?.length) throw new Error(`SQS refused ${result.Failed.length} of ${batch.length} messages`);
  }
};
