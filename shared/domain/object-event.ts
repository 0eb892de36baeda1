import { z } from 'zod';

/** The one thing the processor needs from an "object created" notification, whatever its shape. */
export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  sequencer: string;
  versionId?: string;
  /** Set by EventBridge on archived events that are replayed. */
  replayName?: string;
  /** Set by `npm run reprocess -- --all`: process again even if nothing changed. */
  force?: boolean;
}

const eventBridge = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  'replay-name': z.string().optional(),
  'darkroom-reprocess': z.boolean().optional(),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.number().nonnegative().default(0),
      etag: z.string().default(''),
      sequencer: z.string().default(''),
      'version-id': z.string().optional(),
    }),
  }),
});

const s3Notification = z.object({
  Records: z.array(
    z.object({
      eventSource: z.literal('aws:s3'),
      eventName: z.string().startsWith('ObjectCreated:'),
      s3: z.object({
        bucket: z.object({ name: z.string() }),
        object: z.object({
          key: z.string(),
          size: z.number().nonnegative().default(0),
          eTag: z.string().default(''),
          sequencer: z.string().default(''),
          versionId: z.string().optional(),
        }),
      }),
    }),
  ),
});

/** S3 ETags are quoted in API responses and bare in events; compare them bare. */
export const normaliseEtag = (etag: string): string => etag.replace(/^W\//, '').replaceAll('"', '');

/**
 * Classic S3 notifications URL-encode the key with `+` for space (form encoding); EventBridge
 * events carry it as stored. Decode only the former, exactly once.
 */
export const decodeNotificationKey = (key: string): string => decodeURIComponent(key.replaceAll('+', ' '));

/** Reads an SQS message body; undefined when it is not an object-created notification. */
export const parseObjectCreated = (body: string): ObjectCreated[] | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const bridged = eventBridge.safeParse(json);
  if (bridged.success) {
    const { detail } = bridged.data;
    return [
      {
        bucket: detail.bucket.name,
        key: detail.object.key,
        size: detail.object.size,
        etag: normaliseEtag(detail.object.etag),
        sequencer: detail.object.sequencer,
        ...(detail.object['version-id'] && { versionId: detail.object['version-id'] }),
        ...(bridged.data['replay-name'] && { replayName: bridged.data['replay-name'] }),
        ...(bridged.data['darkroom-reprocess'] && { force: true }),
      },
    ];
  }
  const classic = s3Notification.safeParse(json);
  if (!classic.success) return undefined;
  return classic.data.Records.map(({ s3 }) => ({
    bucket: s3.bucket.name,
    key: decodeNotificationKey(s3.object.key),
    size: s3.object.size,
    etag: normaliseEtag(s3.object.eTag),
    sequencer: s3.object.sequencer,
    ...(s3.object.versionId && { versionId: s3.object.versionId }),
  }));
};
