import './node20.ts';
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ensureWebApp } from '#infra/build/web-app.ts';
import { logger } from '#shared/logger.ts';
import { devApiKey } from './dev-key.ts';
import { startLocalStack } from './stack.ts';
import { dataDirFrom, readRunningStack } from './stack-file.ts';

// `npm start`: the whole system on this machine. `npm start -- --reset` wipes the data first.
const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });
const dataDir = dataDirFrom();
const port = Number(process.env.PORT ?? 3000);

const running = await readRunningStack(dataDir);
if (running) {
  console.error(`A stack already runs on ${dataDir} (pid ${running.pid}, ${running.apiUrl}); stop it first.`);
  process.exit(1);
}
if (values.reset) await rm(dataDir, { recursive: true, force: true });

// A processor bug must never take the API down with it: log and keep serving.
process.on('uncaughtException', (error) => logger.error('uncaught exception', { error }));
process.on('unhandledRejection', (error) => logger.error('unhandled rejection', { error: error as Error }));

const corsOrigins = process.env.DARKROOM_CORS_ORIGINS?.split(',')
  .map((o) => o.trim())
  .filter(Boolean);
const sweepIntervalSeconds = Number(process.env.DARKROOM_SWEEP_INTERVAL_SECONDS ?? 60);
if (!(sweepIntervalSeconds > 0)) {
  console.error('DARKROOM_SWEEP_INTERVAL_SECONDS must be a positive number of seconds');
  process.exit(2);
}
const stack = await startLocalStack({
  dataDir,
  port,
  sweepIntervalMs: sweepIntervalSeconds * 1000,
  isolateProcessor: true,
  webApp: await ensureWebApp(),
  ...(corsOrigins?.length && { corsOrigins }),
});
const { composeAccounts } = await import('#functions/compose-accounts.ts');
const key = await devApiKey(composeAccounts(stack.config), dataDir);

console.log(`Darkroom is running at ${stack.apiUrl}
  web app:                  ${stack.apiUrl}/ (sign in with the key below)
  S3 (SigV4 gate):          ${stack.s3Url}
  DynamoDB:                 ${stack.dynamoUrl}
  data:                     ${dataDir}
  development API key:      ${key}

  curl -H "Authorization: Bearer ${key}" ${stack.apiUrl}/api/libraries
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
