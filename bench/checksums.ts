import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { comparison, record } from './harness.ts';

// SHA-256 + SHA-1 of 1 GiB through the project's hashing stream (in its own process, so its peak
// RSS is its own) against `openssl dgst -sha256` then `-sha1` on the same file.

const run = promisify(execFile);
const GiB = 1024 ** 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const dir = await mkdtemp(join(tmpdir(), 'bench-hash-'));
const file = join(dir, 'blob');
try {
  const out = createWriteStream(file);
  for (let written = 0; written < GiB; written += 1 << 24) {
    if (!out.write(randomBytes(1 << 24))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));

  const ours: number[] = [];
  const theirs: number[] = [];
  let peak = 0;
  const worker = join(import.meta.dirname, 'hash-worker.ts');
  for (let i = 0; i < RUNS + 1; i++) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, file]);
    const { ms, peakRssBytes } = JSON.parse(stdout) as { ms: number; peakRssBytes: number };
    const t = performance.now();
    await run('openssl', ['dgst', '-sha256', file]);
    await run('openssl', ['dgst', '-sha1', file]);
    const baseline = performance.now() - t;
    if (i === 0) continue; // warm-up: page cache and tsx's transform cache
    ours.push(ms);
    theirs.push(baseline);
    peak = Math.max(peak, peakRssBytes);
  }
  const throughput = (ms: number[]) =>
    (GiB / 2 ** 20 / ((ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 1) / 1000)).toFixed(0);
  await record([
    comparison(
      'checksums: SHA-256 + SHA-1 of 1 GiB',
      { name: 'darkroom stream', samples: ours },
      { name: 'openssl sha256 then sha1', samples: theirs },
      {
        target: '≤ 1.11× (≥ 0.9× throughput), RSS < 128 MB',
        notes: `${throughput([...ours])} vs ${throughput([...theirs])} MiB/s; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (Node + tsx included)`,
      },
    ),
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
