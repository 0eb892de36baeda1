import { createClients, createSqsClient } from '#shared/aws/clients.ts';
import type { SweepConfig } from '#shared/config.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { StorageLedger } from '#shared/domain/storage-ledger.ts';
import { PendingSweep } from '#shared/domain/sweep-pending.ts';
import { SqsProcessingQueue } from '#shared/queue/sqs-processing-queue.ts';
import { S3Storage } from '#shared/storage/s3-storage.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { DynamoUsage } from '#shared/table/dynamo-usage.ts';

// The sweep's composition root: no media code, since it only finds work and queues it.

export const composeSweep = (config: SweepConfig) => {
  const clients = createClients(config);
  const storage = new S3Storage(
    clients.s3,
    { originals: config.ORIGINALS_BUCKET, derived: config.DERIVED_BUCKET },
    config.DARKROOM_DISK_LIMIT_BYTES,
  );
  return new PendingSweep({
    assets: new DynamoAssets(clients.dynamo, config.TABLE_NAME),
    storage,
    queue: new SqsProcessingQueue(createSqsClient(config), config.PROCESSING_QUEUE_URL),
    ledger: new StorageLedger({
      usage: new DynamoUsage(
        clients.dynamo,
        config.TABLE_NAME,
        systemClock,
        config.DARKROOM_TRANSITION_HORIZON_SECONDS * 1000,
      ),
      defaultLimitBytes: config.DARKROOM_STORAGE_LIMIT_BYTES,
    }),
    clock: systemClock,
    originalsBucket: config.ORIGINALS_BUCKET,
    graceMs: config.DARKROOM_SWEEP_GRACE_SECONDS * 1000,
  });
};
