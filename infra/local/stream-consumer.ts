import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import type { LocalStream } from './stream.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamConsumerOptions {
  stream: LocalStream;
  handler: StreamHandler;
  batchSize: number;
  /** Retries of a failing record before it goes to the dead letters (the mapping's retryAttempts). */
  maxRetries: number;
  /** The first retry's delay; each next one doubles it, up to ten times it. */
  retryDelayMs: number;
}

/**
 * Lambda's DynamoDB event source mapping with ReportBatchItemFailures: one batch at a time per
 * shard (this stream has one), in order. The records before the first reported failure are
 * checkpointed and the batch is retried from it; a throw retries the whole batch. A record that
 * fails past `maxRetries` goes to the dead letters, as to the on-failure destination.
 */
export const startStreamConsumer = (options: StreamConsumerOptions): { stop(): Promise<void> } => {
  const { stream } = options;
  let running = true;
  let failures = 0;

  const invoke = async () => {
    const batch = stream.peek(options.batchSize);
    let firstFailed: string | undefined;
    try {
      const result = await options.handler({ Records: batch });
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      firstFailed = batch.find((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''))?.dynamodb?.SequenceNumber;
      if (failed.size > 0 && !firstFailed) firstFailed = batch[0]?.dynamodb?.SequenceNumber;
    } catch (error) {
      logger.error('feed writer threw; retrying the batch', { error: error as Error });
      firstFailed = batch[0]?.dynamodb?.SequenceNumber;
    }
    const index = firstFailed ? batch.findIndex((r) => r.dynamodb?.SequenceNumber === firstFailed) : batch.length;
    const done = batch[index - 1]?.dynamodb?.SequenceNumber;
    if (done) stream.checkpoint(done);
    const failedRecord = batch[index];
    if (!failedRecord) {
      failures = 0;
      return;
    }
    // A batch that made progress starts the failing record's count afresh.
    failures = done ? 1 : failures + 1;
    if (failures > options.maxRetries) {
      logger.error('stream record failed past its retries; dead-lettered', {
        sequence: failedRecord.dynamodb?.SequenceNumber,
      });
      stream.deadLetter(failedRecord);
      failures = 0;
      return;
    }
    await new Promise((r) =>
      setTimeout(r, Math.min(options.retryDelayMs * 2 ** (failures - 1), options.retryDelayMs * 10)),
    );
  };

  const worker = (async () => {
    while (running) {
      if (stream.pending === 0) await stream.whenChanged();
      else await invoke();
    }
  })();
  return {
    stop: async () => {
      running = false;
      stream.wake();
      await worker;
    },
  };
};
