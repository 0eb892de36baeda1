import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { UPLOAD_CORS } from '#shared/deployment.ts';

/** Every bucket of the stack: private, TLS only, encrypted, ACLs off. */
export const secure = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  encryption: BucketEncryption.S3_MANAGED,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
};

export interface MediaBucketsProps {
  /** Origins of web clients that upload directly; none: no browser uploads. */
  corsOrigins: string[];
}

/**
 * Originals (versioned, the source of truth, emitting events), derived files (rebuildable from the
 * originals), and the access logs of both.
 */
export class MediaBuckets extends Construct {
  readonly originals: Bucket;
  readonly derived: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: MediaBucketsProps) {
    super(scope, id);
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...secure,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    const cors = props.corsOrigins.length
      ? [
          {
            allowedOrigins: props.corsOrigins,
            allowedMethods: UPLOAD_CORS.methods.map((m) => m as HttpMethods),
            allowedHeaders: [...UPLOAD_CORS.headers],
            exposedHeaders: [...UPLOAD_CORS.exposedHeaders],
            maxAge: UPLOAD_CORS.maxAgeSeconds,
          },
        ]
      : undefined;
    this.originals = new Bucket(this, 'Originals', {
      ...secure,
      removalPolicy: RemovalPolicy.RETAIN,
      versioned: true,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'originals/',
      ...(cors && { cors }),
      lifecycleRules: [
        // Multipart uploads never completed (a phone that gave up) cost storage until aborted.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Deleted or replaced originals stay recoverable for 30 days, then go for good.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30), expiredObjectDeleteMarker: true },
      ],
    });
    this.derived = new Bucket(this, 'Derived', {
      ...secure,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'derived/',
      ...(cors && { cors }),
    });
  }
}
