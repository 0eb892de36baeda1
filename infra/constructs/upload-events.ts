import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Archive, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { objectCreatedPattern, PROCESSING_QUEUE } from '#shared/deployment.ts';
import { workQueue } from './work-queue.ts';

export interface UploadEventsProps {
  originals: IBucket;
  /** The processor's timeout: the queue hides a message six times as long. */
  processorTimeout: Duration;
}

/** S3 "Object Created" under originals/ → EventBridge (archived for replay) → SQS (with a DLQ). */
export class UploadEvents extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly rule: Rule;
  readonly archive: Archive;

  constructor(scope: Construct, id: string, props: UploadEventsProps) {
    super(scope, id);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      timeout: props.processorTimeout,
      visibilityPerTimeout: PROCESSING_QUEUE.visibilityPerTimeout,
      maxReceiveCount: PROCESSING_QUEUE.maxReceiveCount,
      deadLettersAlarm: 'Uploads that could not be processed after 5 tries are waiting in the dead-letter queue',
    }));

    const pattern = objectCreatedPattern(props.originals.bucketName);
    this.rule = new Rule(this, 'ObjectCreated', {
      description: 'Originals uploaded to Darkroom, to be processed',
      eventPattern: pattern,
    });
    // Events EventBridge cannot deliver to the queue land in the DLQ too, not nowhere.
    this.rule.addTarget(
      new SqsQueue(this.queue, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );
    this.archive = new Archive(this, 'Archive', {
      sourceEventBus: EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      eventPattern: pattern,
      retention: Duration.days(90),
      description: 'Originals uploaded to Darkroom: replay to reprocess',
    });

    new Alarm(this, 'ProcessingLagging', {
      alarmDescription: 'The oldest upload has waited more than 30 minutes to be processed',
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
      threshold: 30 * 60,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
