import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createClients } from '#shared/aws/clients.ts';
import type { Config } from '#shared/config.ts';
import { Accounts } from '#shared/domain/accounts.ts';
import { AlbumAssetPages } from '#shared/domain/album-asset-pages.ts';
import { AlbumLinkQueries } from '#shared/domain/album-link-queries.ts';
import type { AlbumMembers, AlbumRepository } from '#shared/domain/album-ports.ts';
import { AlbumQueries } from '#shared/domain/album-queries.ts';
import { AssetAlbums } from '#shared/domain/asset-albums.ts';
import { AssetCounts } from '#shared/domain/asset-counts.ts';
import { AssetEdits } from '#shared/domain/asset-edits.ts';
import { AssetFaces } from '#shared/domain/asset-faces.ts';
import { AssetQueries } from '#shared/domain/asset-queries.ts';
import { AssetTrash } from '#shared/domain/asset-trash.ts';
import { CountLedger } from '#shared/domain/count-ledger.ts';
import { DeleteAsset } from '#shared/domain/delete-asset.ts';
import type { FaceQueue } from '#shared/domain/face-ports.ts';
import { FaceQueries } from '#shared/domain/face-queries.ts';
import { FeedQueries } from '#shared/domain/feed.ts';
import { LibraryTrash } from '#shared/domain/library-trash.ts';
import { MultipartUploads } from '#shared/domain/multipart.ts';
import { PeopleClustering } from '#shared/domain/people-clustering.ts';
import { PeopleQueries } from '#shared/domain/people-queries.ts';
import type {
  AssetRepository,
  Gazetteer,
  MediaProcessor,
  MultipartStorage,
  ObjectStorage,
} from '#shared/domain/ports.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { AssetProcessor } from '#shared/domain/process-asset.ts';
import { StorageLedger, type UsageRepository } from '#shared/domain/storage-ledger.ts';
import { Uploads } from '#shared/domain/uploads.ts';
import { Users } from '#shared/domain/users.ts';
import { centroidPlanner, libraryRebuilder } from '#shared/faces/cluster-planner.ts';
import { LazyGazetteer } from '#shared/geo/lazy-gazetteer.ts';
import { sharpFaceCropper } from '#shared/media/face-crop.ts';
import { LazyMedia } from '#shared/media/lazy-media.ts';
import { S3Multipart } from '#shared/storage/s3-multipart.ts';
import { S3Storage } from '#shared/storage/s3-storage.ts';
import { DynamoAccounts } from '#shared/table/dynamo-accounts.ts';
import { DynamoAlbumMembers } from '#shared/table/dynamo-album-members.ts';
import { DynamoAlbums } from '#shared/table/dynamo-albums.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { DynamoCountReads } from '#shared/table/dynamo-count-reads.ts';
import { DynamoCounters } from '#shared/table/dynamo-counters.ts';
import { DynamoFaces, DynamoTasks } from '#shared/table/dynamo-faces.ts';
import { DynamoFeed } from '#shared/table/dynamo-feed.ts';
import { DynamoGeoIndex } from '#shared/table/dynamo-geo-index.ts';
import { DynamoUsage } from '#shared/table/dynamo-usage.ts';

// The composition root of the API and the processor: built once per cold start, from one config.

/** The adapters behind the asset use cases; a test may swap any of them (a wrapped one that fails on cue). */
export interface AssetAdapters {
  assets: AssetRepository;
  storage: ObjectStorage;
  multipart: MultipartStorage;
  media: MediaProcessor;
  places: Gazetteer;
  usage: UsageRepository;
  albums: AlbumRepository;
  members: AlbumMembers;
  /** The processor's only (so the API's bundle carries no SQS client): see process/create-handler.ts. */
  faceQueue?: FaceQueue;
}

export const assetAdapters = (config: Config, clients = createClients(config)): AssetAdapters => ({
  assets: new DynamoAssets(clients.dynamo, config.TABLE_NAME),
  albums: new DynamoAlbums(clients.dynamo, config.TABLE_NAME),
  members: new DynamoAlbumMembers(clients.dynamo, config.TABLE_NAME),
  storage: new S3Storage(
    clients.s3,
    { originals: config.ORIGINALS_BUCKET, derived: config.DERIVED_BUCKET },
    config.DARKROOM_DISK_LIMIT_BYTES,
  ),
  multipart: new S3Multipart(clients.s3, config.ORIGINALS_BUCKET),
  media: new LazyMedia({ ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH }),
  places: new LazyGazetteer({ index: config.DARKROOM_PLACE_INDEX, module: config.DARKROOM_GEOCODER_MODULE }),
  usage: new DynamoUsage(
    clients.dynamo,
    config.TABLE_NAME,
    systemClock,
    config.DARKROOM_TRANSITION_HORIZON_SECONDS * 1000,
  ),
});

export const composeAssets = (config: Config, overrides: Partial<AssetAdapters> = {}) => {
  const clients = createClients(config);
  const accountRepository = new DynamoAccounts(clients.dynamo, config.TABLE_NAME);
  const accounts = new Accounts(accountRepository, systemClock);
  const { assets, storage, multipart, media, places, usage, albums, members, faceQueue } = {
    ...assetAdapters(config, clients),
    ...overrides,
  };
  const ledger = new StorageLedger({ usage, defaultLimitBytes: config.DARKROOM_STORAGE_LIMIT_BYTES });
  const assetAlbums = new AssetAlbums(albums, members);
  const faces = new DynamoFaces(clients.dynamo, config.TABLE_NAME);
  const tasks = new DynamoTasks(clients.dynamo, config.TABLE_NAME);
  const clustering = new PeopleClustering({
    faces,
    planner: centroidPlanner(),
    rebuild: libraryRebuilder(),
    clock: systemClock,
  });
  const deleteAsset = new DeleteAsset({
    assets,
    storage,
    ledger,
    faces: new AssetFaces({ faces, tasks, storage, people: clustering }),
    albums: assetAlbums,
  });
  const trash = new AssetTrash({
    accounts,
    assets,
    clock: systemClock,
    deleteAsset,
    albums: assetAlbums,
    retentionDays: config.DARKROOM_TRASH_RETENTION_DAYS,
  });
  const processor = new AssetProcessor({
    assets,
    storage,
    media,
    places,
    ledger,
    clock: systemClock,
    albums: assetAlbums,
    trash,
    ...(faceQueue && { faces: faceQueue }),
  });
  const faceDeps = { accounts, assets, faces, clustering, clock: systemClock };
  return {
    accounts,
    libraryTrash: new LibraryTrash({
      accounts,
      repository: accountRepository,
      clock: systemClock,
      retentionDays: config.DARKROOM_LIBRARY_RETENTION_DAYS,
    }),
    assets,
    faces,
    tasks,
    clustering,
    faceQueries: new FaceQueries({ ...faceDeps, storage, cropper: sharpFaceCropper }),
    peopleQueries: new PeopleQueries({ ...faceDeps, albums, members }),
    albumQueries: new AlbumQueries({ accounts, assets, albums, members, clock: systemClock }),
    albumLinkQueries: new AlbumLinkQueries({ accounts, assets, albums, members }),
    feedQueries: new FeedQueries({ feed: new DynamoFeed(clients.dynamo, config.TABLE_NAME), accounts }),
    ledger,
    users: new Users({ accounts, ledger }),
    storage,
    processor,
    uploads: new Uploads({
      accounts,
      assets,
      storage,
      multipart,
      media,
      processor,
      trash,
      ledger,
      clock: systemClock,
      multipartThreshold: config.DARKROOM_MULTIPART_THRESHOLD_BYTES,
    }),
    multipart: new MultipartUploads({ assets, multipart, storage, ledger }),
    // An edited capture time moves the asset in its albums too.
    edits: new AssetEdits({ assets, places, clock: systemClock, moved: (asset) => assetAlbums.follow(asset) }),
    queries: new AssetQueries({
      accounts,
      assets,
      faces,
      albums: new AlbumAssetPages({ assets, albums, members }),
      geo: new DynamoGeoIndex(clients.dynamo, config.TABLE_NAME),
    }),
    // Month counts: the counters the feed writer keeps, caught up with the feed on each read.
    counts: new AssetCounts({
      accounts,
      ledger: new CountLedger(new DynamoCounters(clients.dynamo, config.TABLE_NAME)),
      reads: new DynamoCountReads(clients.dynamo, config.TABLE_NAME),
      assets,
      albums,
      members,
      faces,
    }),
    deleteAsset,
    trash,
    // Idempotency records share the table: pk IDEMPOTENCY, sk the hashed key.
    idempotency: new DynamoDBPersistenceLayer({
      tableName: config.TABLE_NAME,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      staticPkValue: 'IDEMPOTENCY',
      awsSdkV3Client: clients.dynamoClient,
    }),
  };
};
