import { z } from 'zod';
import { PROCESSING_QUEUE } from '#shared/deployment.ts';

/**
 * The local processing queue and its consumer, parsed once. Tests may shrink the timeouts, but
 * never below the cloud stack's ratio: a message hidden for less than six handler timeouts would
 * be redelivered while a slow invocation still works on it.
 */
export const queueConfig = z
  .strictObject({
    /** The handler's timeout (the deployed processor has 15 minutes; locally 2 are plenty). */
    timeoutMs: z.number().int().positive().default(120_000),
    visibilityTimeoutMs: z.number().int().positive().optional(),
    maxReceiveCount: z.number().int().min(1).default(PROCESSING_QUEUE.maxReceiveCount),
    /** Batches in flight at once (the event source mapping's maximum concurrency). */
    concurrency: z.number().int().min(1).default(2),
  })
  .transform((config) => ({
    ...config,
    visibilityTimeoutMs: config.visibilityTimeoutMs ?? config.timeoutMs * PROCESSING_QUEUE.visibilityPerTimeout,
  }))
  .refine((config) => config.visibilityTimeoutMs >= config.timeoutMs * PROCESSING_QUEUE.visibilityPerTimeout, {
    message: `the visibility timeout must be at least ${PROCESSING_QUEUE.visibilityPerTimeout} × the handler timeout`,
    path: ['visibilityTimeoutMs'],
  });

export type QueueConfig = z.infer<typeof queueConfig>;
export type QueueConfigInput = z.input<typeof queueConfig>;
