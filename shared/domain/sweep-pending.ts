import { originalKey } from '#shared/object-keys.ts';
import { type Asset, NEVER_ARRIVED } from './asset.ts';
import type { ObjectCreated } from './object-event.ts';
import type { AssetRepository, Clock, ObjectStorage, ProcessingQueue } from './ports.ts';
import { type StorageLedger, UsageBusy } from './storage-ledger.ts';

export interface SweepDeps {
  assets: AssetRepository;
  storage: ObjectStorage;
  queue: ProcessingQueue;
  ledger: StorageLedger;
  clock: Clock;
  originalsBucket: string;
  /** Uploads younger than this are left to their own S3 event, which normally arrives in seconds. */
  graceMs: number;
}

export interface SweepReport {
  /** Pending assets older than the grace period. */
  examined: number;
  /** Their original is in S3: sent to the processing queue. */
  enqueued: number;
  /** Their target expired and nothing arrived: marked failed, off the pending index. */
  abandoned: number;
  /** Still within their target's lifetime (or a direct upload's lease): left for a later sweep. */
  waiting: number;
}

/** HEADs at once: enough to finish a large backlog within a run, few enough not to burst S3. */
const CONCURRENCY = 16;

/**
 * Finds pending uploads whose S3 event never led to processing (a lost event, a misconfigured rule
 * or target, a crash before the event was queued) and sends their original down the normal
 * processing path; the processor skips what is already done, so a late event and a sweep never do
 * the work twice. Uploads that can no longer arrive are marked failed, so the index only holds
 * uploads still in play.
 */
export class PendingSweep {
  constructor(private readonly deps: SweepDeps) {}

  async run(): Promise<SweepReport> {
    const now = this.deps.clock.now().getTime();
    const report: SweepReport = { examined: 0, enqueued: 0, abandoned: 0, waiting: 0 };
    const createdBefore = new Date(now - this.deps.graceMs).toISOString();
    for await (const page of this.deps.assets.pendingUploads(createdBefore)) {
      report.examined += page.length;
      const found: ObjectCreated[] = [];
      for (let i = 0; i < page.length; i += CONCURRENCY) {
        const verdicts = await Promise.all(page.slice(i, i + CONCURRENCY).map((asset) => this.examine(asset, now)));
        for (const verdict of verdicts) {
          if (typeof verdict === 'object') found.push(verdict);
          else if (verdict !== 'settled') report[verdict]++;
        }
      }
      if (found.length > 0) await this.deps.queue.enqueue(found);
      report.enqueued += found.length;
    }
    return report;
  }

  private async examine(asset: Asset, now: number): Promise<ObjectCreated | 'abandoned' | 'waiting' | 'settled'> {
    // A direct upload processes its own bytes under a lease; the processor would only wait for it.
    if (asset.inlineUntil && Date.parse(asset.inlineUntil) > now) return 'waiting';
    const key = originalKey(asset.owner, asset.id);
    const object = await this.deps.storage.head(key);
    if (object !== 'missing') {
      // No sequencer: only S3 knows it, and an empty one never makes a real event look stale.
      return { bucket: this.deps.originalsBucket, key, size: object.size, etag: object.etag, sequencer: '' };
    }
    // The grace past the deadline covers an upload S3 accepted just before its policy expired.
    const deadline = Date.parse(asset.uploadExpiresAt ?? asset.inlineUntil ?? asset.createdAt);
    if (deadline + this.deps.graceMs > now) return 'waiting';
    // The index is eventually consistent: write over the record itself, not its index copy.
    const current = await this.deps.assets.get(asset.id);
    if (current?.state !== 'pending') return 'settled';
    // The reservation first: a crash before the record's write leaves it pending for the next sweep,
    // and an upload that the processor stores meanwhile is settled from `released` (re-charged).
    try {
      await this.deps.ledger.releaseReservation(current);
    } catch (error) {
      // Another actor is changing this asset's counters right now: a later sweep finishes it.
      if (error instanceof UsageBusy) return 'waiting';
      throw error;
    }
    const failed: Asset = {
      ...current,
      state: 'failed',
      error: NEVER_ARRIVED,
      updatedAt: new Date(now).toISOString(),
    };
    // Conditional: an upload processed since the HEAD keeps its result.
    return (await this.deps.assets.saveIfPending(failed)) ? 'abandoned' : 'settled';
  }
}
