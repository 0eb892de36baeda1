import { createHash, randomUUID } from 'node:crypto';
import type { S3Event, SQSEvent } from 'aws-lambda';
import type { ObjectCreated } from '#shared/domain/object-event.ts';
import { type EventOrigin, type ObjectCreatedEvent, objectCreatedEvent } from '#shared/events/object-created.ts';

type ObjectFields = Pick<ObjectCreated, 'bucket' | 'key'> & Partial<ObjectCreated>;

/** S3's EventBridge "Object Created" event, built by the same function the local bridge uses. */
export const s3ObjectCreated = (object: ObjectFields, origin?: EventOrigin): ObjectCreatedEvent =>
  objectCreatedEvent({ size: 0, etag: '', sequencer: '', ...object }, origin);

/** A classic S3 notification (S3 → SQS without EventBridge), as S3 sends it: the key URL-encoded. */
export const s3Notification = (
  object: Pick<ObjectCreated, 'bucket'> & Partial<ObjectCreated> & { encodedKey: string },
  eventName = 'ObjectCreated:Put',
): S3Event => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName,
      userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'D82B88E5F771F645', 'x-amz-id-2': 'example' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'originals',
        bucket: {
          name: object.bucket,
          ownerIdentity: { principalId: 'A3EXAMPLE' },
          arn: `arn:aws:s3:::${object.bucket}`,
        },
        object: {
          key: object.encodedKey,
          size: object.size ?? 0,
          // Quoted, as S3 reports ETags everywhere else.
          eTag: `"${object.etag ?? ''}"`,
          sequencer: object.sequencer ?? '',
        },
      },
    },
  ],
});

/** What Lambda's SQS event source hands the processor: one record per message body. */
export const sqsBatch = (bodies: (string | object)[], attempt = 1): SQSEvent => ({
  Records: bodies.map((message) => {
    const body = typeof message === 'string' ? message : JSON.stringify(message);
    return {
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body,
      attributes: {
        ApproximateReceiveCount: String(attempt),
        SentTimestamp: String(Date.now()),
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:processing',
      awsRegion: 'us-east-1',
    };
  }),
});
