import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Integration suites each start a local stack; two workers match the CI machine's two cores.
    maxWorkers: 2,
    // Bounds that tell a hang from a slow run on a busy 2-core machine, never a performance check.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll waits for what a page or a process will do; a second (Vitest's default) is less
    // than a busy CI machine can take to paint or answer.
    expect: { poll: { timeout: 30_000, interval: 50 } },
  },
});
