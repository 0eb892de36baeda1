import { afterAll, beforeAll } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '#infra/local/stack.ts';

/** The suite's stack, for helpers that need its configuration (each test file runs in its own module graph). */
let running: LocalStack | undefined;

/**
 * A throwaway local stack for the enclosing suite: started before its tests, stopped after. The
 * face stage runs only in suites that ask for it (`faceStage: true`): elsewhere it would look for
 * faces in every upload of the suite, seconds of CPU the suite does not test.
 */
export const useLocalStack = (options: LocalStackOptions = {}): (() => LocalStack) => {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack({ faceStage: false, ...options });
    running = stack;
  });
  afterAll(async () => {
    await stack?.stop();
    if (running === stack) running = undefined;
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
