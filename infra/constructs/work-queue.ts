import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface WorkQueueProps {
  /** The consuming function's timeout. */
  timeout: Duration;
  /** AWS's rule for a queue feeding Lambda: hide a message at least six timeouts. */
  visibilityPerTimeout: number;
  maxReceiveCount: number;
  /** What the alarm on waiting dead letters says. */
  deadLettersAlarm: string;
}

/**
 * A queue that feeds a function: encrypted, TLS-only, with a dead-letter queue kept longer than
 * the queue's own messages, and an alarm as soon as one dead letter waits.
 */
export const workQueue = (scope: Construct, props: WorkQueueProps) => {
  const deadLetterQueue = new Queue(scope, 'DeadLetters', {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new Queue(scope, 'Queue', {
    visibilityTimeout: Duration.seconds(props.timeout.toSeconds() * props.visibilityPerTimeout),
    retentionPeriod: Duration.days(4),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
  });
  new Alarm(scope, 'DeadLettersWaiting', {
    alarmDescription: props.deadLettersAlarm,
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return { queue, deadLetterQueue };
};
