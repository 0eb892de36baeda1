import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface QueueMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  receiptHandle?: string;
}

export interface QueueOptions {
  visibilityTimeoutMs: number;
  /** After this many receives the next receive moves the message to the dead-letter queue. */
  maxReceiveCount?: number;
  deadLetter?: LocalQueue;
  /** Snapshot file; messages (in flight ones too) survive a restart like they would in SQS. */
  persistPath?: string;
}

/** An in-process queue with SQS semantics: visibility timeout, receive counts, redrive to a DLQ. */
export class LocalQueue {
  readonly arn: string;
  private readonly messages = new Map<string, QueueMessage>();
  private readonly changes = new EventEmitter();
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    readonly name: string,
    private readonly options: QueueOptions,
  ) {
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
    this.changes.setMaxListeners(0);
    if (options.persistPath) this.load(options.persistPath);
  }

  send(body: string, now = Date.now()): string {
    const message: QueueMessage = { messageId: randomUUID(), body, sentAt: now, receiveCount: 0, visibleAt: now };
    this.messages.set(message.messageId, message);
    this.changed();
    return message.messageId;
  }

  receive(max: number, now = Date.now()): QueueMessage[] {
    const batch: QueueMessage[] = [];
    for (const message of [...this.messages.values()].sort((a, b) => a.sentAt - b.sentAt)) {
      if (batch.length >= max) break;
      if (message.visibleAt > now) continue;
      const { maxReceiveCount, deadLetter } = this.options;
      if (deadLetter && maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount) {
        this.messages.delete(message.messageId);
        deadLetter.adopt(message, now);
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + this.options.visibilityTimeoutMs;
      message.receiptHandle = randomUUID();
      batch.push({ ...message });
    }
    if (batch.length > 0) this.changed();
    return batch;
  }

  /** Deletes by receipt handle; a stale handle (the message was received again since) is ignored. */
  delete(receiptHandle: string): void {
    for (const message of this.messages.values()) {
      if (message.receiptHandle === receiptHandle) {
        this.messages.delete(message.messageId);
        this.changed();
        return;
      }
    }
  }

  /** SQS's ChangeMessageVisibility: the received message shows again after `timeoutMs`; a stale handle is ignored. */
  changeVisibility(receiptHandle: string, timeoutMs: number, now = Date.now()): void {
    for (const message of this.messages.values()) {
      if (message.receiptHandle === receiptHandle) {
        message.visibleAt = now + timeoutMs;
        this.changed();
        return;
      }
    }
  }

  /** Moves every message back to `target` (SQS's DLQ redrive); answers how many moved. */
  redriveTo(target: LocalQueue, now = Date.now()): number {
    const moved = [...this.messages.values()];
    this.messages.clear();
    for (const message of moved) target.adopt({ ...message, receiveCount: 0 }, now);
    this.changed();
    return moved.length;
  }

  counts(now = Date.now()): { visible: number; inFlight: number } {
    let visible = 0;
    for (const message of this.messages.values()) if (message.visibleAt <= now) visible++;
    return { visible, inFlight: this.messages.size - visible };
  }

  peek(): QueueMessage[] {
    return [...this.messages.values()].map((m) => ({ ...m }));
  }

  /** Resolves on the next change or when the earliest hidden message becomes visible. */
  whenReceivable(now = Date.now()): Promise<void> {
    const times = [...this.messages.values()].map((m) => m.visibleAt);
    // A message that came visible since the receive that found none (a millisecond may pass
    // between the two) is receivable now; waiting for the next change could take a minute.
    if (times.some((t) => t <= now)) return Promise.resolve();
    const wait = times.length > 0 ? Math.min(...times) - now : 60_000;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changes.off('change', done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.changes.once('change', done);
    });
  }

  /** Wakes every waiter of whenReceivable, e.g. so consumers can notice a shutdown. */
  wake(): void {
    this.changes.emit('change');
  }

  /**
   * Resolves once every change made before the call is on disk (fsync'd), so a caller can hold
   * back an answer that promises a message exists. Rejects if that snapshot could not be written.
   */
  flushed(): Promise<void> {
    return this.saving;
  }

  private adopt(message: QueueMessage, now: number) {
    const { receiptHandle: _, ...rest } = message;
    this.messages.set(message.messageId, { ...rest, visibleAt: now });
    this.changed();
  }

  private changed() {
    this.changes.emit('change');
    const path = this.options.persistPath;
    // A snapshot queued but not started yet serialises the map when it runs, so it covers this change too.
    if (!path || this.dirty) return;
    this.dirty = true;
    // One failed write must not stop every later one: the next snapshot carries the same messages.
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        this.dirty = false;
        await writeAtomically(path, JSON.stringify([...this.messages.values()]));
      });
  }

  private load(path: string) {
    removeStaleSnapshots(path);
    let saved: QueueMessage[] = [];
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as QueueMessage[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // The process that received the in-flight messages is gone (one stack owns a data folder), so
    // no invocation can still be working on them: they are visible again at once rather than after
    // a visibility timeout of many minutes.
    const now = Date.now();
    for (const { receiptHandle: _, ...message } of saved) {
      this.messages.set(message.messageId, { ...message, visibleAt: Math.min(message.visibleAt, now) });
    }
  }
}

/**
 * tmp + fsync + rename: a crash at any point leaves either the old snapshot or the new one, whole.
 * The directory is synced too, or a power cut could forget the rename.
 */
export const writeAtomically = async (path: string, text: string) => {
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
};

/** A process killed mid-write leaves its `<file>.<pid>.tmp`; only one stack owns a data folder, so none is live. */
export const removeStaleSnapshots = (path: string) => {
  const prefix = `${basename(path)}.`;
  let names: string[] = [];
  try {
    names = readdirSync(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(path), name), { force: true });
  }
};

export const md5 = (body: string): string => createHash('md5').update(body).digest('hex');
