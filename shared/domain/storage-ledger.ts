import type { Asset } from './asset.ts';
import { DomainError, QuotaExceeded } from './errors.ts';
import { type Clock, systemClock } from './ports.ts';

/**
 * Where an asset's bytes stand in the counters:
 * - `reserved`: an upload in flight holds its declared size against the owner's quota;
 * - `stored`: its original is kept (ready, or failed after processing: the bytes stay downloadable
 *   until deleted) and counts in its library's `asset_count` and `storage_used_bytes`;
 * - `released`: it holds nothing (expired, aborted, discarded, resolved as a duplicate, deleted).
 */
export type UsagePhase = 'reserved' | 'stored' | 'released';

export interface UsageState {
  phase: UsagePhase | 'none';
  bytes: number;
}

/** What one transition changes. */
export interface UsageDeltas {
  /** The owner's charge: stored originals plus reservations; what the quota bounds. */
  chargedBytes: number;
  /** The owner's stored originals (`users/me` `storage_used_bytes`). */
  storedBytes: number;
  /** The library's `asset_count` and `storage_used_bytes`. */
  assetCount: number;
  libraryBytes: number;
}

const held = (state: UsageState) => (state.phase === 'reserved' || state.phase === 'stored' ? state.bytes : 0);
const stored = (state: UsageState) => (state.phase === 'stored' ? state.bytes : 0);

/** The counters' change from one state to the next: each counter is the sum over assets of its share. */
export const usageDeltas = (from: UsageState, to: UsageState): UsageDeltas => ({
  chargedBytes: held(to) - held(from),
  storedBytes: stored(to) - stored(from),
  assetCount: (to.phase === 'stored' ? 1 : 0) - (from.phase === 'stored' ? 1 : 0),
  libraryBytes: stored(to) - stored(from),
});

/** Which phases each transition may start from; anything else leaves the counters as they are. */
export const TRANSITIONS: Record<UsagePhase, (UsagePhase | 'none')[]> = {
  reserved: ['none'],
  // From `released` too: an upload the sweep gave up on whose bytes S3 accepted at the last moment.
  stored: ['reserved', 'released'],
  released: ['reserved', 'stored'],
};

export interface UsageEntry {
  assetId: string;
  owner: string;
  libraryId: string;
}

export type TransitionResult =
  | 'applied'
  /** Already in that phase, or in one it cannot come from (or never charged): nothing changed. */
  | 'unchanged'
  | 'over-quota'
  /** Another actor is applying a transition of this asset right now. */
  | 'busy';

export interface TransitionOptions {
  limit?: number;
  from?: UsagePhase[];
}

export interface OwnerUsage {
  chargedBytes: number;
  storedBytes: number;
  /** The owner's own limit; without one the deployment's default applies. */
  limitBytes?: number;
  limitUpdatedAt?: string;
}

/**
 * The counters, kept exact without transactions (the adapter's own comment says how). Every
 * transition is applied at most once however often it is asked for: retries and events that
 * arrive twice change nothing the second time.
 */
export interface UsageRepository {
  /**
   * Moves the asset to `to` from one of TRANSITIONS[to] (or of `from`, a subset); `limit` bounds
   * the owner's charge afterwards.
   */
  transition(entry: UsageEntry, to: UsagePhase, bytes: number, options?: TransitionOptions): Promise<TransitionResult>;
  usage(owner: string): Promise<OwnerUsage>;
  setLimit(owner: string, bytes: number | undefined, at: string): Promise<void>;
}

const BUSY_ATTEMPTS = 8;
const BUSY_WAIT_MS = 50;

/** Raised when another actor holds an asset's transition; retrying later finishes it. */
export class UsageBusy extends DomainError {
  override readonly name = 'UsageBusy';
}

const entryOf = (asset: Pick<Asset, 'id' | 'owner' | 'libraryId'>): UsageEntry => ({
  assetId: asset.id,
  owner: asset.owner,
  libraryId: asset.libraryId,
});

/** Library and owner counters, and the per-user storage quota that uploads reserve against. */
export class StorageLedger {
  constructor(
    private readonly deps: {
      usage: UsageRepository;
      /** The deployment's quota for users without a limit of their own. */
      defaultLimitBytes: number;
      clock?: Clock;
    },
  ) {}

  async limitOf(owner: string): Promise<{ usage: OwnerUsage; limitBytes: number }> {
    const usage = await this.deps.usage.usage(owner);
    return { usage, limitBytes: usage.limitBytes ?? this.deps.defaultLimitBytes };
  }

  setLimit(owner: string, bytes: number | undefined): Promise<void> {
    return this.deps.usage.setLimit(owner, bytes, (this.deps.clock ?? systemClock).now().toISOString());
  }

  /** Refuses, before anything is written, an upload that cannot fit whatever happens meanwhile. */
  async check(asset: Asset): Promise<void> {
    const { usage, limitBytes } = await this.limitOf(asset.owner);
    if (asset.fileSizeBytes > limitBytes - usage.chargedBytes) throw this.refusal(asset, usage, limitBytes);
  }

  /**
   * Holds the upload's declared size against the quota before it gets a target; refuses past the
   * limit, exactly under concurrent reservations. Called once the pending record exists: a crash
   * after the charge leaves a pending upload whose deadline passes, and the sweep gives it back
   * (finishing the dead reservation first).
   */
  async reserve(asset: Asset): Promise<void> {
    const { usage, limitBytes } = await this.limitOf(asset.owner);
    if (asset.fileSizeBytes > limitBytes - usage.chargedBytes) throw this.refusal(asset, usage, limitBytes);
    for (let attempt = 0; attempt < BUSY_ATTEMPTS; attempt++) {
      const result = await this.deps.usage.transition(entryOf(asset), 'reserved', asset.fileSizeBytes, {
        limit: limitBytes,
      });
      if (result === 'over-quota') throw this.refusal(asset, await this.deps.usage.usage(asset.owner), limitBytes);
      if (result !== 'busy') return;
      await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS * (attempt + 1)));
    }
    throw new UsageBusy(`the reservation of ${asset.id} is in progress; retry shortly`);
  }

  private refusal(asset: Asset, usage: OwnerUsage, limitBytes: number) {
    return new QuotaExceeded(
      `storage quota exceeded: this upload needs ${asset.fileSizeBytes} bytes, ` +
        `${usage.chargedBytes} of the ${limitBytes}-byte limit are in use or reserved`,
    );
  }

  /** The original is kept: it counts in its library, at its real size. */
  settle(asset: Asset): Promise<void> {
    return this.move(asset, 'stored', asset.fileSizeBytes);
  }

  /** The asset holds no bytes any more (whatever it held). */
  release(asset: Pick<Asset, 'id' | 'owner' | 'libraryId'>): Promise<void> {
    return this.move(asset, 'released', 0);
  }

  /** An upload that never arrived gives back its reservation; an asset stored meanwhile keeps counting. */
  releaseReservation(asset: Pick<Asset, 'id' | 'owner' | 'libraryId'>): Promise<void> {
    return this.move(asset, 'released', 0, ['reserved']);
  }

  /**
   * Another actor's transition of the same asset (a direct upload's inline settle and its S3
   * event's, say) takes a few writes: wait for it a little. One that stays busy was left by a
   * dead invocation, and the caller's retry finishes it once the adapter's horizon has passed.
   */
  private async move(
    asset: Pick<Asset, 'id' | 'owner' | 'libraryId'>,
    to: UsagePhase,
    bytes: number,
    from?: UsagePhase[],
  ) {
    for (let attempt = 0; attempt < BUSY_ATTEMPTS; attempt++) {
      const result = await this.deps.usage.transition(entryOf(asset), to, bytes, from ? { from } : {});
      if (result !== 'busy') return;
      await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS * (attempt + 1)));
    }
    throw new UsageBusy(`another change to the storage counted for ${asset.id} is in progress; retry shortly`);
  }
}
