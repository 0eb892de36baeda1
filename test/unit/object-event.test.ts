import { describe, expect, it } from 'vitest';
import { decodeNotificationKey, normaliseEtag, parseObjectCreated } from '../../shared/domain/object-event.ts';

const bridged = (key: string) =>
  JSON.stringify({
    source: 'aws.s3',
    'detail-type': 'Object Created',
    detail: { bucket: { name: 'b' }, object: { key, size: 3, etag: 'abc', sequencer: '01' } },
  });

const classic = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'b' }, object: { key, size: 3, eTag: '"abc"', sequencer: '01' } },
      },
    ],
  });

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
      parseObjectCreated(JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete' }] })),
    ).toBeUndefined();
  });
});
