import { createClients, createSqsClient } from '#shared/aws/clients.ts';
import type { SweepConfig } from '#shared/config.ts';
import { Accounts } from '#shared/domain/accounts.ts';
import { AssetAlbums } from '#shared/domain/asset-albums.ts';
import { AssetFaces } from '#shared/domain/asset-faces.ts';
import { AssetTrash } from '#shared/domain/asset-trash.ts';
import { DeleteAsset } from '#shared/domain/delete-asset.ts';
import { LibraryPurge } from '#shared/domain/library-purge.ts';
import { PeopleClustering } from '#shared/domain/people-clustering.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { StorageLedger } from '#shared/domain/storage-ledger.ts';
import { PendingSweep } from '#shared/domain/sweep-pending.ts';
import { centroidPlanner, libraryRebuilder } from '#shared/faces/cluster-planner.ts';
import { SqsProcessingQueue } from '#shared/queue/sqs-processing-queue.ts';
import { S3Storage } from '#shared/storage/s3-storage.ts';
import { DynamoAccounts } from '#shared/table/dynamo-accounts.ts';
import { DynamoAlbumMembers } from '#shared/table/dynamo-album-members.ts';
import { DynamoAlbums } from '#shared/table/dynamo-albums.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { DynamoFaces, DynamoTasks } from '#shared/table/dynamo-faces.ts';
import { DynamoUsage } from '#shared/table/dynamo-usage.ts';

// The sweep's composition root: no media code, since it only finds work and queues it, and
// purges what has been in the trash longer than its retention window: assets, and libraries.

export const composeSweep = (config: SweepConfig) => {
  const clients = createClients(config);
  const table = config.TABLE_NAME;
  const storage = new S3Storage(
    clients.s3,
    { originals: config.ORIGINALS_BUCKET, derived: config.DERIVED_BUCKET },
    config.DARKROOM_DISK_LIMIT_BYTES,
  );
  const assets = new DynamoAssets(clients.dynamo, table);
  const ledger = new StorageLedger({
    usage: new DynamoUsage(clients.dynamo, table, systemClock, config.DARKROOM_TRANSITION_HORIZON_SECONDS * 1000),
    defaultLimitBytes: config.DARKROOM_STORAGE_LIMIT_BYTES,
  });
  const faces = new DynamoFaces(clients.dynamo, table);
  const accountRepository = new DynamoAccounts(clients.dynamo, table);
  const accounts = new Accounts(accountRepository, systemClock);
  const people = new PeopleClustering({
    faces,
    planner: centroidPlanner(),
    rebuild: libraryRebuilder(),
    clock: systemClock,
  });
  const albumRepository = new DynamoAlbums(clients.dynamo, table);
  const members = new DynamoAlbumMembers(clients.dynamo, table);
  const albums = new AssetAlbums(albumRepository, members);
  const deleteAsset = new DeleteAsset({
    assets,
    storage,
    ledger,
    faces: new AssetFaces({ faces, tasks: new DynamoTasks(clients.dynamo, table), storage, people }),
    albums,
  });
  return {
    pending: new PendingSweep({
      assets,
      storage,
      queue: new SqsProcessingQueue(createSqsClient(config), config.PROCESSING_QUEUE_URL),
      ledger,
      clock: systemClock,
      originalsBucket: config.ORIGINALS_BUCKET,
      graceMs: config.DARKROOM_SWEEP_GRACE_SECONDS * 1000,
    }),
    trash: new AssetTrash({
      accounts,
      assets,
      clock: systemClock,
      deleteAsset,
      albums,
      retentionDays: config.DARKROOM_TRASH_RETENTION_DAYS,
    }),
    libraries: new LibraryPurge({
      accounts,
      repository: accountRepository,
      assets,
      deleteAsset,
      albums: albumRepository,
      members,
      faces,
      clock: systemClock,
      batch: config.DARKROOM_LIBRARY_PURGE_BATCH,
    }),
  };
};
