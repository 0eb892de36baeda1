import '#infra/local/node20.ts';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dataDirFrom, readRunningStack } from '#infra/local/stack-file.ts';
import { LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';

/** Where operator commands act: a deployed stack (by name) or the running local stack. */
export interface OperatorTarget {
  description: string;
  tableName: string;
  originalsBucket: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  faceQueueUrl: string;
  faceDeadLetterQueueUrl: string;
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
}

// The operator tools' AWS clients, built here and nowhere else.
export const operatorTarget = async (stackName?: string): Promise<OperatorTarget> => {
  if (stackName) {
    const cloudFormation = new CloudFormationClient({});
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue ?? '']));
    for (const name of [
      'TableName',
      'OriginalsBucket',
      'QueueUrl',
      'DeadLetterQueueUrl',
      'FaceQueueUrl',
      'FaceDeadLetterQueueUrl',
    ]) {
      if (!outputs[name]) throw new Error(`stack ${stackName} has no ${name} output`);
    }
    return {
      description: `stack ${stackName}`,
      tableName: outputs.TableName ?? '',
      originalsBucket: outputs.OriginalsBucket ?? '',
      queueUrl: outputs.QueueUrl ?? '',
      deadLetterQueueUrl: outputs.DeadLetterQueueUrl ?? '',
      faceQueueUrl: outputs.FaceQueueUrl ?? '',
      faceDeadLetterQueueUrl: outputs.FaceDeadLetterQueueUrl ?? '',
      dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      sqs: new SQSClient({}),
    };
  }
  const dataDir = dataDirFrom();
  const running = await readRunningStack(dataDir);
  // The queues live in the running process: unlike `keys`, these commands need it up.
  if (!running)
    throw new Error(`no local stack runs on ${dataDir}: start it with npm start (or name a deployed one with --stack)`);
  const local = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  return {
    description: `the local stack at ${running.apiUrl}`,
    tableName: running.env.TABLE_NAME ?? '',
    originalsBucket: running.env.ORIGINALS_BUCKET ?? '',
    queueUrl: running.sqs.queueUrl,
    deadLetterQueueUrl: running.sqs.deadLetterQueueUrl,
    faceQueueUrl: running.sqs.faceQueueUrl,
    faceDeadLetterQueueUrl: running.sqs.faceDeadLetterQueueUrl,
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, endpoint: running.dynamoUrl })),
    sqs: new SQSClient({ ...local, endpoint: running.sqs.url }),
  };
};
