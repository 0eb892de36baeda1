import { type SingleBar as Bar, MultiBar, Presets } from 'cli-progress';
import { formatBytes, formatDuration, formatRate } from './human.ts';
import type { FileOutcome, ProgressReporter, ProgressStream } from './progress.ts';
import type { ProgressMeter } from './progress-meter.ts';

/**
 * A live bar over bytes, with files, rate and ETA beside it. A MultiBar even for one bar, because
 * only it can print log lines above the bar without tearing it.
 */
export class TtyProgress implements ProgressReporter {
  private readonly bars: MultiBar;
  private bar: Bar | undefined;
  private failed = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly meter: ProgressMeter,
  ) {
    this.bars = new MultiBar(
      {
        stream,
        format: '{bar} {files} files{failed} | {bytes} | {rate} | eta {timeLeft}',
        barsize: 30,
        fps: 5,
        // A crash must not leave the user's terminal without a cursor.
        hideCursor: false,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
  }

  start(totalFiles: number, totalBytes: number): void {
    this.meter.start(totalFiles, totalBytes);
    this.bar = this.bars.create(totalBytes, 0, this.payload());
  }

  advanceBytes(n: number): void {
    this.meter.advanceBytes(n);
    this.bar?.increment(n, this.payload());
  }

  fileDone(outcome: FileOutcome): void {
    this.meter.fileDone();
    if (outcome === 'failed' || outcome === 'refused') this.failed++;
    this.bar?.update(this.payload());
  }

  /** Above the bar while it runs; straight to the stream before and after, when no redraw would flush it. */
  log(line: string): void {
    if (this.bars.isActive) this.bars.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.update(this.payload());
    // stop() draws the bar but drops log lines waiting for the next redraw: redraw first.
    if (this.bars.isActive) this.bars.update();
    this.bars.stop();
  }

  // Not `eta`: cli-progress fills that token with its own estimate over the bar's value.
  private payload() {
    const s = this.meter.snapshot();
    return {
      files: `${s.files}/${s.totalFiles}`,
      failed: this.failed ? ` (${this.failed} not uploaded)` : '',
      bytes: `${formatBytes(s.bytes)}/${formatBytes(s.totalBytes)}`,
      rate: formatRate(s.rate),
      timeLeft: s.etaMs === undefined ? '?' : formatDuration(s.etaMs),
    };
  }
}
