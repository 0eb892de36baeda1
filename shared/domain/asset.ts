import type { AssetOverrides } from './asset-edits.ts';
import type { Exif, ExifReading } from './exif.ts';
import type { Metrics } from './metrics.ts';

export type AssetState = 'pending' | 'ready' | 'failed' | 'duplicate';

/** One uploaded original and what processing learnt about it. */
export interface Asset {
  id: string;
  owner: string;
  libraryId: string;
  state: AssetState;
  /** Why processing failed, in words a user can act on. */
  error?: string;
  /** For `duplicate`: the asset of the same library that already holds these bytes. */
  duplicateOf?: string;
  deviceAssetId: string;
  deviceId: string;
  originalFileName: string;
  /** The client's claim, a hint only; `mimeType` is what the bytes are. */
  declaredMimeType: string;
  mimeType?: string;
  /** Base64 SHA-256 the client announced for a presigned upload; verified against the bytes. */
  declaredChecksum?: string;
  fileCreatedAt: string;
  fileModifiedAt: string;
  /** Capture wall clock as UTC ("2024-01-15T08:30:45Z"); `fileCreatedAt` until known. */
  localDatetime: string;
  checksum?: string;
  checksumSha1?: string;
  fileSizeBytes: number;
  width?: number;
  height?: number;
  exif?: Exif;
  /** Seconds, videos only. */
  duration?: number;
  thumbhash?: string;
  /** Where it was taken, from its position (place-reading.ts): ISO 3166-1 alpha-2 and IANA zone. */
  countryCode?: string;
  timezone?: string;
  /** Quality scores of the preview (metrics.ts), once processed. */
  metrics?: Metrics;
  /** What the file itself says (before places and overrides): what an edit or a clear starts from. */
  fileReading?: ExifReading;
  /** Description, position and capture time set by hand (asset-edits.ts), over the file's. */
  overrides?: AssetOverrides;
  /** Counts edits: a processor that read an older one does not overwrite the newer. */
  editVersion?: number;
  createdAt: string;
  updatedAt: string;
  /**
   * Set by the direct upload while it processes the bytes itself: until then the S3 event for
   * the same original waits instead of doing the work twice.
   */
  inlineUntil?: string;
  /** A resumable upload in parts, for large files. */
  multipart?: { uploadId: string; partSize: number; partCount: number };
  /** Set when the presigned target stops working; a pending asset past it will never arrive. */
  uploadExpiresAt?: string;
  pipelineVersion?: number;
  /** ETag of the original that was processed, bare (no quotes). */
  etag?: string;
  /** S3 sequencer of the event that was processed, for ordering events of the same key. */
  sequencer?: string;
  /** When the owner moved it to the trash (asset-trash.ts); purged a retention window later. */
  trashedAt?: string;
}

/** Bumped whenever processing would produce different output; reprocessing picks older assets. */
export const PIPELINE_VERSION = 4;

/** S3 sequencers are hex of varying length: right-pad with zeros, then compare as text. */
export const compareSequencers = (a: string, b: string): number => {
  const width = Math.max(a.length, b.length);
  const [x, y] = [a.toUpperCase().padEnd(width, '0'), b.toUpperCase().padEnd(width, '0')];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** What a pending upload reads once its target expired with nothing uploaded. */
export const NEVER_ARRIVED = 'the upload never arrived before its target expired';

/** Processed: what a timeline can show. Pending uploads and resolved duplicates never are. */
export const isProcessed = (asset: Pick<Asset, 'state'>): boolean =>
  asset.state === 'ready' || asset.state === 'failed';

/** The timeline shows processed assets that are not in the trash. */
export const isListed = (asset: Asset): boolean => isProcessed(asset) && asset.trashedAt === undefined;

/** Which of the list's states (`state=live|trashed`) an asset belongs to; a pending or duplicate one to neither. */
export type ListedState = 'live' | 'trashed';
export const listedStateOf = (asset: Pick<Asset, 'state' | 'trashedAt'>): ListedState | undefined =>
  isProcessed(asset) ? (asset.trashedAt === undefined ? 'live' : 'trashed') : undefined;
