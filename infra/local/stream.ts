import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { removeStaleSnapshots, writeAtomically } from './queue.ts';

type Image = Record<string, AttributeValue>;

export interface StreamChange {
  keys: Image;
  oldImage?: Image;
  newImage?: Image;
}

interface Snapshot {
  nextSequence: number;
  records: DynamoDBRecord[];
  deadLetters: DynamoDBRecord[];
}

/** Digits of a sequence number (DynamoDB's are 21 to 40); the same width keeps them in text order too. */
const SEQUENCE_DIGITS = 21;

/**
 * A DynamoDB stream of one table, in process: records in the order their writes were made, with
 * sequence numbers that only grow, kept until the consumer checkpoints past them. With a path,
 * the records (and the next sequence number) are on disk before `flushed()` resolves, so a write
 * the table acknowledged is never missing from the stream after a crash.
 */
export class LocalStream {
  readonly arn: string;
  private nextSequence = 1;
  private records: DynamoDBRecord[] = [];
  private readonly dead: DynamoDBRecord[] = [];
  private readonly changes = new EventEmitter();
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    tableName: string,
    private readonly persistPath?: string,
  ) {
    this.arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}/stream/local`;
    this.changes.setMaxListeners(0);
    if (persistPath) this.load(persistPath);
  }

  /** The record of one item's change; none when the write changed nothing (as DynamoDB Streams). */
  append(change: StreamChange, now = Date.now()): DynamoDBRecord | undefined {
    const { oldImage, newImage } = change;
    if (!oldImage && !newImage) return undefined;
    if (oldImage && newImage && canonical(oldImage) === canonical(newImage)) return undefined;
    const sequence = String(this.nextSequence++).padStart(SEQUENCE_DIGITS, '0');
    const record: DynamoDBRecord = {
      eventID: sequence,
      eventName: !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: this.arn,
      dynamodb: {
        // Seconds, as DynamoDB Streams reports it.
        ApproximateCreationDateTime: Math.floor(now / 1000),
        Keys: change.keys,
        ...(newImage && { NewImage: newImage }),
        ...(oldImage && { OldImage: oldImage }),
        SequenceNumber: sequence,
        SizeBytes: JSON.stringify(change).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    this.records.push(record);
    this.changed();
    return record;
  }

  /** The oldest records not yet checkpointed, in order. */
  peek(max: number): DynamoDBRecord[] {
    return this.records.slice(0, max);
  }

  /** Checkpoints past every record up to and including `sequence`. */
  checkpoint(sequence: string): void {
    const before = this.records.length;
    this.records = this.records.filter((r) => (r.dynamodb?.SequenceNumber ?? '') > sequence);
    if (this.records.length !== before) this.changed();
  }

  /** The on-failure destination: the record is kept aside and the stream moves past it. */
  deadLetter(record: DynamoDBRecord): void {
    this.dead.push(record);
    this.checkpoint(record.dynamodb?.SequenceNumber ?? '');
    this.changed();
  }

  get deadLetters(): readonly DynamoDBRecord[] {
    return this.dead;
  }

  get pending(): number {
    return this.records.length;
  }

  /** Resolves on the next append or checkpoint (or after `ms`). */
  whenChanged(ms = 60_000): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changes.off('change', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.changes.once('change', done);
    });
  }

  /** Resolves once every record is checkpointed. */
  async drained(): Promise<void> {
    while (this.records.length > 0) await this.whenChanged(1000);
  }

  wake(): void {
    this.changes.emit('change');
  }

  /**
   * Resolves once every change made before the call is on disk, and any snapshot begun while it
   * waited too: a stopping stack leaves no half-written snapshot behind.
   */
  async flushed(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.saving;
      await current;
    } while (current !== this.saving);
  }

  private changed() {
    this.changes.emit('change');
    const path = this.persistPath;
    if (!path || this.dirty) return;
    this.dirty = true;
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        this.dirty = false;
        const snapshot: Snapshot = {
          nextSequence: this.nextSequence,
          records: this.records,
          deadLetters: this.dead,
        };
        await writeAtomically(path, JSON.stringify(snapshot));
      });
  }

  private load(path: string) {
    removeStaleSnapshots(path);
    try {
      const saved = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
      this.nextSequence = saved.nextSequence;
      this.records = saved.records;
      this.dead.push(...saved.deadLetters);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** JSON with every object's keys sorted: DynamoDB does not promise attribute order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
