import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRate } from '#infra/cli/darkroom/human.ts';
import { createProgress, type ProgressStream } from '#infra/cli/darkroom/progress.ts';
import { summaryLines } from '#infra/cli/darkroom/summary.ts';

const MiB = 1024 * 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test is that there are none
const ANSI = /\u001b/;

const captured = (isTTY = false) => {
  const stream: ProgressStream & PassThrough = Object.assign(new PassThrough(), { isTTY, columns: 120 });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, text: () => chunks.join('') };
};

const fakeClock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('plain progress', () => {
  it('prints files, bytes, rate and ETA in one line', () => {
    const out = captured();
    const clock = fakeClock();
    const progress = createProgress({ stream: out.stream, now: clock.now, intervalMs: 5000 });
    progress.start(1000, 380 * MiB);
    clock.advance(4000);
    for (let i = 0; i < 120; i++) progress.fileDone('uploaded');
    clock.advance(1000);
    progress.advanceBytes(45.2 * MiB);
    expect(out.text()).toBe('progress: 120/1000 files, 45.2 MiB/380.0 MiB, 9.0 MiB/s, eta 37s\n');
  });

  it('prints at most once per interval, however many events arrive', () => {
    const out = captured();
    const clock = fakeClock();
    const progress = createProgress({ stream: out.stream, now: clock.now, intervalMs: 2000 });
    progress.start(100, 100 * MiB);
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      progress.advanceBytes(MiB);
      progress.fileDone('uploaded');
    }
    // 10 s of events every 100 ms, a line every 2 s.
    expect(out.text().trim().split('\n')).toHaveLength(5);
  });

  it('ends with the final count, once, and never an escape sequence', () => {
    const out = captured();
    const clock = fakeClock();
    const progress = createProgress({ stream: out.stream, now: clock.now, intervalMs: 1000 });
    progress.start(2, 2048);
    progress.log('photo.jpg: refused (not an image)');
    clock.advance(1000);
    progress.advanceBytes(2048);
    progress.fileDone('refused');
    progress.fileDone('uploaded');
    progress.stop();
    progress.stop();
    const lines = out.text().trim().split('\n');
    expect(lines).toEqual([
      'photo.jpg: refused (not an image)',
      'progress: 0/2 files, 2.0 KiB/2.0 KiB, 2.0 KiB/s, eta 0s',
      'progress: 2/2 files, 2.0 KiB/2.0 KiB, 2.0 KiB/s, eta 0s',
    ]);
    expect(out.text()).not.toMatch(ANSI);
  });

  it('says the ETA is unknown before any byte moved', () => {
    const out = captured();
    const clock = fakeClock();
    const progress = createProgress({ stream: out.stream, now: clock.now, intervalMs: 1000 });
    progress.start(3, 3 * MiB);
    clock.advance(1500);
    progress.fileDone('duplicate');
    expect(out.text()).toBe('progress: 1/3 files, 0 B/3.0 MiB, 0 B/s, eta ?\n');
  });

  it('is what a stream that is not a terminal gets', () => {
    const out = captured(false);
    const progress = createProgress({ stream: out.stream });
    progress.start(1, 1);
    progress.stop();
    expect(out.text()).toMatch(/^progress: 0\/1 files/);
  });
});

describe('terminal progress', () => {
  it('draws a bar with files, bytes, rate and ETA, with log lines above it', () => {
    const out = captured(true);
    const clock = fakeClock();
    const progress = createProgress({ stream: out.stream, now: clock.now });
    progress.start(10, 10 * MiB);
    clock.advance(2000);
    progress.advanceBytes(5 * MiB);
    progress.fileDone('uploaded');
    progress.fileDone('failed');
    progress.log('b.mp4: failed (connection reset)');
    progress.stop();
    const text = out.text();
    expect(text).toContain('2/10 files (1 not uploaded) | 5.0 MiB/10.0 MiB | 2.5 MiB/s | eta 2s');
    expect(text).toContain('b.mp4: failed (connection reset)\n');
  });

  it('writes log lines straight out when no bar is running', () => {
    const out = captured(true);
    const progress = createProgress({ stream: out.stream, tty: true });
    progress.log('crawling…');
    expect(out.text()).toBe('crawling…\n');
  });
});

describe('human formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1024 * 1023.97, '1.0 MiB'],
    [45.2 * MiB, '45.2 MiB'],
    [3.5 * 1024 * MiB, '3.5 GiB'],
  ])('%d bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [0, '0s'],
    [27_400, '27s'],
    [59_600, '1m 00s'],
    [245_000, '4m 05s'],
    [7_380_000, '2h 03m'],
  ])('%d ms read %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('reads a rate per second', () => {
    expect(formatRate(12.3 * MiB)).toBe('12.3 MiB/s');
  });
});

describe('the summary', () => {
  it('counts each outcome and names every file not uploaded with its reason', () => {
    expect(
      summaryLines({
        uploaded: 120,
        duplicates: 30,
        refused: [{ path: 'junk/fake.jpg', reason: 'unsupported media type (415)' }],
        failed: [
          { path: 'videos/a.mp4', reason: 'connection reset' },
          { path: 'videos/b.mp4', reason: 'server error (503)' },
        ],
        skipped: [
          { path: 'notes.txt', reason: 'unsupported type' },
          { path: 'doc.pdf', reason: 'unsupported type' },
          { path: 'empty.jpg', reason: 'empty file' },
        ],
        bytesSent: 45.2 * MiB,
        elapsedMs: 63_000,
      }),
    ).toEqual([
      'uploaded 120',
      'duplicates 30 (already there)',
      'refused 1',
      '  junk/fake.jpg — unsupported media type (415)',
      'failed 2',
      '  videos/a.mp4 — connection reset',
      '  videos/b.mp4 — server error (503)',
      'skipped 3 (not offered): 2 unsupported type, 1 empty file',
      'sent 45.2 MiB in 1m 03s (734.7 KiB/s)',
    ]);
  });

  it('tells an interrupted run how to resume', () => {
    const lines = summaryLines({ uploaded: 0, duplicates: 0, refused: [], failed: [], bytesSent: 0, elapsedMs: 0 });
    expect(lines).toEqual(['uploaded 0', 'duplicates 0 (already there)', 'refused 0', 'failed 0', 'sent 0 B in 0s']);
    expect(
      summaryLines({
        uploaded: 1,
        duplicates: 0,
        refused: [],
        failed: [],
        bytesSent: 1,
        elapsedMs: 1,
        interrupted: true,
      }).at(-1),
    ).toBe('interrupted: run the same command again to resume');
  });
});
