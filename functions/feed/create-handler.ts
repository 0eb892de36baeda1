import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaHandler } from '#functions/lambda-handler.ts';
import { createClients } from '#shared/aws/clients.ts';
import type { Config } from '#shared/config.ts';
import type { FeedRepository } from '#shared/domain/feed.ts';
import { logger } from '#shared/logger.ts';
import { DynamoFeed } from '#shared/table/dynamo-feed.ts';
import { changeOfRecord } from '#shared/table/feed-record.ts';

export type FeedStreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * The stream's records in order; the first that fails is reported with every record after it, so
 * Lambda (and the local stream) retries from there and no later change of an item overtakes an
 * earlier one. A retried record that was written already is found by its claim (dynamo-feed.ts).
 */
export const feedWriter =
  (feed: FeedRepository, clock: () => Date = () => new Date()): FeedStreamHandler =>
  async (event) => {
    const started = Date.now();
    let written = 0;
    for (const [index, record] of event.Records.entries()) {
      const change = changeOfRecord(record);
      if (!change) continue;
      try {
        if ((await feed.append(change, clock())) === 'written') written++;
      } catch (error) {
        logger.warn('feed entry not written; retrying from this record', {
          entity: change.entityId,
          error: error as Error,
        });
        return {
          batchItemFailures: event.Records.slice(index).map((r) => ({
            itemIdentifier: r.dynamodb?.SequenceNumber ?? '',
          })),
        };
      }
    }
    logger.info('feed written', { records: event.Records.length, written, ms: Date.now() - started });
    return { batchItemFailures: [] };
  };

/** The feed writer; handler.ts builds it from the cold start's config, the local stack from its own. */
export const createFeedHandler = (config: Config) => {
  const clients = createClients(config);
  return lambdaHandler(feedWriter(new DynamoFeed(clients.dynamo, config.TABLE_NAME)));
};
