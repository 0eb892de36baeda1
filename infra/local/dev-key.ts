import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accounts } from '#shared/domain/accounts.ts';

const DEV_USER = 'dev';

/**
 * A key for trying the API right after `npm start`. Unlike real keys it is kept in plain text,
 * in the git-ignored data folder, so every start can print it; a revoked one is replaced.
 */
export const devApiKey = async (accounts: Accounts, dataDir: string): Promise<string> => {
  const file = join(dataDir, 'dev-api-key');
  const saved = await readFile(file, 'utf8').then(
    (s) => s.trim(),
    () => undefined,
  );
  if (saved) {
    const valid = await accounts.authenticate(`Bearer ${saved}`).then(
      () => true,
      () => false,
    );
    if (valid) return saved;
  }
  const { key } = await accounts.createApiKey(DEV_USER, 'development key printed by npm start');
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
};
