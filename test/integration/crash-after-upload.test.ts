import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api } from '#test/helpers/api.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { eventually } from '#test/helpers/local-stack.ts';
import { killGroup, startNpm } from '#test/helpers/npm-start.ts';
import { presignedUpload } from '#test/helpers/uploads.ts';

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) killGroup(child);
});

const UPLOADS = 20;

const tmpFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

describe('a crash right after S3 answered', () => {
  it('loses none of 20 presigned uploads S3 confirmed, and leaves no temporary snapshot behind', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-crash-'));
    // The sweep would rescue lost events too; held off here so the test proves the queue alone is durable.
    const env = {
      ...process.env,
      PORT: '0',
      DARKROOM_DATA_DIR: dataDir,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      DARKROOM_SWEEP_GRACE_SECONDS: '3600',
    };
    const first = await startNpm(env, [], running);
    const images = await Promise.all(Array.from({ length: UPLOADS }, (_, i) => uniquePng(40_000 + i)));
    const uploads = await Promise.all(
      images.map((bytes, i) => presignedUpload(first.url, first.devKey, bytes, `crash-${i}.png`, 'image/png')),
    );
    await first.kill();
    expect(uploads.map((u) => u.s3Status)).toEqual(Array(UPLOADS).fill(204));
    const ids: string[] = uploads.map((u) => u.created.body.asset_id);

    const second = await startNpm(env, [], running);
    expect(await tmpFiles(dataDir)).toEqual([]);
    const client = api(second.url, second.devKey);
    // Messages in flight at the crash are visible again as soon as the stack restarts.
    const states = await eventually(async () => {
      const assets = await Promise.all(ids.map(async (id) => (await client.get(`/api/assets/${id}`)).body));
      const decided = assets.map((a) => (a.state === 'pending' || a.error ? undefined : a.state));
      return decided.every(Boolean) ? decided : undefined;
    }, 100_000).catch(async () => {
      const assets = await Promise.all(ids.map(async (id) => (await client.get(`/api/assets/${id}`)).body));
      return assets.map((a) => `${a.state}${a.error ? `: ${a.error}` : ''}`);
    });
    expect(states).toEqual(Array(UPLOADS).fill('ready'));
    await second.stop();
    expect(await tmpFiles(dataDir)).toEqual([]);
  }, 180_000);
});
