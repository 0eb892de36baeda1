import { logger } from '#shared/logger.ts';

export interface LocalSchedule {
  stop(): Promise<void>;
}

/**
 * EventBridge Scheduler's part on the local stack: runs `task` now and then every `intervalMs`,
 * never two runs at once (a tick during a run is skipped), and a failure is logged, not thrown.
 */
export const startSchedule = (name: string, task: () => Promise<unknown>, intervalMs: number): LocalSchedule => {
  let current: Promise<void> | undefined;
  const tick = () => {
    current ??= task()
      .then(
        () => undefined,
        (error: Error) => logger.error('scheduled run failed', { schedule: name, error }),
      )
      .finally(() => {
        current = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
};
