import { type Asset, type DarkroomClient, unwrap } from '#shared/client/index.ts';

// After the bytes land, the processor decides: ready, failed (what the bytes really are), or a
// duplicate of an asset already there. The run waits for that verdict, so its summary and exit
// code say what happened to each file, not merely that it was sent.

const POLL_MS = 500;
const AT_ONCE = 16;

export interface SettleOptions {
  /** Gives up on assets still pending when nothing has settled for this long. */
  idleTimeoutMs: number;
  signal: AbortSignal;
  onSettled: (asset: Asset) => void;
}

/** Polls each asset until it is no longer pending; answers the ids that never settled. */
export const settleAll = async (client: DarkroomClient, ids: string[], options: SettleOptions): Promise<string[]> => {
  const pending = new Set(ids);
  let lastProgress = Date.now();
  while (pending.size > 0 && Date.now() - lastProgress < options.idleTimeoutMs) {
    options.signal.throwIfAborted();
    const queue = [...pending];
    await Promise.all(
      Array.from({ length: Math.min(AT_ONCE, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const asset = (await unwrap(client.GET('/api/assets/{id}', { params: { path: { id } } }))) as Asset;
          if (asset.state === 'pending') continue;
          pending.delete(id);
          lastProgress = Date.now();
          options.onSettled(asset);
        }
      }),
    );
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return [...pending];
};
