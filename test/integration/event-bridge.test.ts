import { S3EventNotificationEventBridgeSchema } from '@aws-lambda-powertools/parser/schemas';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { type ObjectCreatedEvent, parseObjectCreated } from '#shared/events/object-created.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';

const MAX_RECEIVES = 3;

// A real SQS handler wired through the same path as the processor: S3 → bridge → queue → handler.
const deliveries: { key: string; attempt: number; event: ObjectCreatedEvent }[] = [];
const failuresByKey = new Map<string, number>();
const processor = async (event: SQSEvent) => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const body = JSON.parse(record.body) as ObjectCreatedEvent;
    const [object] = parseObjectCreated(record.body) ?? [];
    const key = object?.key ?? '?';
    deliveries.push({ key, attempt: Number(record.attributes.ApproximateReceiveCount), event: body });
    const planned = failuresByKey.get(key) ?? 0;
    if (planned > 0) {
      failuresByKey.set(key, planned - 1);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

const stack = useLocalStack({
  processor,
  // The fake handler answers at once; both timeouts shrink in the cloud's ratio so retries come quickly.
  queue: { timeoutMs: 100, visibilityTimeoutMs: 600, maxReceiveCount: MAX_RECEIVES, concurrency: 1 },
});
const s3 = () => createClients(stack().config).s3;
const put = (bucket: string, key: string) => s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
const deliveredFor = (key: string) => deliveries.filter((d) => d.key === key);

beforeEach(() => {
  deliveries.length = 0;
});

describe('the local event bridge', () => {
  it('delivers an EventBridge Object Created event for a PUT, with the key as stored', async () => {
    const key = 'originals/a b+c/é.jpg';
    await put(LOCAL_NAMES.originalsBucket, key);
    const [delivery] = await eventually(() => (deliveredFor(key).length ? deliveredFor(key) : undefined));
    expect(delivery?.event).toMatchObject({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: LOCAL_NAMES.originalsBucket }, object: { key, size: 1 }, reason: 'PutObject' },
    });
    expect(delivery?.event.detail.object.etag).toMatch(/^[0-9a-f]{32}$/);
    // What a consumer using Powertools' schema would accept, as it accepts S3's own.
    expect(S3EventNotificationEventBridgeSchema.safeParse(delivery?.event).error).toBeUndefined();
  });

  it('delivers a presigned POST upload with reason PostObject', async () => {
    const key = 'originals/a b+c/é-posted.jpg';
    const { url, fields } = await createPresignedPost(s3(), {
      Bucket: LOCAL_NAMES.originalsBucket,
      Key: key,
      Conditions: [['content-length-range', 1, 10]],
    });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob(['posted']), 'x.jpg');
    expect((await fetch(url, { method: 'POST', body: form })).status).toBe(204);
    const [delivery] = await eventually(() => (deliveredFor(key).length ? deliveredFor(key) : undefined));
    expect(delivery?.event.detail).toMatchObject({ object: { key, size: 6 }, reason: 'PostObject' });
    expect(S3EventNotificationEventBridgeSchema.safeParse(delivery?.event).error).toBeUndefined();
  });

  it('gives each event for one key a growing sequencer', async () => {
    const key = 'originals/seq/photo.jpg';
    for (let i = 0; i < 5; i++) await put(LOCAL_NAMES.originalsBucket, key);
    const events = await eventually(() => (deliveredFor(key).length === 5 ? deliveredFor(key) : undefined));
    const sequencers = events.map((d) => d.event.detail.object.sequencer);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(5);
  });

  it('ignores objects outside originals/ and in the derived bucket', async () => {
    await put(LOCAL_NAMES.originalsBucket, 'elsewhere/x.jpg');
    await put(LOCAL_NAMES.derivedBucket, 'originals/looks-like-one.jpg');
    await put(LOCAL_NAMES.originalsBucket, 'originals/marker.jpg');
    await eventually(() => (deliveredFor('originals/marker.jpg').length ? true : undefined));
    expect(deliveries.map((d) => d.key)).toEqual(['originals/marker.jpg']);
  });

  it('redelivers a message its handler failed, until it succeeds', async () => {
    const key = 'originals/retry/flaky.jpg';
    failuresByKey.set(key, 2);
    await put(LOCAL_NAMES.originalsBucket, key);
    await eventually(() => (deliveredFor(key).length === 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(deliveredFor(key).map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(stack().queue.counts()).toEqual({ visible: 0, inFlight: 0 });
    expect(stack().deadLetterQueue.peek()).toHaveLength(0);
  });

  it('moves a message that always fails to the dead-letter queue after the maximum receives', async () => {
    const key = 'originals/poison/always.jpg';
    failuresByKey.set(key, Number.POSITIVE_INFINITY);
    await put(LOCAL_NAMES.originalsBucket, key);
    const dead = await eventually(() => {
      const messages = stack().deadLetterQueue.peek();
      return messages.length ? messages : undefined;
    });
    expect(deliveredFor(key).map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(parseObjectCreated(dead[0]?.body ?? '')?.[0]?.key).toBe(key);
    expect(stack().queue.counts()).toEqual({ visible: 0, inFlight: 0 });
  });
});
