import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaHandler } from '#functions/lambda-handler.ts';
import { createClients } from '#shared/aws/clients.ts';
import type { Config } from '#shared/config.ts';
import { CountLedger } from '#shared/domain/count-ledger.ts';
import type { FeedRepository } from '#shared/domain/feed.ts';
import { logger } from '#shared/logger.ts';
import { DynamoCounters } from '#shared/table/dynamo-counters.ts';
import { DynamoFeed } from '#shared/table/dynamo-feed.ts';
import { changeOfRecord } from '#shared/table/feed-record.ts';

export type FeedStreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface FeedWriterDeps {
  feed: FeedRepository;
  /** Brings the owners' asset counters up to the entries just written (count-ledger.ts). */
  counters?: Pick<CountLedger, 'advance'>;
  clock?: () => Date;
}

/**
 * The stream's records in order; the first that fails is reported with every record after it, so
 * Lambda (and the local stream) retries from there and no later change of an item overtakes an
 * earlier one. A retried record that was written already is found by its claim (dynamo-feed.ts).
 * Then each owner of these entries has their counters advanced; a failure there only delays them
 * (the next batch, or the next read of the counts, applies the same entries), so it fails nothing.
 */
export const feedWriter =
  ({ feed, counters, clock = () => new Date() }: FeedWriterDeps): FeedStreamHandler =>
  async (event) => {
    const started = Date.now();
    const owners = new Set<string>();
    let written = 0;
    let failed: DynamoDBBatchResponse['batchItemFailures'] = [];
    for (const [index, record] of event.Records.entries()) {
      const change = changeOfRecord(record);
      if (!change) continue;
      try {
        if ((await feed.append(change, clock())) === 'written') written++;
        // Written now or by an earlier try that may have stopped before advancing the counters.
        owners.add(change.owner);
      } catch (error) {
        logger.warn('feed entry not written; retrying from this record', {
          entity: change.entityId,
          error: error as Error,
        });
        failed = event.Records.slice(index).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' }));
        break;
      }
    }
    for (const owner of counters ? owners : []) {
      await counters?.advance(owner).catch((error: unknown) => {
        logger.warn('asset counters not advanced; the next advance applies the same entries', {
          owner,
          error: error as Error,
        });
      });
    }
    logger.info('feed written', { records: event.Records.length, written, ms: Date.now() - started });
    return { batchItemFailures: failed };
  };

/** The feed writer; handler.ts builds it from the cold start's config, the local stack from its own. */
export const createFeedHandler = (config: Config) => {
  const clients = createClients(config);
  return lambdaHandler(
    feedWriter({
      feed: new DynamoFeed(clients.dynamo, config.TABLE_NAME),
      counters: new CountLedger(new DynamoCounters(clients.dynamo, config.TABLE_NAME)),
    }),
  );
};
