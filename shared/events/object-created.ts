import { randomUUID } from 'node:crypto';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { S3EventNotificationEventBridgeSchema, S3Schema } from '@aws-lambda-powertools/parser/schemas';
import type { S3EventNotificationEventBridge } from '@aws-lambda-powertools/parser/types';
import { z } from 'zod';
import { normaliseEtag, type ObjectCreated } from '#shared/domain/object-event.ts';

// The one definition of the S3 "Object Created" wire format: what the processor reads from an SQS
// message body, and the EventBridge event the local bridge, reprocess and the sweep send.

/** Our own field on events that `reprocess --all` sends: process again even if nothing changed. */
const REPROCESS_FLAG = 'darkroom-reprocess';

/**
 * Powertools' fields, but only those the processor reads are required: real S3 may send an IPv6
 * `source-ip-address`, which Powertools' schema refuses, and messages queued by older releases
 * lack `request-id` and `requester`. Neither should become a dead letter.
 */
const bridgedDetail = S3EventNotificationEventBridgeSchema.shape.detail.pick({ bucket: true, object: true });
const bridged = S3EventNotificationEventBridgeSchema.pick({ 'replay-name': true })
  .extend({
    source: z.literal('aws.s3'),
    'detail-type': z.literal('Object Created'),
    detail: bridgedDetail,
    [REPROCESS_FLAG]: z.boolean().optional(),
  })
  .transform((event): ObjectCreated[] => {
    const { bucket, object } = event.detail;
    return [
      {
        bucket: bucket.name,
        key: object.key,
        size: object.size ?? 0,
        etag: normaliseEtag(object.etag ?? ''),
        sequencer: object.sequencer ?? '',
        ...(object['version-id'] && { versionId: object['version-id'] }),
        ...(event['replay-name'] && { replayName: event['replay-name'] }),
        ...(event[REPROCESS_FLAG] && { force: true }),
      },
    ];
  });

/**
 * Classic S3 notifications URL-encode the key with `+` for space (form encoding); EventBridge
 * events carry it as stored. Decode only the former, exactly once.
 */
export const decodeNotificationKey = (key: string): string => decodeURIComponent(key.replaceAll('+', ' '));

const classicRecord = S3Schema.shape.Records.element;
const classicS3 = classicRecord.shape.s3;
/** A classic notification (S3 → SQS directly): every record must be an ObjectCreated one. */
const classic = z
  .object({
    Records: z.array(
      classicRecord.pick({ eventSource: true }).extend({
        eventName: z.string().startsWith('ObjectCreated:'),
        s3: z.object({
          bucket: classicS3.shape.bucket.pick({ name: true }),
          // As the EventBridge shape has it: a negative size is no object S3 made.
          object: classicS3.shape.object.extend({ size: z.number().nonnegative().optional() }),
        }),
      }),
    ),
  })
  .transform(({ Records }): ObjectCreated[] =>
    Records.map(({ s3 }) => ({
      bucket: s3.bucket.name,
      key: decodeNotificationKey(s3.object.key),
      size: s3.object.size ?? 0,
      etag: normaliseEtag(s3.object.eTag ?? ''),
      sequencer: s3.object.sequencer ?? '',
      ...(s3.object.versionId && { versionId: s3.object.versionId }),
    })),
  );

const objectCreatedBody = JSONStringified(z.union([bridged, classic]));

/** Reads an SQS message body; undefined when it is not an object-created notification. */
export const parseObjectCreated = (body: string): ObjectCreated[] | undefined => {
  const parsed = objectCreatedBody.safeParse(body);
  return parsed.success ? parsed.data : undefined;
};

/** S3's EventBridge event, plus the flag reprocessing sets. */
export type ObjectCreatedEvent = S3EventNotificationEventBridge & { [REPROCESS_FLAG]?: true };

/** How the object came to be, as S3 reports it; a reprocessed or swept object looks like a PUT. */
export interface EventOrigin {
  reason?: 'PutObject' | 'PostObject' | 'CopyObject' | 'CompleteMultipartUpload';
  time?: Date;
  /** IPv4 only: that is all Powertools' schema (and so a consumer using it) accepts. */
  sourceIp?: string;
}

// Local and synthesised events have no real account; S3 would put the bucket owner's here.
const ACCOUNT = '000000000000';

/**
 * The EventBridge event S3 delivers for `object`, so every path into the processor (an upload, a
 * replay, `reprocess`, the sweep) carries the same message. `parseObjectCreated` reads back what
 * went in: `force` and `replayName` included.
 */
export const objectCreatedEvent = (object: ObjectCreated, origin: EventOrigin = {}): ObjectCreatedEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: ACCOUNT,
  // S3 stamps whole seconds.
  time: (origin.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [`arn:aws:s3:::${object.bucket}`],
  detail: {
    version: '0',
    bucket: { name: object.bucket },
    object: {
      key: object.key,
      size: object.size,
      etag: object.etag,
      sequencer: object.sequencer,
      ...(object.versionId && { 'version-id': object.versionId }),
    },
    'request-id': randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase(),
    requester: ACCOUNT,
    ...(origin.sourceIp && { 'source-ip-address': origin.sourceIp }),
    reason: origin.reason ?? 'PutObject',
  },
  ...(object.replayName && { 'replay-name': object.replayName }),
  ...(object.force && { [REPROCESS_FLAG]: true }),
});
