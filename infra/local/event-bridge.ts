import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import { type ObjectCreatedEvent, objectCreatedEvent } from '#shared/events/object-created.ts';
import type { S3Event } from './s3.ts';

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
 * s3rver reports the client's socket address, IPv4-mapped or `::1` on a dual-stack listener; S3's
 * schema (and Powertools') takes IPv4, and every local client is loopback.
 */
const ipv4 = (address = '127.0.0.1') => {
  const bare = address.replace(/^::ffff:/, '');
  return isIPv4(bare) ? bare : '127.0.0.1';
};

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
        // EventBridge carries the key as stored, not URL-encoded like classic notifications.
        const event = objectCreatedEvent(
          {
            bucket: bucket.name,
            key: object.key,
            size: object.size ?? 0,
            etag: object.eTag ?? '',
            sequencer: sequencer(),
          },
          { reason, time: new Date(record.eventTime), sourceIp: ipv4(record.requestParameters?.sourceIPAddress) },
        );
        if (matchesPattern(pattern, event)) deliver(event);
      }
    },
  };
};
