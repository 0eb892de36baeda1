import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaProcess } from '#infra/local/lambda-process.ts';
import { queueConfig } from '#infra/local/queue-config.ts';
import { isAlive } from '#infra/local/stack-file.ts';

let dir = '';
let functions: LambdaProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'darkroom-lambda-'));
  const module = join(dir, 'handler.mjs');
  // `spin` never yields, like a decoder stuck on a hostile file; `pid` says which environment answered.
  await writeFile(
    module,
    `export const handler = async (event) => {
      if (event.spin) for (;;) {}
      return { pid: process.pid };
    };`,
  );
  functions = new LambdaProcess(module, 'test');
});
afterAll(async () => {
  await functions.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the local Lambda runtime', () => {
  it('kills an invocation that outlives its timeout, and serves the next one from a fresh environment', async () => {
    const { pid: warm } = (await functions.invoke({}, 10_000)) as { pid: number };
    expect((await functions.invoke({}, 10_000)) as { pid: number }).toEqual({ pid: warm });
    await expect(functions.invoke({ spin: true }, 500)).rejects.toThrow(/timed out after 500 ms/);
    await expect.poll(() => isAlive(warm)).toBe(false);
    const { pid: fresh } = (await functions.invoke({}, 10_000)) as { pid: number };
    expect(fresh).not.toBe(warm);
  });

  it('runs concurrent invocations in separate environments, so one timing out leaves the other alone', async () => {
    const [stuck, fine] = await Promise.allSettled([
      functions.invoke({ spin: true }, 1_500),
      functions.invoke({}, 10_000),
    ]);
    expect(stuck.status).toBe('rejected');
    expect(fine).toMatchObject({ status: 'fulfilled', value: { pid: expect.any(Number) } });
  });
});

describe('a runtime killed while idle', () => {
  it('starts a fresh environment for the next invocation instead of writing to the dead one', async () => {
    const { pid: idle } = (await functions.invoke({}, 10_000)) as { pid: number };
    expect(await functions.kill()).toBe(true);
    const { pid: fresh } = (await functions.invoke({}, 10_000)) as { pid: number };
    expect(fresh).not.toBe(idle);
  });
});

describe('a runtime whose log is taken', () => {
  it('hands each line the environment writes to stdout to the listener, in order (an on-demand environment, as Lambda says)', async () => {
    const module = join(dir, 'logs.mjs');
    await writeFile(
      module,
      `export const handler = async (event) => {
        console.log(JSON.stringify({ message: 'processed', n: event.n, init: process.env.AWS_LAMBDA_INITIALIZATION_TYPE }));
        console.log('second line');
        return {};
      };`,
    );
    const lines: string[] = [];
    const logging = new LambdaProcess(module, 'logs', process.env, (line) => lines.push(line));
    try {
      await logging.invoke({ n: 1 }, 10_000);
      await logging.invoke({ n: 2 }, 10_000);
      await expect.poll(() => lines.length).toBe(4);
      expect(lines).toEqual([
        '{"message":"processed","n":1,"init":"on-demand"}',
        'second line',
        '{"message":"processed","n":2,"init":"on-demand"}',
        'second line',
      ]);
    } finally {
      await logging.stop();
    }
  });
});

describe('the local queue configuration', () => {
  it('keeps the cloud ratio: visibility at least six handler timeouts, by default exactly six', () => {
    expect(queueConfig.parse({})).toMatchObject({ timeoutMs: 120_000, visibilityTimeoutMs: 720_000 });
    expect(queueConfig.parse({ timeoutMs: 100 }).visibilityTimeoutMs).toBe(600);
    expect(queueConfig.safeParse({ timeoutMs: 120_000, visibilityTimeoutMs: 30_000 }).success).toBe(false);
    expect(queueConfig.safeParse({ timeoutMs: 100, visibilityTimeoutMs: 599 }).success).toBe(false);
    expect(queueConfig.safeParse({ timeoutMs: 100, visibilityTimeoutMs: 600 }).success).toBe(true);
  });
});
