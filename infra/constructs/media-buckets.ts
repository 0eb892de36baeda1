import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ORIGINALS_PREFIX } from '../../shared/names.ts';

const secure = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  encryption: BucketEncryption.S3_MANAGED,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.RETAIN,
};

/** Originals (versioned, the source of truth, emitting events) and derived files (rebuildable). */
export class MediaBuckets extends Construct {
  readonly originals: Bucket;
  readonly derived: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.originals = new Bucket(this, 'Originals', {
      ...secure,
      versioned: true,
      eventBridgeEnabled: true,
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { noncurrentVersionExpiration: Duration.days(30) },
        { prefix: ORIGINALS_PREFIX, expiredObjectDeleteMarker: true },
      ],
    });
    this.derived = new Bucket(this, 'Derived', secure);
  }
}
