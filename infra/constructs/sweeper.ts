import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { darkroomFunction } from './function-defaults.ts';
import { allowDerived, allowOriginals, allowTable } from './grants.ts';

/** How often the sweep looks for pending uploads whose event never led to processing. */
export const SWEEP_RATE = Duration.minutes(5);

export interface SweeperProps {
  queue: IQueue;
  table: ITableV2;
  originals: IBucket;
  derived: IBucket;
  environment: Record<string, string>;
}

/**
 * S3 → EventBridge is at-least-once only while the rule and its target work; the sweep is the
 * backstop. It finds the work and queues it, so processing keeps one path (the processor's
 * memory, layer, retries and DLQ) and this function needs no media code.
 */
export class Sweeper extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    this.function = darkroomFunction(this, 'Function', {
      entry: join(import.meta.dirname, '../../functions/sweep/handler.ts'),
      memorySize: 512,
      // Shorter than the rate, so runs do not overlap.
      timeout: Duration.minutes(4),
      environment: { ...props.environment, PROCESSING_QUEUE_URL: props.queue.queueUrl },
    });
    this.schedule = new Schedule(this, 'Schedule', {
      schedule: ScheduleExpression.rate(SWEEP_RATE),
      description: 'Queue pending uploads whose original is in S3 but was never processed; purge expired trash',
      // A missed run is made up by the next one; retrying an old one would only overlap it.
      target: new LambdaInvoke(this.function, { retryAttempts: 0, maxEventAge: Duration.minutes(5) }),
    });

    const fn = this.function;
    // Reads the record before marking an expired upload failed, with a condition on its state.
    // UpdateItem: an upload that never arrived gives its storage reservation back (DynamoUsage).
    // The purge deletes as DeleteAsset does: the asset's faces, people, album links (queried on
    // their indexes), claims and record.
    allowTable(fn, props.table, ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'], true);
    // HeadObject is authorised as GetObject.
    allowOriginals(fn, props.originals, ['GetObject', 'DeleteObject']);
    allowDerived(fn, props.derived, ['DeleteObject']);
    // Without ListBucket S3 answers a HEAD of a missing key with 403, not 404.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.originals.bucketArn] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }));
  }
}
