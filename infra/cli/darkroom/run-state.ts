import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/** What an upload command is: the same command run again finds the same state file. */
export interface RunIdentity {
  url: string;
  library?: string;
  album?: string;
  paths: string[];
}

export const defaultStateDir = (env: NodeJS.ProcessEnv = process.env): string => {
  const configured = env.DARKROOM_STATE_DIR;
  return configured ? configured : join(homedir(), '.darkroom', 'runs');
};

export const stateFileFor = (identity: RunIdentity, dir: string = defaultStateDir()): string => {
  const paths = [...new Set(identity.paths.map((p) => resolve(p)))].sort();
  const canonical = JSON.stringify([identity.url.replace(/\/+$/, ''), identity.library, identity.album, paths]);
  return join(dir, `upload-${createHash('sha256').update(canonical).digest('hex').slice(0, 24)}.json`);
};

export const ENTRY_STATUSES = ['hashed', 'target', 'sent', 'done', 'duplicate', 'refused', 'failed'] as const;

/** A file as it was when its entry was written; a file that no longer matches is hashed again. */
export interface Fingerprint {
  size: number;
  mtimeMs: number;
}

const entrySchema = z.object({
  size: z.number(),
  mtimeMs: z.number(),
  sha256: z.string(),
  sha1: z.string(),
  status: z.enum(ENTRY_STATUSES),
  assetId: z.string().optional(),
  /** The orchestrator's own record of an upload under way (multipart id, parts, expiry); opaque here. */
  upload: z.record(z.string(), z.json()).optional(),
  reason: z.string().optional(),
  attempts: z.number().optional(),
});
const stateSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), entrySchema) });

export type StateEntry = z.infer<typeof entrySchema>;
export type EntryStatus = StateEntry['status'];
export type EntryPatch = Partial<Omit<StateEntry, keyof Fingerprint>>;

export interface LoadedState {
  state: RunState;
  /** Set when the file on disk could not be read as a state: it was moved aside, and the run starts afresh. */
  corrupt?: { movedTo: string; reason: string };
}

// How long saveSoon lets changes gather: one rewrite per burst of finished uploads, not per file.
const SAVE_DELAY_MS = 200;

const isMissing = (error: unknown) => error instanceof Error && 'code' in error && error.code === 'ENOENT';
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
};

/**
 * The resume state of one upload run, keyed by absolute path. Every write goes to a temporary file
 * that is fsynced and renamed over the state, so a kill at any instant leaves the old or the new
 * state, whole. Writes are serialized, and a rename never replaces a newer state with an older one.
 */
export class RunState {
  private version = 0;
  private savedVersion = 0;
  private tail: Promise<void> = Promise.resolve();
  private pending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private temps = 0;
  /** How many times the state was written: a measure of debouncing. */
  writes = 0;

  private constructor(
    readonly file: string,
    private readonly entries: Map<string, StateEntry>,
  ) {}

  static empty(file: string): RunState {
    return new RunState(file, new Map());
  }

  static async load(file: string): Promise<LoadedState> {
    await removeDeadTemps(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return { state: RunState.empty(file) };
      throw error;
    }
    let reason: string;
    try {
      const parsed = stateSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { state: new RunState(file, new Map(Object.entries(parsed.data.entries))) };
      reason = `not a state file: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    // Kept, not deleted: a state that cannot be read is evidence of a bug worth a look.
    const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(file, movedTo);
    return { state: RunState.empty(file), corrupt: { movedTo, reason } };
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry of `path`, if the file still has the fingerprint it was recorded with; a stale one is dropped. */
  get(path: string, fingerprint: Fingerprint): Readonly<StateEntry> | undefined {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    if (entry.size === fingerprint.size && entry.mtimeMs === fingerprint.mtimeMs) return entry;
    this.entries.delete(path);
    this.version++;
    return undefined;
  }

  /** Merges `patch` into the entry of `path`; a new or stale entry needs its digests and status. */
  set(path: string, fingerprint: Fingerprint, patch: EntryPatch): Readonly<StateEntry> {
    const { sha256, sha1, status, ...rest } = { ...this.get(path, fingerprint), ...patch };
    if (sha256 === undefined || sha1 === undefined || status === undefined) {
      throw new Error(`the state of ${path} needs sha256, sha1 and status`);
    }
    const entry = { ...rest, sha256, sha1, status, size: fingerprint.size, mtimeMs: fingerprint.mtimeMs };
    this.entries.set(path, entry);
    this.version++;
    return entry;
  }

  *[Symbol.iterator](): IterableIterator<[string, Readonly<StateEntry>]> {
    yield* this.entries;
  }

  /** Writes the state now, after any write already under way; calls made while one waits share it. */
  save(): Promise<void> {
    if (this.pending) return this.pending;
    const write = this.tail.then(() => {
      this.pending = undefined;
      return this.write();
    });
    this.pending = write;
    this.tail = write.catch(() => undefined);
    return write;
  }

  /**
   * Saves within SAVE_DELAY_MS, once for every call made meanwhile. A failed write is not lost: the
   * changes stay unsaved, the next save tries again, and flush() throws if it still fails.
   */
  saveSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save().catch(() => undefined);
    }, SAVE_DELAY_MS);
  }

  /** Waits until every change made so far is on disk. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.save();
  }

  /** A synchronous save, for a signal handler that is about to exit. */
  saveNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.version === this.savedVersion) return;
    const version = this.version;
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = this.tempName();
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeFileSync(fd, this.serialize());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    this.savedVersion = version;
    this.writes++;
  }

  private async write(): Promise<void> {
    const version = this.version;
    if (version === this.savedVersion) return;
    await mkdir(dirname(this.file), { recursive: true });
    const temp = this.tempName();
    try {
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(this.serialize());
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    // The check and the rename are synchronous so a saveNow() from a signal handler cannot land between them.
    if (this.savedVersion >= version) {
      rmSync(temp, { force: true });
      return;
    }
    renameSync(temp, this.file);
    this.savedVersion = version;
    this.writes++;
  }

  private serialize(): string {
    return JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) });
  }

  private tempName(): string {
    return `${this.file}.${process.pid}.${++this.temps}.tmp`;
  }
}

/** Temporary files left by a run killed mid-write; those of a live process are its writes in flight. */
const removeDeadTemps = async (file: string) => {
  const names = await readdir(dirname(file)).catch(() => []);
  const prefix = `${basename(file)}.`;
  for (const name of names) {
    const pid = name.startsWith(prefix) ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid && !isAlive(Number(pid))) await rm(join(dirname(file), name), { force: true });
  }
};
