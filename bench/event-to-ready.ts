import './quiet.ts';
import { floor } from './floor.ts';
import { PHOTOS, readSample, startFlowStack } from './flow-stack.ts';
import { type Comparison, comparison, median, record } from './harness.ts';

// The presigned flow per photo: from the moment S3 answers the form POST (the local gate answers
// only once the object's event is on the queue, as S3 answers once the object is stored) until
// the processor has written the ready record — the time written on the processor's own log line
// for that asset, so no polling interval is in the figure. Also read from that line: how long
// the event waited in the queue (its send until the handler took it) and the processor's own
// milliseconds per step. The baseline is the floor of the same work (floor.ts), alternating.

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = 2;

const flow = await startFlowStack();
try {
  const results: Comparison[] = [];
  for (const [label, sample] of PHOTOS) {
    const { path, bytes, fileName } = await readSample(sample);
    const toReady: number[] = [];
    const floors: number[] = [];
    const queued: number[] = [];
    const handling: number[] = [];
    const steps = new Map<string, number[]>();
    const darkroom = async (timed: boolean) => {
      const { id, answeredAt } = await flow.presigned(bytes, fileName);
      const line = await flow.processed(id);
      if (line.outcome !== 'ready') throw new Error(`${fileName} ended ${line.outcome}`);
      await flow.remove(id);
      if (!timed) return;
      toReady.push(line.at - answeredAt);
      queued.push(line.queuedMs);
      handling.push(line.ms);
      for (const [step, ms] of Object.entries(line.steps ?? {})) steps.set(step, [...(steps.get(step) ?? []), ms]);
    };
    const bare = async (timed: boolean) => {
      const started = performance.now();
      await floor(path);
      if (timed) floors.push(performance.now() - started);
    };
    for (let i = 0; i < WARMUP; i++) {
      await darkroom(false);
      await bare(false);
    }
    for (let i = 0; i < RUNS; i++) {
      for (const run of i % 2 ? [bare, darkroom] : [darkroom, bare]) await run(true);
    }
    const parts = [...steps].map(([step, ms]) => `${step} ${median(ms).toFixed(0)}`).join(', ');
    results.push(
      comparison(
        `S3 event → ready: ${label}`,
        { name: 'S3 answer → ready record', samples: toReady },
        { name: 'floor (hashes, exifr, cascade)', samples: floors },
        {
          notes: `medians: queued ${median(queued).toFixed(0)} ms, processor ${median(handling).toFixed(0)} ms (${parts} ms)`,
        },
      ),
    );
  }
  await record(results);
} finally {
  await flow.stop();
}
