import { S3EventNotificationEventBridgeSchema, S3Schema, SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { normaliseEtag } from '#shared/domain/object-event.ts';
import { decodeNotificationKey, objectCreatedEvent, parseObjectCreated } from '#shared/events/object-created.ts';
import { s3Notification, s3ObjectCreated, sqsBatch } from '#test/helpers/events.ts';

const bridged = (key: string) =>
  JSON.stringify(s3ObjectCreated({ bucket: 'b', key, size: 3, etag: 'abc', sequencer: '01' }));

const classic = (encodedKey: string) =>
  JSON.stringify(s3Notification({ bucket: 'b', encodedKey, size: 3, etag: 'abc', sequencer: '01' }));

describe('object-created events', () => {
  it('decode classic notification keys as AWS encodes them', () => {
    expect(decodeNotificationKey('red+flower.jpg')).toBe('red flower.jpg');
    expect(decodeNotificationKey('%C3%A9.jpg')).toBe('é.jpg');
    expect(decodeNotificationKey('a%2Bb.jpg')).toBe('a+b.jpg');
    expect(parseObjectCreated(classic('red+flower.jpg'))?.[0]?.key).toBe('red flower.jpg');
  });

  it('take EventBridge keys as they are', () => {
    expect(parseObjectCreated(bridged('a b+c/é.jpg'))?.[0]).toMatchObject({ key: 'a b+c/é.jpg', etag: 'abc' });
  });

  it('compare ETags without quotes', () => {
    expect(normaliseEtag('"abc"')).toBe('abc');
    expect(parseObjectCreated(classic('k'))?.[0]?.etag).toBe('abc');
  });

  it('answer undefined for anything else', () => {
    expect(parseObjectCreated('not json')).toBeUndefined();
    expect(parseObjectCreated('{"source":"aws.ec2"}')).toBeUndefined();
    expect(
      parseObjectCreated(JSON.stringify(s3Notification({ bucket: 'b', encodedKey: 'k' }, 'ObjectRemoved:Delete'))),
    ).toBeUndefined();
  });

  it('are what S3 sends, by the schemas Powertools ships', () => {
    const event = objectCreatedEvent(
      { bucket: 'b', key: 'originals/u/a', size: 3, etag: 'abc', sequencer: '01', versionId: 'v1' },
      { reason: 'PostObject', sourceIp: '10.0.0.1' },
    );
    expect(S3EventNotificationEventBridgeSchema.safeParse(event).error).toBeUndefined();
    expect(
      S3EventNotificationEventBridgeSchema.safeParse(s3ObjectCreated({ bucket: 'b', key: 'k' })).error,
    ).toBeUndefined();
    expect(S3Schema.safeParse(s3Notification({ bucket: 'b', encodedKey: 'k' })).error).toBeUndefined();
    expect(SqsSchema.safeParse(sqsBatch([event, 'x'])).error).toBeUndefined();
  });

  it('read back what was built, the reprocess flag and a replay included', () => {
    const object = { bucket: 'b', key: 'a b+c', size: 3, etag: 'abc', sequencer: '01', versionId: 'v1' };
    expect(parseObjectCreated(JSON.stringify(objectCreatedEvent(object)))).toEqual([object]);
    const again = { ...object, force: true, replayName: 'replay-1' };
    expect(parseObjectCreated(JSON.stringify(objectCreatedEvent(again)))).toEqual([again]);
  });

  it('keep accepting the fields S3 leaves out or Powertools would refuse', () => {
    const minimal = {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: 'b' }, object: { key: 'k' } },
    };
    expect(parseObjectCreated(JSON.stringify(minimal))).toEqual([
      { bucket: 'b', key: 'k', size: 0, etag: '', sequencer: '' },
    ]);
    const ipv6 = s3ObjectCreated({ bucket: 'b', key: 'k' });
    const fromIpv6 = { ...ipv6, detail: { ...ipv6.detail, 'source-ip-address': '2001:db8::1' } };
    expect(parseObjectCreated(JSON.stringify(fromIpv6))?.[0]?.key).toBe('k');
  });

  it('parse record by record out of an SQS batch', () => {
    const batch = sqsBatch([s3ObjectCreated({ bucket: 'b', key: 'one' }), classic('two+2'), 'junk']);
    expect(batch.Records.map((record) => parseObjectCreated(record.body)?.[0]?.key)).toEqual([
      'one',
      'two 2',
      undefined,
    ]);
  });
});
