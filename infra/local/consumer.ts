import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { lambdaContext } from './lambda-context.ts';
import { type LocalQueue, md5, type QueueMessage } from './queue.ts';

export type SqsHandler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse | undefined>;

export interface ConsumerOptions {
  queue: LocalQueue;
  handler: SqsHandler;
  functionName: string;
  batchSize: number;
  /** Batches in flight at once (the event source mapping's maximum concurrency). */
  concurrency: number;
  timeoutMs: number;
  /**
   * The handler keeps the timeout itself, from the moment its invocation starts: an isolated
   * execution environment, killed at its deadline (lambda-process.ts). Its cold start is Lambda's
   * init phase, which the function's timeout does not cover, so no timer here races it; a timer
   * that did gave up on batches under load while their environment still worked on them.
   */
  handlerKeepsTimeout?: boolean;
}

const toRecord = (queue: LocalQueue, m: QueueMessage): SQSRecord => ({
  messageId: m.messageId,
  receiptHandle: m.receiptHandle ?? '',
  body: m.body,
  attributes: {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    SenderId: 'events.amazonaws.com',
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  },
  messageAttributes: {},
  md5OfBody: md5(m.body),
  eventSource: 'aws:sqs',
  eventSourceARN: queue.arn,
  awsRegion: 'us-east-1',
});

/**
 * Lambda's SQS event source mapping: receive a batch, invoke, delete what succeeded.
 * A throw, a timeout or a malformed response fails the whole batch, as on AWS; nothing here
 * lets a handler's failure escape and stop the process.
 */
export const startConsumer = (options: ConsumerOptions): { stop(): Promise<void> } => {
  let running = true;

  const invoke = async (batch: QueueMessage[]) => {
    const event: SQSEvent = { Records: batch.map((m) => toRecord(options.queue, m)) };
    const context = lambdaContext(options.functionName, options.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      if (!options.handlerKeepsTimeout) timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    try {
      const result = await Promise.race([options.handler(event, context), timeout]);
      if (result === 'timeout') {
        logger.error('processor timed out; the batch returns after the visibility timeout', { size: batch.length });
        return;
      }
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const ids = new Set(batch.map((m) => m.messageId));
      if ([...failed].some((id) => !id || !ids.has(id))) {
        logger.error('processor answered an unknown itemIdentifier; failing the whole batch');
        return;
      }
      for (const message of batch) {
        if (!failed.has(message.messageId)) options.queue.delete(message.receiptHandle ?? '');
      }
    } catch (error) {
      logger.error('processor threw; the batch returns after the visibility timeout', { error: error as Error });
    } finally {
      clearTimeout(timer);
    }
  };

  const worker = async () => {
    while (running) {
      const batch = options.queue.receive(options.batchSize);
      if (batch.length === 0) await options.queue.whenReceivable();
      else await invoke(batch);
    }
  };

  const workers = Array.from({ length: options.concurrency }, worker);
  return {
    // Lets an invocation in progress finish (it is bounded by the timeout), like a Lambda shutdown.
    stop: async () => {
      running = false;
      options.queue.wake();
      await Promise.all(workers);
    },
  };
};
