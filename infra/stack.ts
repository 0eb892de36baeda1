import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AssetTable } from './constructs/asset-table.ts';
import { MediaBuckets } from './constructs/media-buckets.ts';

/** Darkroom on AWS; each construct owns one concern of DESIGN.md's diagram. */
export class DarkroomStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new MediaBuckets(this, 'Media');
    new AssetTable(this, 'Assets');
  }
}
