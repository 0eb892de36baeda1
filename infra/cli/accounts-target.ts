import { join } from 'node:path';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { ensureTable, startDynamo } from '#infra/local/dynamo.ts';
import { dataDirFrom, readRunningStack } from '#infra/local/stack-file.ts';
import { loadConfig } from '#shared/config.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { Accounts } from '#shared/domain/accounts.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { DynamoAccounts } from '#shared/table/dynamo-accounts.ts';
import { operatorTarget } from './operator-target.ts';

/**
 * Runs `work` against a deployed stack's accounts (by CloudFormation name), or the local stack's. Only one process may open the embedded
 * DynamoDB's files, so a running stack is reached over its endpoint; with none running the
 * files are opened here for the duration of the command.
 */
export const withAccounts = async <T>(
  stackName: string | undefined,
  work: (accounts: Accounts) => Promise<T>,
): Promise<T> => {
  if (stackName) {
    const target = await operatorTarget(stackName);
    return work(new Accounts(new DynamoAccounts(target.dynamo, target.tableName), systemClock));
  }
  const dataDir = dataDirFrom();
  const running = await readRunningStack(dataDir);
  const dynamo = running ? undefined : await startDynamo(join(dataDir, 'dynamo'));
  try {
    if (dynamo) await ensureTable(dynamo.url, LOCAL_NAMES.table);
    const config = loadConfig({
      ...process.env,
      ...(running?.env ?? {
        TABLE_NAME: LOCAL_NAMES.table,
        ORIGINALS_BUCKET: LOCAL_NAMES.originalsBucket,
        DERIVED_BUCKET: LOCAL_NAMES.derivedBucket,
        DARKROOM_DYNAMODB_ENDPOINT: dynamo?.url,
      }),
    });
    return await work(composeAccounts(config));
  } finally {
    await dynamo?.close();
  }
};
