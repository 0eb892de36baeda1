import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_STORAGE_LIMIT_BYTES } from '#shared/deployment.ts';
import { Api } from './constructs/api.ts';
import { AssetTable } from './constructs/asset-table.ts';
import { FaceStage } from './constructs/face-stage.ts';
import { FeedWriter } from './constructs/feed-writer.ts';
import { FfmpegLayer } from './constructs/ffmpeg-layer.ts';
import { MediaBuckets } from './constructs/media-buckets.ts';
import { PROCESSOR_TIMEOUT, Processor } from './constructs/processor.ts';
import { Sweeper } from './constructs/sweeper.ts';
import { UploadEvents } from './constructs/upload-events.ts';
import { SITE_CORS_ORIGIN, WebSite } from './constructs/web-site.ts';
import { acknowledgeFindings } from './nag-suppressions.ts';

export interface DarkroomStackProps extends StackProps {
  /** Web origins allowed to call the API and upload from a browser. */
  corsOrigins?: string[];
  /** Each user's storage quota in bytes unless set per user; default DEFAULT_STORAGE_LIMIT_BYTES. */
  storageLimitBytes?: number;
  /** The built web app's folder (infra/build/web-app.ts `ensureWebApp()`), deployed to the site bucket. */
  webApp: string;
}

/** Darkroom on AWS: DESIGN.md's diagram, one construct per box. */
export class DarkroomStack extends Stack {
  constructor(scope: Construct, id: string, props: DarkroomStackProps) {
    super(scope, id, props);
    // Access logs are delivered under a bucket policy, so every bucket can enforce owner-only ACLs.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const corsOrigins = props.corsOrigins ?? [];
    // The web app uploads from its CloudFront origin (SITE_CORS_ORIGIN says why not its exact domain).
    const media = new MediaBuckets(this, 'Media', { corsOrigins: [...corsOrigins, SITE_CORS_ORIGIN] });
    const { table } = new AssetTable(this, 'Assets');
    const { layer: ffmpeg } = new FfmpegLayer(this, 'Ffmpeg');
    const events = new UploadEvents(this, 'UploadEvents', {
      originals: media.originals,
      processorTimeout: PROCESSOR_TIMEOUT,
    });
    const environment = {
      TABLE_NAME: table.tableName,
      ORIGINALS_BUCKET: media.originals.bucketName,
      DERIVED_BUCKET: media.derived.bucketName,
      // The API reserves against it; every function reads the same config, so all get it.
      DARKROOM_STORAGE_LIMIT_BYTES: String(props.storageLimitBytes ?? DEFAULT_STORAGE_LIMIT_BYTES),
      // Past the longest function (the processor): a dead invocation's counter change is then finished.
      DARKROOM_TRANSITION_HORIZON_SECONDS: String(PROCESSOR_TIMEOUT.toSeconds() + 60),
    };
    const faces = new FaceStage(this, 'Faces', { table, derived: media.derived, environment });
    const processor = new Processor(this, 'Processor', {
      queue: events.queue,
      table,
      originals: media.originals,
      derived: media.derived,
      ffmpeg,
      environment: { ...environment, FACE_QUEUE_URL: faces.queue.queueUrl },
    });
    faces.queue.grantSendMessages(processor.function);
    const sweeper = new Sweeper(this, 'Sweeper', {
      queue: events.queue,
      table,
      originals: media.originals,
      derived: media.derived,
      environment,
    });
    const feed = new FeedWriter(this, 'Feed', { table, environment });
    const api = new Api(this, 'Api', {
      table,
      originals: media.originals,
      derived: media.derived,
      ffmpeg,
      environment,
      corsOrigins,
    });
    const site = new WebSite(this, 'Site', {
      webApp: props.webApp,
      httpApi: api.httpApi,
      media: [media.originals, media.derived],
      accessLogs: media.accessLogs,
    });

    const outputs: Record<string, string> = {
      ApiUrl: api.httpApi.apiEndpoint,
      WebAppUrl: site.url,
      OriginalsBucket: media.originals.bucketName,
      DerivedBucket: media.derived.bucketName,
      TableName: table.tableName,
      QueueUrl: events.queue.queueUrl,
      DeadLetterQueueUrl: events.deadLetterQueue.queueUrl,
      ArchiveName: events.archive.archiveName,
      ProcessingRuleArn: events.rule.ruleArn,
      ProcessorFunction: processor.function.functionName,
      FaceQueueUrl: faces.queue.queueUrl,
      FaceDeadLetterQueueUrl: faces.deadLetterQueue.queueUrl,
      FaceFunction: faces.function.functionName,
      SweeperFunction: sweeper.function.functionName,
      FeedWriterFunction: feed.function.functionName,
      FeedFailureQueueUrl: feed.failures.queueUrl,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
    acknowledgeFindings(this, {
      originals: media.originals,
      derived: media.derived,
      table,
      openRoutes: api.openRoutes,
      sweeperFunction: sweeper.function,
      feedFailures: feed.failures,
      siteBucket: site.bucket,
      siteDistribution: site.distribution,
      siteDeploymentRole: site.deploymentRole,
    });
  }
}
