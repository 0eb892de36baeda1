import './quiet.ts';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createClients } from '#shared/aws/clients.ts';
import { LOCAL_NAMES, PROCESSING_QUEUE } from '#shared/deployment.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { reprocessObject } from '#shared/domain/reprocess.ts';
import { objectCreatedEvent } from '#shared/events/object-created.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { floor } from './floor.ts';
import { PHOTOS, readSample, startFlowStack } from './flow-stack.ts';
import { type Comparison, comparison, median, record } from './harness.ts';

// Photos per second per processor, with one and with two cores busy. The four camera JPEGs are
// uploaded once; then N forced "Object Created" events for them (what `npm run reprocess -- --all`
// sends) go on the queue at once and are drained in batches of ten, each batch's records in
// parallel (Powertools' BatchProcessor); the time runs from the send to the last processed
// line's own timestamp. A processor does an S3 event's whole work each time: the download
// through both hashes, EXIF, decode, claim, derived files and record. Three runs:
//   - one processor pinned to one core (taskset), the other core left to S3, DynamoDB and the API;
//   - two processors (concurrency 2), each pinned to a core of its own: both cores busy;
//   - one processor unpinned, as `npm start` runs it (its batch's parallel decodes may use both).
// The baseline is the floor of the same photos one after another in this process, pinned to one
// core alike (unpinned for the last run), alternating with the processors' rounds. BENCH_SCALE
// multiplies N (20 by default: two batches, so each of two processors has one); BENCH_RUNS sets
// the rounds (3).

const N = 20 * Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const CORES = availableParallelism();
const samples = await Promise.all(PHOTOS.map(([, sample]) => readSample(sample)));

/** Pins a process and all its threads (libuv's pool, libvips') to the given cores. */
const pin = (pid: number, cores: string) => {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
};
const ALL = `0-${CORES - 1}`;

/** Per round: the floor's and the processors' milliseconds for N photos, alternating. */
const drain = async (concurrency: number, pinned: boolean) => {
  const flow = await startFlowStack({ queue: { concurrency } });
  try {
    const repository = new DynamoAssets(createClients(flow.stack.config).dynamo, flow.stack.config.TABLE_NAME);
    const assets: Asset[] = [];
    for (const { bytes, fileName } of samples) {
      const { id } = await flow.presigned(bytes, fileName);
      await flow.processed(id);
      const asset = await repository.get(id);
      if (asset?.state !== 'ready') throw new Error(`${fileName} is not ready`);
      assets.push(asset);
    }
    const send = (count: number) => {
      const sentAt = Date.now();
      for (let i = 0; i < count; i++) {
        const asset = assets[i % assets.length] as Asset;
        flow.stack.queue.send(
          JSON.stringify(objectCreatedEvent(reprocessObject(asset, LOCAL_NAMES.originalsBucket, true))),
        );
      }
      return sentAt;
    };
    // Every processor's environment started and warm before the timed rounds.
    const warm = flow.lines.length + PROCESSING_QUEUE.batchSize * concurrency;
    send(PROCESSING_QUEUE.batchSize * concurrency);
    await flow.lineCount(warm);
    const pids = flow.stack.processorProcess?.pids() ?? [];
    if (pids.length !== concurrency) throw new Error(`${pids.length} processor environments, not ${concurrency}`);
    if (pinned) for (const [i, pid] of pids.entries()) pin(pid, String(i % CORES));
    const rounds = { processors: [] as number[], floor: [] as number[], handling: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.floor.push(await bare(pinned));
      const start = flow.lines.length;
      const sentAt = send(N);
      await flow.lineCount(start + N);
      const done = flow.lines.slice(start, start + N);
      const failed = done.filter((l) => l.outcome !== 'ready');
      if (failed.length) throw new Error(`${failed.length} ended ${failed[0]?.outcome}`);
      rounds.processors.push(Math.max(...done.map((l) => l.at)) - sentAt);
      rounds.handling.push(...done.map((l) => l.ms));
    }
    return rounds;
  } finally {
    await flow.stop();
  }
};

const bare = async (pinned: boolean) => {
  if (pinned) pin(process.pid, '0');
  try {
    const started = performance.now();
    for (let i = 0; i < N; i++) await floor((samples[i % samples.length] as (typeof samples)[number]).path);
    return performance.now() - started;
  } finally {
    if (pinned) pin(process.pid, ALL);
  }
};

const perSecond = (ms: number, photos = N) => (photos / ms) * 1000;

await bare(false); // warm-up
const results: Comparison[] = [];
const RUNS: [string, number, boolean][] = [
  ['one core busy (1 processor, pinned)', 1, true],
  ['two cores busy (2 processors, a core each)', 2, true],
  ['1 processor, unpinned', 1, false],
];
for (const [label, concurrency, pinned] of RUNS) {
  const rounds = await drain(concurrency, pinned);
  const total = perSecond(median(rounds.processors));
  results.push(
    comparison(
      `photos per second: ${label}`,
      { name: 'per processor', samples: rounds.processors.map((ms) => (ms * concurrency) / N) },
      { name: `floor, one after another${pinned ? ' on one core' : ''}`, samples: rounds.floor.map((ms) => ms / N) },
      {
        unit: 'ms/photo',
        notes: `${(total / concurrency).toFixed(2)} photos/s per processor, ${total.toFixed(2)} in all (floor ${perSecond(median(rounds.floor)).toFixed(2)}/s); ${ROUNDS} rounds of ${N} photos, the four JPEGs in turn; a photo's median inside its processor ${median(rounds.handling).toFixed(0)} ms (a batch's ten run at once)`,
      },
    ),
  );
}
await record(results);
