import type { FileProblem, RunSummary } from './summary.ts';

/** What happened to each file of a run, as the summary and the `--json` report tell it. */
export class Tally {
  readonly uploaded: { path: string; assetId: string }[] = [];
  readonly duplicates: { path: string; assetId: string }[] = [];
  readonly refused: FileProblem[] = [];
  readonly failed: FileProblem[] = [];
  readonly skipped: FileProblem[] = [];
  bytesSent = 0;
  /** Milliseconds each phase took: crawl, hash, exist, send, settle. */
  readonly timings: Record<string, number> = {};
  private phaseStarted = performance.now();

  /** Ends the phase under way, named, and starts the next. */
  phase(name: 'crawl' | 'hash' | 'exist' | 'send' | 'settle') {
    const now = performance.now();
    this.timings[`${name}_ms`] = Math.round(now - this.phaseStarted);
    this.phaseStarted = now;
  }

  /** Every asset the run leaves the files in: what an album gets. */
  assetIds(): string[] {
    return [...new Set([...this.uploaded, ...this.duplicates].map((f) => f.assetId))];
  }

  summary(elapsedMs: number, interrupted: boolean): RunSummary {
    return {
      uploaded: this.uploaded.length,
      duplicates: this.duplicates.length,
      refused: this.refused,
      failed: this.failed,
      skipped: this.skipped,
      bytesSent: this.bytesSent,
      elapsedMs,
      interrupted,
    };
  }

  /** The machine-readable report (`--json`), snake_case like the API. */
  report(extra: { elapsedMs: number; exitCode: number; dryRun: boolean; wouldUpload?: FileProblem[] }) {
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    const withId = (list: { path: string; assetId: string }[]) =>
      [...list].sort(byPath).map((f) => ({ path: f.path, asset_id: f.assetId }));
    return {
      dry_run: extra.dryRun,
      exit_code: extra.exitCode,
      ...(extra.wouldUpload && { would_upload: extra.wouldUpload.map((f) => f.path) }),
      uploaded: withId(this.uploaded),
      duplicates: withId(this.duplicates),
      refused: [...this.refused].sort(byPath),
      failed: [...this.failed].sort(byPath),
      skipped: [...this.skipped].sort(byPath),
      bytes_sent: this.bytesSent,
      elapsed_ms: extra.elapsedMs,
      timings: this.timings,
    };
  }
}
