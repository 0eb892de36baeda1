import { derivedKeys, originalKey, parseOriginalKey } from '#shared/object-keys.ts';
import { type Asset, compareSequencers, PIPELINE_VERSION } from './asset.ts';
import type { AssetAlbums } from './asset-albums.ts';
import { withOverrides } from './asset-edits.ts';
import type { AssetTrash } from './asset-trash.ts';
import { localDatetime } from './datetime.ts';
import { MediaRejected } from './errors.ts';
import type { FaceQueue } from './face-ports.ts';
import type { ObjectCreated } from './object-event.ts';
import { type PlacedReading, placeReading } from './place-reading.ts';
import type {
  AssetRepository,
  Clock,
  Gazetteer,
  Inspection,
  MediaProcessor,
  ObjectStorage,
  Original,
  Rendition,
} from './ports.ts';
import type { StorageLedger } from './storage-ledger.ts';

export type Outcome =
  | 'ready'
  | 'failed'
  | 'duplicate'
  /** Already processed from these bytes by this pipeline version. */
  | 'skipped'
  /** An event older than the one already applied to this key. */
  | 'stale'
  /** The object was replaced or deleted after the event was sent. */
  | 'superseded'
  /** No asset owns the key (deleted, or never created): the object is removed. */
  | 'orphan'
  /** Not an original of ours. */
  | 'ignored';

/**
 * The processor's steps, in order: stream the original through both hashes (to a temporary file,
 * or past for one above the disk limit), sniff and read its metadata (ffprobe for a video), decode
 * into the preview, thumbnail and thumbhash (a video's poster frame first), wait for the original's
 * put (a direct upload stores it meanwhile), claim the checksum, then write the derived files, the
 * lookup entries and the record.
 */
export const STEPS = ['download', 'inspect', 'render', 'store', 'claim', 'writes'] as const;
export type Step = (typeof STEPS)[number];
/** Milliseconds spent in each step taken, by the processor's clock. */
export type StepTimings = Partial<Record<Step, number>>;

/** Where the processed bytes are stored: the original's ETag (and the event's sequencer, if any). */
export interface StoredOriginal {
  etag: string;
  sequencer?: string;
}

export interface Processed {
  outcome: Outcome;
  asset?: Asset;
  /** The steps this run took and their milliseconds (none for an event that needed no work). */
  timings?: StepTimings;
}

export interface ProcessorDeps {
  assets: AssetRepository;
  storage: ObjectStorage;
  media: MediaProcessor;
  places: Gazetteer;
  ledger: StorageLedger;
  clock: Clock;
  /** The face stage's queue: every asset found ready is sent there (the stage skips what it did). */
  faces?: FaceQueue;
  /** An asset added to albums while pending moves in their timelines to the capture time found. */
  albums?: Pick<AssetAlbums, 'follow'>;
  /** Uploading a trashed asset's bytes again brings it back from the trash. */
  trash?: Pick<AssetTrash, 'revive'>;
}

/** How long the S3 event leaves a direct upload to finish its own processing. */
export const INLINE_LEASE_MS = 60_000;
const INLINE_POLL_MS = 250;
/** A claim holder has only S3 and DynamoDB writes left; this is ample for them. */
const SETTLE_WAIT_MS = 10_000;

/**
 * Turns an uploaded original into a ready (or failed, or duplicate) asset. Every step is safe to
 * repeat: the same event twice, events out of order, a crash between any two steps and a replay
 * all end with one record, one checksum claim and one set of derived files.
 */
export class AssetProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  async handleObject(event: ObjectCreated, options: { force?: boolean } = {}): Promise<Processed> {
    const processed = await this.processObject(event, options);
    // After the record, so the stage finds the asset ready; a failed send throws and the event
    // comes back, is 'skipped' and sends again. A direct upload's asset is sent by its S3 event.
    if (processed.asset?.state === 'ready' && (processed.outcome === 'ready' || processed.outcome === 'skipped'))
      await this.deps.faces?.enqueue([
        { kind: 'detect', assetId: processed.asset.id, ...(options.force && { force: true }) },
      ]);
    return processed;
  }

  private async processObject(event: ObjectCreated, options: { force?: boolean }): Promise<Processed> {
    const parsed = parseOriginalKey(event.key);
    if (!parsed) return { outcome: 'ignored' };
    const asset = await this.afterInlineProcessing(await this.deps.assets.get(parsed.assetId));
    if (!asset || asset.owner !== parsed.owner) {
      if (!asset) await this.deps.storage.deleteOriginal(event.key);
      return { outcome: asset ? 'ignored' : 'orphan' };
    }
    const done = asset.state !== 'pending' && asset.etag === event.etag;
    if (done && !options.force && (asset.pipelineVersion ?? 0) >= PIPELINE_VERSION) {
      // An invocation that died after its record but before the counters left them to this one.
      await this.account(asset);
      await this.deps.albums?.follow(asset);
      return { outcome: 'skipped', asset };
    }
    if (asset.sequencer && event.sequencer && compareSequencers(event.sequencer, asset.sequencer) < 0) {
      return { outcome: 'stale', asset };
    }
    const timings: StepTimings = {};
    const download = await this.timed(timings, 'download', () =>
      this.deps.storage.download(event.key, event.etag || undefined),
    );
    if (download === 'missing') return { outcome: 'superseded', asset, timings };
    try {
      return await this.processFile(asset, download.file, { etag: event.etag, sequencer: event.sequencer }, timings);
    } finally {
      await download.release();
    }
  }

  /**
   * The work itself, also run inline by the direct upload with the bytes it already has; its
   * steps' milliseconds are added to `timings`.
   */
  async processFile(
    asset: Asset,
    file: Original,
    source: StoredOriginal | (() => Promise<StoredOriginal>),
    timings: StepTimings = {},
  ): Promise<Processed> {
    const { assets, media, storage } = this.deps;
    const timed = <T>(step: Step, work: () => Promise<T>) => this.timed(timings, step, work);
    const base: Asset = {
      ...asset,
      checksum: file.sha256,
      checksumSha1: file.sha1,
      fileSizeBytes: file.size,
      pipelineVersion: PIPELINE_VERSION,
      updatedAt: this.deps.clock.now().toISOString(),
    };
    delete base.error;
    delete base.duplicateOf;
    delete base.inlineUntil;
    // Told again by this run's place, or not at all.
    delete base.countryCode;
    delete base.timezone;

    let work: { inspection: Inspection; rendition: Rendition; placed: PlacedReading } | MediaRejected;
    try {
      if (file.size !== asset.fileSizeBytes) {
        throw new MediaRejected(`the upload is ${file.size} bytes, not the ${asset.fileSizeBytes} declared`);
      }
      if (asset.declaredChecksum && asset.declaredChecksum !== file.sha256) {
        throw new MediaRejected('the uploaded bytes do not match the declared checksum');
      }
      const inspection = await timed('inspect', () => media.inspect(file));
      base.mimeType = inspection.mimeType;
      // Naming the place is microseconds (the first photo loads the index): beside the decode.
      const [rendition, placed] = await Promise.all([
        timed('render', () => media.render(file, inspection)),
        placeReading(withOverrides(inspection.reading, asset.overrides), this.deps.places),
      ]);
      work = { inspection, rendition, placed };
    } catch (error) {
      if (!(error instanceof MediaRejected)) throw error;
      work = error;
    }
    // Nothing is recorded before the original is stored (a direct upload puts it meanwhile).
    const stored = typeof source === 'function' ? await timed('store', source) : source;
    base.etag = stored.etag;
    if (stored.sequencer) base.sequencer = stored.sequencer;

    if (work instanceof MediaRejected) {
      // A reprocessing that now fails gives up a claim an earlier run took.
      const failed = { ...base, state: 'failed' as const, error: work.message };
      return timed('writes', async () => {
        await assets.releaseChecksum(base);
        // Only a sniffed type is ever recorded: bytes that are no media are served as octet-stream.
        return { ...(await this.finish(failed)), timings };
      });
    }

    const { inspection, rendition, placed } = work;
    const holder = await timed('claim', () => this.claim(base));
    if (holder !== base.id) {
      return timed('writes', async () => {
        await storage.deleteDerived(Object.values(derivedKeys(base)));
        // The bytes live on in the asset that holds them; this upload's copy is redundant, and goes
        // before the counters are touched (a client that sees the duplicate finds its copy gone).
        const duplicate = await this.finish({ ...base, state: 'duplicate', duplicateOf: holder }, () =>
          storage.deleteOriginal(originalKey(base.owner, base.id)),
        );
        // A new upload only: replaying an old duplicate's event must not undo a later trash.
        const held = asset.state === 'pending' && duplicate.outcome === 'duplicate' && (await assets.get(holder));
        if (held && this.deps.trash) await this.deps.trash.revive(held);
        return { ...duplicate, timings };
      });
    }

    const keys = derivedKeys(base);
    const { reading } = placed;
    const ready: Asset = {
      ...base,
      state: 'ready',
      mimeType: inspection.mimeType,
      width: rendition.width,
      height: rendition.height,
      exif: reading.exif,
      fileReading: inspection.reading,
      ...(placed.countryCode && { countryCode: placed.countryCode }),
      ...(placed.timezone && { timezone: placed.timezone }),
      ...(inspection.durationSeconds !== undefined && { duration: inspection.durationSeconds }),
      thumbhash: rendition.thumbhash,
      metrics: rendition.metrics,
      localDatetime: reading.captured ? localDatetime(reading.captured) : asset.fileCreatedAt,
    };
    return timed('writes', async () => {
      // Independent of each other, so at once; the record, which makes the asset ready, comes last.
      await Promise.all([
        storage.putDerived(keys.preview, rendition.preview, 'image/jpeg'),
        storage.putDerived(keys.thumbnail, rendition.thumbnail, 'image/webp'),
        assets.putEntries(ready),
      ]);
      return { ...(await this.finish(ready)), timings };
    });
  }

  /** Runs one step, adding its milliseconds to `timings` (also when it throws). */
  private async timed<T>(timings: StepTimings, step: Step, work: () => Promise<T>): Promise<T> {
    const started = this.deps.clock.now().getTime();
    try {
      return await work();
    } finally {
      timings[step] = (timings[step] ?? 0) + this.deps.clock.now().getTime() - started;
    }
  }

  /**
   * The asset once it has left `pending`. A checksum's holder is pending only while it writes its
   * derived files and record, so an upload that found it waits for that (bounded) rather than
   * answer with a half-made asset.
   */
  async settled(id: string): Promise<Asset | undefined> {
    const deadline = this.deps.clock.now().getTime() + SETTLE_WAIT_MS;
    return this.pollWhile(await this.deps.assets.get(id), () => this.deps.clock.now().getTime() < deadline);
  }

  /**
   * A direct upload processes its bytes itself and holds a short lease meanwhile: wait for it
   * (usually a second or two) rather than do the work twice. If it died, the lease runs out and
   * this event does the work.
   */
  private afterInlineProcessing(asset: Asset | undefined): Promise<Asset | undefined> {
    return this.pollWhile(
      asset,
      (current) => !!current.inlineUntil && Date.parse(current.inlineUntil) > this.deps.clock.now().getTime(),
    );
  }

  /** Re-reads a pending asset while `waiting` holds for it. */
  private async pollWhile(asset: Asset | undefined, waiting: (asset: Asset) => boolean): Promise<Asset | undefined> {
    let current = asset;
    while (current?.state === 'pending' && waiting(current)) {
      await new Promise((resolve) => setTimeout(resolve, INLINE_POLL_MS));
      current = await this.deps.assets.get(current.id);
    }
    return current;
  }

  /** Claims the checksum, taking over a claim whose holder was deleted. */
  private async claim(asset: Asset): Promise<string> {
    const { assets } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const holder = await assets.claimChecksum(asset);
      if (holder === asset.id) return holder;
      const existing = await assets.get(holder);
      if (existing && existing.state !== 'failed') return holder;
      if (await assets.transferChecksum(asset, holder)) return asset.id;
    }
    throw new Error(`could not settle the checksum claim of ${asset.id}`);
  }

  /**
   * The counters follow the record: a kept original (ready, or failed with its bytes) is stored,
   * a duplicate holds nothing. Idempotent, so a repeated event changes nothing. A delete that
   * removed the record meanwhile released first; if this settle came after that release, the
   * record is gone now and the settle is undone here (DeleteAsset releases again after removing
   * the record, for a settle that came before it).
   */
  private async account(asset: Asset): Promise<void> {
    const { ledger, assets } = this.deps;
    if (asset.state === 'ready' || asset.state === 'failed') await ledger.settle(asset);
    else if (asset.state === 'duplicate') await ledger.release(asset);
    else return;
    if (!(await assets.get(asset.id))) await ledger.release(asset);
  }

  /** The final, guarded write. Losing it means the asset was deleted or a newer event won. */
  private async finish(asset: Asset, afterSave?: () => Promise<void>): Promise<Processed> {
    const { assets, storage } = this.deps;
    // Before the record, so the asset is never listed in an album at its upload-time position; a
    // save that then loses leaves this to the run that won (or to the delete that removed it).
    await this.deps.albums?.follow(asset);
    if (await assets.save(asset)) {
      await afterSave?.();
      await this.account(asset);
      return { outcome: asset.state as Outcome, asset };
    }
    const current = await assets.get(asset.id);
    // Edited while this run worked from the older overrides: the event comes back and applies them.
    if (current && current.editVersion !== asset.editVersion) throw new EditedWhileProcessing(asset.id);
    if (current) return { outcome: 'stale', asset: current };
    // Deleted while we worked: leave nothing of ours behind.
    await assets.releaseChecksum(asset);
    await storage.deleteDerived(Object.values(derivedKeys(asset)));
    return { outcome: 'orphan' };
  }
}

/** Retryable: the record was edited by hand while it was being processed. */
class EditedWhileProcessing extends Error {
  constructor(id: string) {
    super(`asset ${id} was edited while it was processed; processing again`);
    this.name = 'EditedWhileProcessing';
  }
}
