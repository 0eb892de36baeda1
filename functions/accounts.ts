import { createClients } from '../shared/aws/clients.ts';
import { loadConfig } from '../shared/config.ts';
import { Accounts } from '../shared/domain/accounts.ts';
import { systemClock } from '../shared/domain/ports.ts';
import { DynamoAccounts } from '../shared/table/dynamo-accounts.ts';

/** Composition root shared by the handlers that need accounts: built once per cold start. */
export const buildAccounts = (): Accounts => {
  const config = loadConfig();
  const { dynamo } = createClients(config);
  return new Accounts(new DynamoAccounts(dynamo, config.TABLE_NAME), systemClock);
};
