import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FACE_QUEUE } from '#shared/deployment.ts';
import { darkroomFunction } from './function-defaults.ts';
import { allowDerived, allowTable } from './grants.ts';
import { workQueue } from './work-queue.ts';

/** A photo of many faces takes seconds; a batch of four, well under this. */
export const FACE_STAGE_TIMEOUT = Duration.minutes(5);
/** Batches in flight at once: face work is CPU-bound and never urgent. */
const FACE_STAGE_MAX_CONCURRENCY = 10;

export interface FaceStageProps {
  table: ITableV2;
  derived: IBucket;
  environment: Record<string, string>;
}

/**
 * The face stage: its own queue (with a DLQ) and function, fed by the processor after an asset is
 * ready, so face work never delays `ready`. The function carries face-api's three networks and
 * tfjs's wasm (function-defaults.ts) and needs the memory: the models take ~200 MB once loaded.
 */
export class FaceStage extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: FaceStageProps) {
    super(scope, id);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      timeout: FACE_STAGE_TIMEOUT,
      visibilityPerTimeout: FACE_QUEUE.visibilityPerTimeout,
      maxReceiveCount: FACE_QUEUE.maxReceiveCount,
      deadLettersAlarm: 'Assets whose faces could not be looked for after 10 tries wait in the dead-letter queue',
    }));
    this.function = darkroomFunction(this, 'Function', {
      entry: join(import.meta.dirname, '../../functions/faces/handler.ts'),
      memorySize: 2048,
      timeout: FACE_STAGE_TIMEOUT,
      nodeModules: ['sharp'],
      faceModels: true,
      environment: props.environment,
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: FACE_QUEUE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: FACE_STAGE_MAX_CONCURRENCY,
      }),
    );
    // Reads previews, writes and removes face crops; faces, people, tasks and the lease in the table.
    allowDerived(this.function, props.derived, ['GetObject', 'PutObject', 'DeleteObject']);
    allowTable(this.function, props.table, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'], true);
  }
}
