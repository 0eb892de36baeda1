import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { S3Event } from './s3.ts';

export interface ObjectCreatedEvent {
  version: '0';
  id: string;
  'detail-type': 'Object Created';
  source: 'aws.s3';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    version: '0';
    bucket: { name: string };
    object: { key: string; size: number; etag: string; sequencer: string };
    'request-id': string;
    requester: string;
    'source-ip-address': string;
    reason: 'PutObject' | 'PostObject' | 'CopyObject' | 'CompleteMultipartUpload';
  };
}

type Pattern = { [field: string]: Pattern | (string | { prefix: string })[] };

/** EventBridge pattern matching for the subset our rules use: value lists and `prefix`. */
export const matchesPattern = (pattern: Pattern, event: unknown): boolean =>
  Object.entries(pattern).every(([field, expected]) => {
    const actual = (event as Record<string, unknown> | undefined)?.[field];
    if (!Array.isArray(expected)) return matchesPattern(expected, actual);
    return expected.some((rule) =>
      typeof rule === 'string' ? actual === rule : typeof actual === 'string' && actual.startsWith(rule.prefix),
    );
  });

/**
 * Turns s3rver's notifications into S3's EventBridge "Object Created" events, filtered by the
 * same pattern as the cloud rule. s3rver's own sequencer is a millisecond clock; S3's only
 * promise is that it grows per key, which a counter keeps even within one millisecond.
 */
export const createEventBridge = (pattern: Pattern, deliver: (event: ObjectCreatedEvent) => void) => {
  let counter = 0n;
  let lastMs = 0n;
  const completing = new Set<string>();
  const sequencer = () => {
    const ms = BigInt(Date.now());
    counter = ms === lastMs ? counter + 1n : 0n;
    lastMs = ms;
    return ((ms << 16n) | counter).toString(16).toUpperCase().padStart(18, '0');
  };

  return {
    /** The gate sees CompleteMultipartUpload requests; s3rver reports them as plain POSTs. */
    noteRequest(req: IncomingMessage) {
      const url = new URL(req.url ?? '/', 'http://local');
      if (req.method === 'POST' && url.searchParams.has('uploadId')) {
        completing.add(decodeURIComponent(url.pathname.slice(1)));
      }
    },
    publish(notification: S3Event) {
      for (const record of notification.Records) {
        if (!record.eventName.startsWith('ObjectCreated:')) continue;
        const { bucket, object } = record.s3;
        const path = `${bucket.name}/${object.key}`;
        const kind = record.eventName.slice('ObjectCreated:'.length);
        const reason = completing.delete(path)
          ? 'CompleteMultipartUpload'
          : kind === 'Put'
            ? 'PutObject'
            : kind === 'Copy'
              ? 'CopyObject'
              : 'PostObject';
        const event: ObjectCreatedEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': 'Object Created',
          source: 'aws.s3',
          account: '000000000000',
          time: record.eventTime.replace(/\.\d{3}Z$/, 'Z'),
          region: 'us-east-1',
          resources: [`arn:aws:s3:::${bucket.name}`],
          detail: {
            version: '0',
            bucket: { name: bucket.name },
            // EventBridge carries the key as stored, not URL-encoded like classic notifications.
            object: { key: object.key, size: object.size ?? 0, etag: object.eTag ?? '', sequencer: sequencer() },
            'request-id': randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase(),
            requester: '000000000000',
            'source-ip-address': record.requestParameters?.sourceIPAddress ?? '127.0.0.1',
            reason,
          },
        };
        if (matchesPattern(pattern, event)) deliver(event);
      }
    },
  };
};
