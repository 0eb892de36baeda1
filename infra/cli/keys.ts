import '#infra/local/node20.ts';
import { parseArgs } from 'node:util';
import type { ApiKeyRecord } from '#shared/domain/accounts.ts';
import { DomainError } from '#shared/domain/errors.ts';
import { withAccounts } from './accounts-target.ts';

const USAGE = `usage: npm run keys -- [--stack NAME] COMMAND
  create --user NAME [--name LABEL]   create a key (printed once); creates the user on first use
  list [--user NAME]                  list keys (never the keys themselves)
  revoke KEY_ID|dk_KEY                revoke a key
  quota --user NAME [--bytes N|default]
                                      show a user's storage use and limit, or set their own
                                      limit (N bytes) or return them to the deployment's default
  --stack NAME                        a deployed stack (CloudFormation name); else the local stack`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: 'string' },
    name: { type: 'string' },
    bytes: { type: 'string' },
    stack: { type: 'string' },
    help: { type: 'boolean' },
  },
});
const [command, ref] = positionals;

const row = (k: ApiKeyRecord) =>
  [k.id, k.userName, k.revokedAt ? `revoked ${k.revokedAt}` : 'active', k.createdAt, k.name].join('\t');

const parseBytes = (text: string): number => (/^\d+$/.test(text) ? Number(text) : Number.NaN);

try {
  await withAccounts(values.stack, async (accounts, users) => {
    if (command === 'create' && values.user) {
      const { key, record } = await accounts.createApiKey(values.user, values.name);
      console.log(`Created ${record.id} for user ${record.userName} (${record.owner}).`);
      console.log('Store it now; it is not shown again:');
      console.log(key);
    } else if (command === 'list') {
      const keys = await accounts.listApiKeys(values.user);
      console.log(['id', 'user', 'state', 'created', 'name'].join('\t'));
      for (const key of keys) console.log(row(key));
    } else if (command === 'revoke' && ref) {
      const key = await accounts.revokeApiKey(ref);
      console.log(`Revoked ${key.id} of user ${key.userName} at ${key.revokedAt}.`);
    } else if (command === 'quota' && values.user) {
      const user = await accounts.findUser(values.user);
      const profile =
        values.bytes === undefined
          ? await users.profile(user.id)
          : await users.setStorageLimit(values.user, values.bytes === 'default' ? undefined : parseBytes(values.bytes));
      const own = await users.hasOwnLimit(user.id);
      // A deployed stack's default is in its functions' configuration, not known here.
      const fallback = values.stack ? "the deployment's default" : `the default, ${profile.storageLimitBytes} bytes`;
      console.log(
        `${user.name} (${user.id}): ${profile.storageUsedBytes} bytes stored, limit ${
          own ? `${profile.storageLimitBytes} bytes (own)` : fallback
        }.`,
      );
    } else {
      console.error(USAGE);
      process.exitCode = values.help ? 0 : 2;
    }
  });
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
