import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** A queue's URL from its ARN: AWS's own form, or under the local stack's SQS endpoint. */
export const queueUrlOf = (arn: string, endpoint?: string): string => {
  const [, , , region, account, name] = arn.split(':');
  return `${endpoint ?? `https://sqs.${region}.amazonaws.com`}/${account}/${name}`;
};

/**
 * Shows a message again after `seconds` rather than after its whole visibility timeout (the face
 * queue's is half an hour): for work that only has to wait its turn.
 */
export const retryLater = async (sqs: SQSClient, record: SQSRecord, seconds: number, endpoint?: string) => {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrlOf(record.eventSourceARN, endpoint),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
};
