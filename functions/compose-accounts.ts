import { createClients } from '#shared/aws/clients.ts';
import type { Config } from '#shared/config.ts';
import { Accounts } from '#shared/domain/accounts.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { DynamoAccounts } from '#shared/table/dynamo-accounts.ts';

// The authorizer's composition root: keys and accounts only, so its bundle carries no media code.

export const composeAccounts = (config: Config) => {
  const { dynamo } = createClients(config);
  return new Accounts(new DynamoAccounts(dynamo, config.TABLE_NAME), systemClock);
};
