import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackFile } from '#infra/local/stack-file.ts';

/** `npm start` on a temporary data folder, as a user would run it; answers its URL and dev key. */
export const startNpmStart = async (env: Record<string, string> = {}) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-'));
  const child: ChildProcess = spawn(join(import.meta.dirname, '../node_modules/.bin/tsx'), ['infra/local/main.ts'], {
    env: { ...process.env, PORT: '0', DARKROOM_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const { url, key } = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      const url = /running at (\S+)/.exec(out)?.[1];
      const key = /development API key:\s+(dk_\S+)/.exec(out)?.[1];
      if (url && key) resolve({ url, key });
    });
    child.on('exit', (code) => reject(new Error(`npm start exited ${code}`)));
  });
  return {
    url,
    key,
    dataDir,
    stackFile: async () => JSON.parse(await readFile(join(dataDir, 'stack.json'), 'utf8')) as StackFile,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};
