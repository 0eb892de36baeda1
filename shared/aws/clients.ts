import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config, SweepConfig } from '../config.ts';

/** The embedded servers accept any key pair but verify SigV4 with this one. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface AwsClients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
  /** The plain client under `dynamo`, for libraries that marshal themselves (Powertools). */
  dynamoClient: DynamoDBClient;
}

// The only place AWS clients are built, so the local-endpoint quirks live here alone.
export const createClients = (config: Config): AwsClients => {
  const region = config.AWS_REGION;
  const s3 = new S3Client({
    region,
    // Without this the SDK adds streaming checksums that s3rver stores as part of the body,
    // and presigned POSTs carry checksum fields the policy does not cover.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.DARKROOM_S3_ENDPOINT && {
      endpoint: config.DARKROOM_S3_ENDPOINT,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    }),
  });
  const dynamoClient = new DynamoDBClient({
    region,
    ...(config.DARKROOM_DYNAMODB_ENDPOINT && {
      endpoint: config.DARKROOM_DYNAMODB_ENDPOINT,
      credentials: LOCAL_CREDENTIALS,
    }),
  });
  const dynamo = DynamoDBDocumentClient.from(dynamoClient, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { s3, dynamo, dynamoClient };
};

/** Apart from createClients, so the API and processor bundles do not carry the SQS client. */
export const createSqsClient = (config: SweepConfig): SQSClient =>
  new SQSClient({
    region: config.AWS_REGION,
    ...(config.DARKROOM_SQS_ENDPOINT && { endpoint: config.DARKROOM_SQS_ENDPOINT, credentials: LOCAL_CREDENTIALS }),
  });
