import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { api } from '#test/helpers/api.ts';
import { killGroup, startNpm } from '#test/helpers/npm-start.ts';

const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
let dataDir = '';
const running: ChildProcess[] = [];

const env = () => ({ ...process.env, PORT: '0', DARKROOM_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'WARN' });

const start = (...args: string[]) => startNpm(env(), args, running);

const keys = async (...args: string[]) =>
  (await promisify(execFile)(tsx, ['infra/cli/keys.ts', ...args], { env: env() })).stdout;

afterEach(() => {
  for (const child of running.splice(0)) killGroup(child);
});

describe('npm start', () => {
  it('boots, serves keys made by the CLI while it runs, and keeps its data across restarts', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'darkroom-start-'));
    const first = await start();
    expect((await api(first.url).get('/api/health')).status).toBe(200);
    expect((await api(first.url, first.devKey).get('/api/libraries')).status).toBe(200);

    const created = await keys('create', '--user', 'zed', '--name', 'phone');
    const key = /dk_\S+/.exec(created)?.[0] ?? '';
    const zed = api(first.url, key);
    const library = await zed.post('/api/libraries', { name: 'Trips' });
    expect(library.status).toBe(201);
    expect(await keys('list', '--user', 'zed')).toMatch(/zed\tactive/);
    await first.stop();

    const second = await start();
    expect(second.devKey).toBe(first.devKey);
    const names = (await api(second.url, key).get('/api/libraries')).body.map((l: { name: string }) => l.name);
    expect(names).toEqual(['Library', 'Trips']);
    await second.stop();

    // With no stack running the CLI opens the data itself.
    expect(await keys('revoke', key)).toMatch(/Revoked key_/);
    const third = await start();
    expect((await api(third.url, key).get('/api/libraries')).status).toBe(401);
    await third.stop();

    const reset = await start('--reset');
    expect(reset.devKey).not.toBe(first.devKey);
    expect(await keys('list')).not.toMatch(/zed/);
    await reset.stop();
  });
});
