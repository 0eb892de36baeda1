import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROCESSING_QUEUE } from '#shared/deployment.ts';
import { FFMPEG_ENV } from './ffmpeg-layer.ts';
import { darkroomFunction, MEDIA_MODULES } from './function-defaults.ts';
import { allowDerived, allowOriginals, allowTable } from './grants.ts';

/** The processor's timeout (Lambda's maximum: hashing a 50 GiB video takes minutes). */
export const PROCESSOR_TIMEOUT = Duration.minutes(15);
/** Batches in flight at once: bounds S3/DynamoDB load and cost when a burst arrives. */
export const PROCESSOR_MAX_CONCURRENCY = 20;

export interface ProcessorProps {
  queue: IQueue;
  table: ITableV2;
  originals: IBucket;
  derived: IBucket;
  ffmpeg: ILayerVersion;
  environment: Record<string, string>;
}

export class Processor extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ProcessorProps) {
    super(scope, id);
    this.function = darkroomFunction(this, 'Function', {
      entry: join(import.meta.dirname, '../../functions/process/handler.ts'),
      memorySize: 2048,
      timeout: PROCESSOR_TIMEOUT,
      ephemeralStorageMiB: 2048,
      nodeModules: MEDIA_MODULES,
      placeIndex: true,
      layers: [props.ffmpeg],
      environment: { ...props.environment, ...FFMPEG_ENV, DARKROOM_DISK_LIMIT_BYTES: String(1024 ** 3) },
    });
    this.function.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: PROCESSING_QUEUE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: PROCESSOR_MAX_CONCURRENCY,
      }),
    );
    // Reads originals and removes duplicates and orphans, but never writes one.
    allowOriginals(this.function, props.originals, ['GetObject', 'DeleteObject']);
    allowDerived(this.function, props.derived, ['PutObject', 'DeleteObject']);
    allowTable(this.function, props.table, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
  }
}
