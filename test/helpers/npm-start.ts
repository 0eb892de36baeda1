import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const tsx = join(process.cwd(), 'node_modules/.bin/tsx');

export interface NpmStart {
  url: string;
  devKey: string;
  /** SIGTERM, as Ctrl-C would: the stack shuts down cleanly. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group (tsx, the stack, the processor's process): a crash. */
  kill(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  new Promise((resolve) =>
    child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined),
  );

/** Starts `npm start`'s entry point in its own process group and waits for the banner. */
export const startNpm = async (
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  running: ChildProcess[] = [],
): Promise<NpmStart> => {
  const child = spawn(tsx, ['infra/local/main.ts', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.push(child);
  let output = '';
  const banner = await new Promise<{ url: string; devKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /running at (http:\/\/\S+)/.exec(output)?.[1];
      const devKey = /development API key:\s+(dk_\S+)/.exec(output)?.[1];
      if (url && devKey) {
        clearTimeout(timer);
        resolve({ url, devKey });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
  return {
    ...banner,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
    kill: async () => {
      killGroup(child);
      await exited(child);
      await groupGone(child);
    },
  };
};

/**
 * Until no process of the child's group is left: the stack's own process (tsx's child) can outlive
 * tsx by a moment while the kernel tears it down, and a restart that found it alive would refuse
 * to start over its data.
 */
const groupGone = async (child: ChildProcess) => {
  for (;;) {
    try {
      if (child.pid) process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** tsx runs the entry in a child process of its own, so a crash has to take the whole group. */
export const killGroup = (child: ChildProcess) => {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
};
