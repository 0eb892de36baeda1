import { composeSweep } from '#functions/compose-sweep.ts';
import type { SweepConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';

/** The sweep; handler.ts builds it from the cold start's config, the local stack from its own. */
export const createSweepHandler = (config: SweepConfig) => {
  const sweep = composeSweep(config);

  /**
   * Run by EventBridge Scheduler (and by the local stack's timer); the schedule's payload carries
   * nothing the sweep needs. A throw fails the invocation, and the next run starts over (both
   * parts are safe to repeat).
   */
  return async (_event?: unknown) => {
    const started = Date.now();
    const report = await sweep.pending.run();
    logger.info('swept pending uploads', { ...report, ms: Date.now() - started });
    const purgeStarted = Date.now();
    const purge = await sweep.trash.purgeExpired();
    logger.info('purged expired trash', { ...purge, ms: Date.now() - purgeStarted });
    const librariesStarted = Date.now();
    const libraries = await sweep.libraries.run();
    logger.info('purged trashed libraries', { ...libraries, ms: Date.now() - librariesStarted });
    return { ...report, ...purge, libraryAssetsPurged: libraries.assets, librariesPurged: libraries.libraries };
  };
};
