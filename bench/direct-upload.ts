import './quiet.ts';
import { floor } from './floor.ts';
import { type FlowStack, PHOTOS, readSample, startFlowStack } from './flow-stack.ts';
import { type Comparison, comparison, median, record } from './harness.ts';

// A whole direct upload on the local stack: `POST /api/assets` (multipart) until it answers
// `ready` — the HTTP request and its parsing, spooling the file through both hashes, the checksum
// lookup, the pending record, the original's put to S3, the processing inline (EXIF, decode,
// preview, thumbnail, thumbhash), the claim, the derived files and the record — against the
// floor of the same work (both hashes, exifr, the cascade: floor.ts) on the same file,
// alternating in one run. Each upload is deleted after it is timed, so the next is new bytes to
// the library rather than a duplicate answered from the checksum.

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = 2;

/**
 * The record's own `created_at` splits the upload in two: until then, the request through API
 * Gateway's encoding, the multipart parse, spooling through both hashes, the sniff and the checksum
 * lookup; after it, the original's put to S3 with the processing inline beside it (EXIF, decode,
 * preview, thumbnail, thumbhash), the claim, the derived files, the record and the answer.
 */
const phases = { received: [] as number[], processed: [] as number[] };

const upload = async (flow: FlowStack, bytes: Buffer, fileName: string, timed = true) => {
  const wall = Date.now();
  const started = performance.now();
  let asset = await flow.direct(bytes, fileName);
  // The API processes before it answers; should it defer (a transient failure), the S3 event finishes it.
  while (asset.state === 'pending') {
    await new Promise((r) => setTimeout(r, 20));
    asset = await flow.call('GET', `/api/assets/${asset.id}`);
  }
  const ms = performance.now() - started;
  if (asset.state !== 'ready') throw new Error(`${fileName} ended ${asset.state}: ${asset.error}`);
  if (timed) {
    const created = Date.parse(asset.created_at);
    phases.received.push(created - wall);
    phases.processed.push(wall + ms - created);
  }
  await flow.remove(asset.id);
  return ms;
};

const flow = await startFlowStack();
try {
  const results: Comparison[] = [];
  for (const [label, sample] of PHOTOS) {
    const { path, bytes, fileName } = await readSample(sample);
    for (const list of Object.values(phases)) list.length = 0;
    const runners = [
      { name: 'darkroom', run: (timed: boolean) => upload(flow, bytes, fileName, timed) },
      {
        name: 'floor',
        run: async () => {
          const started = performance.now();
          await floor(path);
          return performance.now() - started;
        },
      },
    ];
    for (let i = 0; i < WARMUP; i++) for (const r of runners) await r.run(false);
    const times = new Map(runners.map((r) => [r.name, [] as number[]]));
    for (let i = 0; i < RUNS; i++) {
      for (let j = 0; j < runners.length; j++) {
        const runner = runners[(i + j) % runners.length] ?? runners[0];
        if (runner) times.get(runner.name)?.push(await runner.run(true));
      }
    }
    results.push(
      comparison(
        `direct upload → ready: ${label}`,
        { name: 'POST /api/assets until ready', samples: times.get('darkroom') ?? [] },
        { name: 'floor (hashes, exifr, cascade)', samples: times.get('floor') ?? [] },
        {
          target: '≤ 1.6×',
          notes: `${(bytes.length / 2 ** 20).toFixed(1)} MiB; medians: received (HTTP, parse, spool + hashes, sniff, lookup) ${median(phases.received)} ms, stored and processed inline (S3 put beside the media work, claim, writes, answer) ${median(phases.processed).toFixed(0)} ms`,
        },
      ),
    );
  }
  await record(results);
} finally {
  await flow.stop();
}
