import { afterAll, beforeAll } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '#infra/local/stack.ts';
import { contractViolation } from './contract.ts';

/** The suite's stack, for helpers that need its configuration (each test file runs in its own module graph). */
let running: LocalStack | undefined;

/**
 * A throwaway local stack for the enclosing suite: started before its tests, stopped after. The
 * face stage runs only in suites that ask for it (`faceStage: true`): elsewhere it would look for
 * faces in every upload of the suite, seconds of CPU the suite does not test.
 */
export const useLocalStack = (options: LocalStackOptions = {}): (() => LocalStack) => {
  let stack: LocalStack | undefined;
  // Every answer is held to the OpenAPI document; a drift answers 500 and fails the suite here too,
  // even where the test that met it only polled.
  const drifts: string[] = [];
  const checkResponse: LocalStackOptions['checkResponse'] = (route, result) => {
    const drift = contractViolation(route, result.statusCode ?? 200, header(result, 'content-type'), result.body ?? '');
    if (drift) drifts.push(drift);
    return drift;
  };
  beforeAll(async () => {
    stack = await startLocalStack({ faceStage: false, checkResponse, ...options });
    running = stack;
  });
  afterAll(async () => {
    await stack?.stop();
    if (running === stack) running = undefined;
    if (drifts.length) throw new Error(`answers broke the OpenAPI document:\n${[...new Set(drifts)].join('\n')}`);
  });
  return () => {
    if (!stack) throw new Error('the local stack is not running');
    return stack;
  };
};

export const runningStack = (): LocalStack => {
  if (!running) throw new Error('no local stack is running in this suite');
  return running;
};

/** Polls until `check` returns a value (not undefined) or the time is up. */
export const eventually = async <T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const header = (result: { headers?: Record<string, unknown> }, name: string) => {
  const found = Object.entries(result.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found === undefined ? undefined : String(found[1]);
};
