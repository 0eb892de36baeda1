import { join } from 'node:path';
import type { Accounts } from '../../shared/domain/accounts.ts';
import { LOCAL_NAMES } from '../../shared/names.ts';
import { ensureTable, startDynamo } from '../local/dynamo.ts';
import { dataDirFrom, readRunningStack } from '../local/stack-file.ts';

/**
 * Runs `work` against the local stack's accounts. Only one process may open the embedded
 * DynamoDB's files, so a running stack is reached over its endpoint; with none running the
 * files are opened here for the duration of the command.
 */
export const withLocalAccounts = async <T>(work: (accounts: Accounts) => Promise<T>): Promise<T> => {
  const dataDir = dataDirFrom();
  const running = await readRunningStack(dataDir);
  const dynamo = running ? undefined : await startDynamo(join(dataDir, 'dynamo'));
  try {
    if (dynamo) await ensureTable(dynamo.url, LOCAL_NAMES.table);
    Object.assign(
      process.env,
      running?.env ?? {
        TABLE_NAME: LOCAL_NAMES.table,
        ORIGINALS_BUCKET: LOCAL_NAMES.originalsBucket,
        DERIVED_BUCKET: LOCAL_NAMES.derivedBucket,
        DARKROOM_DYNAMODB_ENDPOINT: dynamo?.url,
      },
    );
    const { composeAccounts } = await import('../../functions/compose-accounts.ts');
    return await work(composeAccounts());
  } finally {
    await dynamo?.close();
  }
};
