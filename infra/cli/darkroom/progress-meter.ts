/** Counts of a run under way, and the rate and time left they imply. */
export interface ProgressSnapshot {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
  /** Bytes per second since the start. */
  rate: number;
  /** Undefined until some bytes have moved. */
  etaMs: number | undefined;
}

export class ProgressMeter {
  private startedAt = 0;
  private files = 0;
  private bytes = 0;
  private totalFiles = 0;
  private totalBytes = 0;

  constructor(private readonly now: () => number) {}

  start(totalFiles: number, totalBytes: number): void {
    this.startedAt = this.now();
    this.totalFiles = totalFiles;
    this.totalBytes = totalBytes;
  }

  advanceBytes(n: number): void {
    this.bytes += n;
  }

  fileDone(): void {
    this.files++;
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = Math.max(0, this.now() - this.startedAt);
    // The average since the start, not a window: steadier through the pauses between parts.
    const rate = elapsedMs > 0 ? (this.bytes * 1000) / elapsedMs : 0;
    const left = Math.max(0, this.totalBytes - this.bytes);
    const etaMs = left === 0 ? 0 : rate > 0 ? (left / rate) * 1000 : undefined;
    const { files, totalFiles, bytes, totalBytes } = this;
    return { files, totalFiles, bytes, totalBytes, elapsedMs, rate, etaMs };
  }
}
