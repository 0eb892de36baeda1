import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hashStream } from '#shared/storage/spool.ts';

// One hashing pass over argv[2] with the project's stream, as the processor does for an original
// too large for disk; prints the digests, the time of the pass itself (no process start-up) and
// this process's peak RSS.
const started = performance.now();
const file = await hashStream(createReadStream(process.argv[2] ?? '', { highWaterMark: 1 << 20 }));
const status = await readFile('/proc/self/status', 'utf8');
const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
console.log(
  JSON.stringify({ sha256: file.sha256, sha1: file.sha1, ms: performance.now() - started, peakRssBytes: kb * 1024 }),
);
