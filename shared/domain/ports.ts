// Small interfaces the domain depends on; adapters in shared/table, shared/storage and shared/media
// implement them.
import type { Asset } from './asset.ts';
import type { ExifReading } from './exif.ts';
import type { GeoArea } from './geo-area.ts';
import type { GeoPoint } from './geo-clusters.ts';
import type { MediaClass } from './media-types.ts';
import type { Metrics } from './metrics.ts';
import type { ObjectCreated } from './object-event.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What reading an original once yields, wherever its bytes stay. */
export interface OriginalDigest {
  size: number;
  /** The first bytes (up to 1 MiB): enough to sniff and to find EXIF. */
  head: Buffer;
  sha256: string;
  sha1: string;
}

/** An original on local disk, hashed while it was written there. */
export interface OriginalOnDisk extends OriginalDigest {
  kind: 'disk';
  path: string;
}

/** An original too large for local disk: hashed as it streamed past, read again over a signed URL (ffmpeg seeks over HTTP). */
export interface OriginalAtUrl extends OriginalDigest {
  kind: 'remote';
  url: string;
}

export type Original = OriginalOnDisk | OriginalAtUrl;

export interface Inspection {
  mimeType: string;
  kind: 'image' | 'video';
  /** Display orientation, from the header. */
  width: number;
  height: number;
  /** Videos only. */
  durationSeconds?: number;
  reading: ExifReading;
  /** Images only: the embedded ICC profile, which says how rendering treats colour. */
  iccProfile?: Buffer;
}

export interface Rendition {
  preview: Buffer;
  thumbnail: Buffer;
  thumbhash: string;
  /** Quality scores of the preview. */
  metrics: Metrics;
  /** Display orientation. */
  width: number;
  height: number;
}

export interface MediaProcessor {
  /** The type the bytes are, by content; undefined when unknown. */
  sniff(file: Original): Promise<string | undefined>;
  /** Type and metadata; throws MediaRejected for bytes that are no allowed, intact media. */
  inspect(file: Original): Promise<Inspection>;
  /** Decodes once; throws MediaRejected for pixels that cannot be decoded. */
  render(file: Original, inspection: Inspection): Promise<Rendition>;
}

/** Where a point on Earth is: English names, the ISO 3166-1 alpha-2 code, the IANA time zone. */
export interface Place {
  city: string | null;
  state: string | null;
  country: string | null;
  countryCode: string | null;
  /** Known even at sea, where no name is. */
  timezone: string | null;
}

/** Reverse geocoding, offline. */
export interface Gazetteer {
  placeAt(latitude: number, longitude: number): Promise<Place>;
}

export type Download = { file: Original; release(): Promise<void> } | 'missing';

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface SignedPart {
  partNumber: number;
  url: string;
  size: number;
}

export interface ObjectStorage {
  /** Streams an original to local disk through the hashers; 'missing' when gone or replaced. */
  download(key: string, etag?: string): Promise<Download>;
  /** Whether an original is there, without reading it: its bare ETag and size, or 'missing'. */
  head(key: string): Promise<{ etag: string; size: number } | 'missing'>;
  putOriginal(key: string, file: Original, contentType: string): Promise<{ etag: string }>;
  putDerived(key: string, body: Buffer, contentType: string): Promise<void>;
  /** A derived file's bytes (a preview for the face stage), or 'missing'. */
  readDerived(key: string): Promise<Buffer | 'missing'>;
  deleteOriginal(key: string): Promise<void>;
  deleteDerived(keys: string[]): Promise<void>;
  presignUpload(input: {
    key: string;
    contentType: string;
    size: number;
    expiresInSeconds: number;
  }): Promise<PresignedUpload>;
  originalUrl(key: string, contentType: string, fileName: string): Promise<string>;
  derivedUrl(key: string, contentType: string): Promise<string>;
}

/** Multipart uploads of originals, which clients send part by part to presigned URLs. */
export interface MultipartStorage {
  /** Starts an upload; answers its id. */
  create(key: string, contentType: string): Promise<string>;
  /** URLs for UploadPart, each pinned to its part's exact length. */
  signParts(
    key: string,
    uploadId: string,
    parts: { partNumber: number; size: number }[],
    expiresInSeconds: number,
  ): Promise<SignedPart[]>;
  /** The parts S3 holds; 'missing' when the upload was completed or aborted. */
  listParts(key: string, uploadId: string): Promise<UploadedPart[] | 'missing'>;
  complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void>;
  abort(key: string, uploadId: string): Promise<void>;
}

export interface TimelineQuery {
  owner: string;
  libraryId?: string;
  /**
   * These libraries' timelines merged (of one media class, when named), rather than the one
   * library's or the owner's whole timeline.
   */
  libraries?: { ids: string[]; media?: MediaClass };
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
  before?: string;
  startAfter?: Asset;
}

/** A page of some libraries' trash, by trash time. */
export interface TrashPageQuery {
  libraryIds: string[];
  limit: number;
  order: 'asc' | 'desc';
  /** A trashed asset: the page starts after its trash position. */
  startAfter?: Asset;
}

export interface ExistQuery {
  libraryIds: string[];
  checksums?: string[];
  checksumSha1s?: string[];
  device?: { deviceId: string; deviceAssetIds: string[] };
}

export type ExistMatch = Pick<Asset, 'id' | 'checksum' | 'checksumSha1' | 'deviceAssetId' | 'deviceId'>;

export interface AssetRepository {
  create(asset: Asset): Promise<void>;
  get(id: string): Promise<Asset | undefined>;
  /** The records of these ids that exist, in no particular order (batched gets). */
  getMany(ids: string[]): Promise<Asset[]>;
  /**
   * Replaces the record unless it is gone, holds a newer event's result, or was edited since this
   * copy was read (its `editVersion`); with `expected.updatedAt`, only over exactly that record.
   * Answers whether it did.
   */
  save(asset: Asset, expected?: { updatedAt: string }): Promise<boolean>;
  /** Claims the asset's checksum in its library; answers the holder (this asset or another). */
  claimChecksum(asset: Asset): Promise<string>;
  findChecksum(libraryId: string, checksum: string): Promise<string | undefined>;
  /** Moves a claim from a holder that no longer exists to `asset`; answers whether it moved. */
  transferChecksum(asset: Asset, from: string): Promise<boolean>;
  /** Gives up the asset's claim, if it still holds it. */
  releaseChecksum(asset: Asset): Promise<void>;
  /** Lookup entries for `exist` by SHA-1 and by device id. */
  putEntries(asset: Asset): Promise<void>;
  /** Removes the record, its claim and entries; each removal only if it is still this asset's. */
  remove(asset: Asset): Promise<void>;
  timeline(query: TimelineQuery): Promise<{ assets: Asset[]; hasMore: boolean }>;
  exist(query: ExistQuery): Promise<ExistMatch[]>;
  /** Pages of pending assets created before the instant, oldest first, from the sparse pending index. */
  pendingUploads(createdBefore: string): AsyncIterable<Asset[]>;
  /** Replaces the record only while it is still pending; answers whether it did. */
  saveIfPending(asset: Asset): Promise<boolean>;
  /** Every trashed asset id of the library. */
  trashedIds(libraryId: string): Promise<string[]>;
  trashPage(query: TrashPageQuery): Promise<{ assets: Asset[]; hasMore: boolean }>;
  /** Pages of assets trashed before the instant (the purge's queue). */
  trashedBefore(instant: string): AsyncIterable<Asset[]>;
  /**
   * Up to `limit` of the library's assets that hold anything (processed, trashed or pending;
   * not uploads resolved as duplicates): what purging a library deletes, a batch at a time.
   */
  someOfLibrary(libraryId: string, limit: number): Promise<Asset[]>;
}

/** What a location filter reads of the geo index: one area of some libraries, with the timeline's date bounds. */
export interface GeoIndexQuery {
  libraryIds: string[];
  area: GeoArea;
  after?: string;
  before?: string;
  mediaType?: MediaClass;
}

/** The sparse index of ready assets with a position (gsi5): areas are answered from it, never by a scan. */
export interface GeoIndex {
  /** The ids of one page of the area's assets in timeline order, after `startAfter`'s position. */
  page(
    query: GeoIndexQuery & { order: 'asc' | 'desc'; limit: number; startAfter?: Asset },
  ): Promise<{ ids: string[]; hasMore: boolean }>;
  /** Every asset in the area, as clustering needs it. */
  points(query: GeoIndexQuery): Promise<GeoPoint[]>;
}

/** The processing queue: what it is sent takes the same path as an S3 event. */
export interface ProcessingQueue {
  enqueue(objects: ObjectCreated[]): Promise<void>;
}
