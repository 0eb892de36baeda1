import { PlainProgress } from './plain-progress.ts';
import { ProgressMeter } from './progress-meter.ts';
import { TtyProgress } from './tty-progress.ts';

export type FileOutcome = 'uploaded' | 'duplicate' | 'refused' | 'failed';

/**
 * What the upload tells the user while it runs. Bytes are bytes dealt with: the orchestrator also
 * advances by the size of a file found to be a duplicate, so the rate and ETA stay honest.
 */
export interface ProgressReporter {
  start(totalFiles: number, totalBytes: number): void;
  advanceBytes(n: number): void;
  fileDone(outcome: FileOutcome): void;
  /** A line above the bar (TTY) or among the progress lines (plain). */
  log(line: string): void;
  stop(): void;
}

/** Where progress goes: stderr by default, so stdout carries only results (`--json`). */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface ProgressOptions {
  stream?: ProgressStream;
  /** A live bar, or plain lines for logs and CI; by default a bar when the stream is a terminal. */
  tty?: boolean;
  /** Plain lines: at most one per interval. */
  intervalMs?: number;
  now?: () => number;
}

const PLAIN_INTERVAL_MS = 5000;

export const createProgress = (options: ProgressOptions = {}): ProgressReporter => {
  const stream = options.stream ?? process.stderr;
  const meter = new ProgressMeter(options.now ?? Date.now);
  return (options.tty ?? stream.isTTY === true)
    ? new TtyProgress(stream, meter)
    : new PlainProgress(stream, meter, options.intervalMs ?? PLAIN_INTERVAL_MS, options.now ?? Date.now);
};
