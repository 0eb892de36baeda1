import { join } from 'node:path';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { ensureTable, startDynamo } from '#infra/local/dynamo.ts';
import { dataDirFrom, readRunningStack } from '#infra/local/stack-file.ts';
import { createClients } from '#shared/aws/clients.ts';
import { loadConfig } from '#shared/config.ts';
import { DEFAULT_STORAGE_LIMIT_BYTES, LOCAL_NAMES } from '#shared/deployment.ts';
import { Accounts } from '#shared/domain/accounts.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { StorageLedger } from '#shared/domain/storage-ledger.ts';
import { Users } from '#shared/domain/users.ts';
import { DynamoAccounts } from '#shared/table/dynamo-accounts.ts';
import { DynamoUsage } from '#shared/table/dynamo-usage.ts';
import { operatorTarget } from './operator-target.ts';

/**
 * Runs `work` against a deployed stack's accounts (by CloudFormation name), or the local stack's. Only one process may open the embedded
 * DynamoDB's files, so a running stack is reached over its endpoint; with none running the
 * files are opened here for the duration of the command.
 */
export const withAccounts = async <T>(
  stackName: string | undefined,
  work: (accounts: Accounts, users: Users) => Promise<T>,
): Promise<T> => {
  const users = (accounts: Accounts, usage: DynamoUsage, defaultLimitBytes: number) =>
    new Users({ accounts, ledger: new StorageLedger({ usage, defaultLimitBytes }) });
  if (stackName) {
    const target = await operatorTarget(stackName);
    const accounts = new Accounts(new DynamoAccounts(target.dynamo, target.tableName), systemClock);
    // The deployed default may differ (-c storageLimitBytes); the CLI tells an own limit from it.
    const usage = new DynamoUsage(target.dynamo, target.tableName, systemClock);
    return work(accounts, users(accounts, usage, DEFAULT_STORAGE_LIMIT_BYTES));
  }
  const dataDir = dataDirFrom();
  const running = await readRunningStack(dataDir);
  const dynamo = running ? undefined : await startDynamo(join(dataDir, 'dynamo'));
  try {
    const tableName = dynamo ? await ensureTable(dynamo.url, LOCAL_NAMES.table) : undefined;
    const config = loadConfig({
      ...process.env,
      ...(running?.env ?? {
        TABLE_NAME: tableName,
        ORIGINALS_BUCKET: LOCAL_NAMES.originalsBucket,
        DERIVED_BUCKET: LOCAL_NAMES.derivedBucket,
        DARKROOM_DYNAMODB_ENDPOINT: dynamo?.url,
      }),
    });
    const accounts = composeAccounts(config);
    const { dynamo: client } = createClients(config);
    const usage = new DynamoUsage(client, config.TABLE_NAME, systemClock);
    return await work(accounts, users(accounts, usage, config.DARKROOM_STORAGE_LIMIT_BYTES));
  } finally {
    await dynamo?.close();
  }
};
