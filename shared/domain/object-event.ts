/**
 * The one thing the processor needs from an "object created" notification, whatever its shape;
 * the wire format itself is read and written in `shared/events/object-created.ts`.
 */
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

/** S3 ETags are quoted in API responses and bare in events; compare them bare. */
export const normaliseEtag = (etag: string): string => etag.replace(/^W\//, '').replaceAll('"', '');
