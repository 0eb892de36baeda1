import { formatBytes, formatDuration, formatRate } from './human.ts';
import type { FileOutcome, ProgressReporter, ProgressStream } from './progress.ts';
import type { ProgressMeter, ProgressSnapshot } from './progress-meter.ts';

/** `progress: 120/1000 files, 45.2 MiB/380.0 MiB, 12.3 MiB/s, eta 27s`. */
export const progressLine = (s: ProgressSnapshot): string =>
  `progress: ${s.files}/${s.totalFiles} files, ${formatBytes(s.bytes)}/${formatBytes(s.totalBytes)}, ` +
  `${formatRate(s.rate)}, eta ${s.etaMs === undefined ? '?' : formatDuration(s.etaMs)}`;

/** Progress for a log or a CI job: a line now and then, never a control character. */
export class PlainProgress implements ProgressReporter {
  private lastPrintedAt = 0;
  private lastLine = '';
  private running = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly meter: ProgressMeter,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  start(totalFiles: number, totalBytes: number): void {
    this.meter.start(totalFiles, totalBytes);
    this.lastPrintedAt = this.now();
    this.running = true;
  }

  advanceBytes(n: number): void {
    this.meter.advanceBytes(n);
    this.printIfDue();
  }

  fileDone(_outcome: FileOutcome): void {
    this.meter.fileDone();
    this.printIfDue();
  }

  log(line: string): void {
    this.stream.write(`${line}\n`);
  }

  /** The last count, unless the line printed last already said it. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    const line = progressLine(this.meter.snapshot());
    if (line !== this.lastLine) this.print(line);
  }

  private printIfDue(): void {
    if (!this.running || this.now() - this.lastPrintedAt < this.intervalMs) return;
    this.print(progressLine(this.meter.snapshot()));
  }

  private print(line: string): void {
    this.lastPrintedAt = this.now();
    this.lastLine = line;
    this.stream.write(`${line}\n`);
  }
}
