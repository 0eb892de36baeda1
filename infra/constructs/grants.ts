import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DERIVED_PREFIX, ORIGINALS_PREFIX } from '#shared/object-keys.ts';

// Least privilege, spelled out: every action by name, every resource by prefix. No s3:*, no dynamodb:*.

export const allowTable = (fn: IFunction, table: ITableV2, actions: string[], indexes = false) =>
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: indexes ? [table.tableArn, `${table.tableArn}/index/*`] : [table.tableArn],
    }),
  );

export const allowOriginals = (fn: IFunction, bucket: IBucket, actions: string[]) =>
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((a) => `s3:${a}`),
      resources: [bucket.arnForObjects(`${ORIGINALS_PREFIX}*`)],
    }),
  );

export const allowDerived = (fn: IFunction, bucket: IBucket, actions: string[]) =>
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((a) => `s3:${a}`),
      resources: [bucket.arnForObjects(`${DERIVED_PREFIX}*`)],
    }),
  );
