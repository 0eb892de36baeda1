import { logger } from '../../shared/logger.ts';
import { composeSweep } from '../compose-sweep.ts';

const sweep = composeSweep();

/**
 * Run by EventBridge Scheduler (and by the local stack's timer); the schedule's payload carries
 * nothing the sweep needs. A throw fails the invocation, and the next run starts over.
 */
export const handler = async (_event?: unknown) => {
  const started = Date.now();
  const report = await sweep.run();
  logger.info('swept pending uploads', { ...report, ms: Date.now() - started });
  return report;
};
