import { type ChildProcess, fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type Reply = { id: number; result?: unknown; error?: string; ready?: boolean };

/** A handler module run in its own Node process (see lambda-worker.ts), started on first use. */
export class LambdaProcess {
  private child?: ChildProcess;
  private starting?: Promise<ChildProcess>;
  private next = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(
    private readonly modulePath: string,
    private readonly functionName: string,
  ) {}

  async invoke(event: unknown, timeoutMs: number): Promise<unknown> {
    const child = await this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, event, timeoutMs });
    });
  }

  /** The running process's id; undefined before it has started (or while it starts again). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Peak resident memory since start (or the last reset), from the kernel: VmHWM. */
  async peakRssBytes(): Promise<number | undefined> {
    if (!this.child?.pid) return undefined;
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8').catch(() => '');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  }

  /** Resets the peak to the current resident size (Linux: clear_refs 5). */
  async resetPeak(): Promise<void> {
    if (this.child?.pid) await writeFile(`/proc/${this.child.pid}/clear_refs`, '5').catch(() => undefined);
  }

  /**
   * Kills the process outright (SIGKILL), as a Lambda dies mid-invocation; the next invoke starts a
   * new one. Answers whether there was a process to kill.
   */
  async kill(): Promise<boolean> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return false;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
    return true;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill();
    });
  }

  private start(): Promise<ChildProcess> {
    if (this.child) return Promise.resolve(this.child);
    this.starting ??= new Promise<ChildProcess>((resolve, reject) => {
      const child = fork(join(import.meta.dirname, 'lambda-worker.ts'), [this.modulePath, this.functionName], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.on('message', (reply: Reply) => {
        if (reply.ready) {
          this.child = child;
          this.starting = undefined;
          return resolve(child);
        }
        const waiter = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
        else waiter?.resolve(reply.result);
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        this.starting = undefined;
        const error = new Error(`the ${this.functionName} process exited (${signal ?? code})`);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        reject(error);
      });
    });
    return this.starting;
  }
}
