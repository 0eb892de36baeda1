import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FEED_STREAM } from '#shared/deployment.ts';
import { ITEM_KINDS } from '#shared/table/feed-kinds.ts';
import { darkroomFunction } from './function-defaults.ts';
import { allowTable } from './grants.ts';

/** A batch of 100 records is a few hundred small reads and writes. */
export const FEED_WRITER_TIMEOUT = Duration.minutes(1);

export interface FeedWriterProps {
  table: ITableV2;
  environment: Record<string, string>;
}

/**
 * The change feed's writer: the table's stream (new and old images) into the feed's entries. The
 * mapping's filter passes only the entity items of feed-kinds.ts, so claims, usage, tasks and the
 * feed's own writes never invoke it. Records of a shard arrive in order and a failure reports the
 * record it stopped at (ReportBatchItemFailures), so a retry resumes there; a poison batch is
 * halved until the bad record is alone, and a record that still fails goes to the on-failure
 * queue (its stream coordinates, for a replay) rather than holding its shard.
 */
export class FeedWriter extends Construct {
  readonly function: NodejsFunction;
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: FeedWriterProps) {
    super(scope, id);
    this.failures = new Queue(this, 'Failures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    new Alarm(this, 'FailuresWaiting', {
      alarmDescription: 'Table changes the feed writer could not write after its retries wait in the failure queue',
      metric: this.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.function = darkroomFunction(this, 'Function', {
      entry: join(import.meta.dirname, '../../functions/feed/handler.ts'),
      memorySize: 512,
      timeout: FEED_WRITER_TIMEOUT,
      environment: props.environment,
    });
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: FEED_STREAM.batchSize,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: FEED_STREAM.retryAttempts,
        // One batch per shard at a time: a later change of an item never overtakes an earlier one.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.failures),
        filters: ITEM_KINDS.map((kind) =>
          FilterCriteria.filter({
            dynamodb: {
              Keys: {
                pk: { S: FilterRule.beginsWith(kind.pkPrefix) },
                sk: { S: typeof kind.sk === 'string' ? [kind.sk] : FilterRule.beginsWith(kind.sk.prefix) },
              },
            },
          }),
        ),
      }),
    );
    // Claims, entries and the owners' asset counters: consistent reads, conditional puts, the query
    // of an owner's head and of the entries the counters have not applied yet.
    allowTable(this.function, props.table, ['GetItem', 'PutItem', 'Query']);
  }
}
