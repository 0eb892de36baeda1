import { type ChildProcess, fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

type Reply = { result?: unknown; error?: string; ready?: boolean };

/**
 * A handler module run the way Lambda runs a function: each invocation in an execution
 * environment of its own (a Node process, see lambda-worker.ts) that serves one invocation at a
 * time and is reused while warm. An invocation past its timeout has its environment killed, as
 * Lambda does, so timed-out work never keeps running beside its retry.
 */
export class LambdaProcess {
  private readonly idle: Environment[] = [];
  private readonly live = new Set<Environment>();

  constructor(
    private readonly modulePath: string,
    private readonly functionName: string,
    /** The function's environment: the handler module parses it at import, as on Lambda. */
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Takes each line the environments write to stdout (their log), instead of this process's stdout. */
    private readonly onLine?: (line: string) => void,
  ) {}

  async invoke(event: unknown, timeoutMs: number): Promise<unknown> {
    const environment = this.warm() ?? (await this.start());
    try {
      const result = await environment.invoke(event, timeoutMs);
      if (this.live.has(environment)) this.idle.push(environment);
      return result;
    } catch (error) {
      if (environment.alive) this.idle.push(environment);
      else this.live.delete(environment);
      throw error;
    }
  }

  /** Peak resident memory of any environment since it started (or the last reset), from the kernel: VmHWM. */
  async peakRssBytes(): Promise<number | undefined> {
    const peaks = await Promise.all([...this.live].map((e) => e.peakRssBytes()));
    const known = peaks.filter((p): p is number => p !== undefined);
    return known.length > 0 ? Math.max(...known) : undefined;
  }

  /** The process ids of the environments alive now (a benchmark pins them to cores). */
  pids(): number[] {
    return [...this.live].filter((e) => e.alive).map((e) => e.pid);
  }

  /** Resets every environment's peak to its current resident size (Linux: clear_refs 5). */
  async resetPeak(): Promise<void> {
    await Promise.all([...this.live].map((e) => e.resetPeak()));
  }

  /**
   * Kills every environment outright (SIGKILL), as a Lambda dies mid-invocation; the next invoke
   * starts a fresh one. Answers whether there was one to kill.
   */
  async kill(): Promise<boolean> {
    const environments = [...this.live].filter((e) => e.alive);
    await Promise.all(environments.map((e) => e.stop('SIGKILL')));
    return environments.length > 0;
  }

  async stop(): Promise<void> {
    const environments = [...this.live];
    this.live.clear();
    this.idle.length = 0;
    await Promise.all(environments.map((e) => e.stop()));
  }

  /** An idle environment still alive; one killed while idle is dropped, never handed work. */
  private warm(): Environment | undefined {
    for (let environment = this.idle.pop(); environment; environment = this.idle.pop()) {
      if (environment.alive) return environment;
      this.live.delete(environment);
    }
    return undefined;
  }

  private async start(): Promise<Environment> {
    const environment = await Environment.start(this.modulePath, this.functionName, this.env, this.onLine);
    this.live.add(environment);
    return environment;
  }
}

/** One execution environment: a child process, one invocation at a time. */
class Environment {
  private waiter?: { resolve(v: unknown): void; reject(e: Error): void };
  /** Set when the kill is sent: the process may take a moment to exit, but must get no more work. */
  private killed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly functionName: string,
  ) {
    child.on('message', (reply: Reply) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.result);
    });
    child.on('exit', (code, signal) => {
      this.waiter?.reject(new Error(`the ${functionName} process exited (${signal ?? code})`));
      this.waiter = undefined;
    });
  }

  static start(
    modulePath: string,
    functionName: string,
    env: NodeJS.ProcessEnv,
    onLine?: (line: string) => void,
  ): Promise<Environment> {
    return new Promise((resolve, reject) => {
      const child = fork(join(import.meta.dirname, 'lambda-worker.ts'), [modulePath, functionName], {
        execArgv: ['--import', 'tsx'],
        // Lambda sets it for on-demand environments; Powertools reads it to mark an invocation's cold start.
        env: { ...env, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' },
        stdio: ['ignore', onLine ? 'pipe' : 'inherit', 'inherit', 'ipc'],
      });
      if (onLine && child.stdout)
        createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
      const failed = (code: number | null, signal: string | null) =>
        reject(new Error(`the ${functionName} process exited while starting (${signal ?? code})`));
      child.once('exit', failed);
      child.once('message', (reply: Reply) => {
        if (!reply.ready) return;
        child.off('exit', failed);
        resolve(new Environment(child, functionName));
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return !this.killed && this.child.exitCode === null && this.child.signalCode === null;
  }

  invoke(event: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.kill();
        reject(
          new Error(`the ${this.functionName} invocation timed out after ${timeoutMs} ms; its environment was killed`),
        );
      }, timeoutMs);
      this.waiter = {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      // A process that died between the check and the send fails this invocation, not the host.
      this.child.send({ event, timeoutMs }, (error) => error && this.waiter?.reject(error));
    });
  }

  async peakRssBytes(): Promise<number | undefined> {
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8').catch(() => '');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  }

  async resetPeak(): Promise<void> {
    await writeFile(`/proc/${this.child.pid}/clear_refs`, '5').catch(() => undefined);
  }

  kill(): void {
    if (!this.alive) return;
    this.killed = true;
    this.child.kill('SIGKILL');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killed = true;
    await new Promise((resolve) => {
      this.child.once('exit', resolve);
      this.child.kill(signal);
    });
  }
}
