import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createClients } from '../shared/aws/clients.ts';
import { loadConfig } from '../shared/config.ts';
import { Accounts } from '../shared/domain/accounts.ts';
import { AssetQueries } from '../shared/domain/asset-queries.ts';
import { DeleteAsset } from '../shared/domain/delete-asset.ts';
import { MultipartUploads } from '../shared/domain/multipart.ts';
import { systemClock } from '../shared/domain/ports.ts';
import { AssetProcessor } from '../shared/domain/process-asset.ts';
import { Uploads } from '../shared/domain/uploads.ts';
import { LazyMedia } from '../shared/media/lazy-media.ts';
import { S3Multipart } from '../shared/storage/s3-multipart.ts';
import { S3Storage } from '../shared/storage/s3-storage.ts';
import { DynamoAccounts } from '../shared/table/dynamo-accounts.ts';
import { DynamoAssets } from '../shared/table/dynamo-assets.ts';

// The composition root of the API and the processor: built once per cold start, from one config.

export const composeAssets = () => {
  const config = loadConfig();
  const clients = createClients(config);
  const accounts = new Accounts(new DynamoAccounts(clients.dynamo, config.TABLE_NAME), systemClock);
  const assets = new DynamoAssets(clients.dynamo, config.TABLE_NAME);
  const storage = new S3Storage(
    clients.s3,
    { originals: config.ORIGINALS_BUCKET, derived: config.DERIVED_BUCKET },
    config.DARKROOM_DISK_LIMIT_BYTES,
  );
  const parts = new S3Multipart(clients.s3, config.ORIGINALS_BUCKET);
  const media = new LazyMedia();
  const processor = new AssetProcessor({ assets, storage, media, clock: systemClock });
  return {
    accounts,
    storage,
    processor,
    uploads: new Uploads({
      accounts,
      assets,
      storage,
      multipart: parts,
      media,
      processor,
      clock: systemClock,
      multipartThreshold: config.DARKROOM_MULTIPART_THRESHOLD_BYTES,
    }),
    multipart: new MultipartUploads({ assets, multipart: parts, storage }),
    queries: new AssetQueries({ accounts, assets }),
    deleteAsset: new DeleteAsset({ assets, storage }),
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
