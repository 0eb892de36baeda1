import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

export interface Measured {
  name: string;
  median: number;
  min: number;
  max: number;
  p90: number;
  runs: number;
}

export interface Comparison {
  benchmark: string;
  subject: Measured;
  baseline: Measured;
  /** subject median / baseline median. */
  ratio: number;
  target?: string;
  unit: string;
  /** Anything else measured on the way (peak RSS, bytes, scanned items…). */
  notes?: string;
}

/** A Comparison from samples already taken. */
export const comparison = (
  benchmark: string,
  subject: { name: string; samples: number[] },
  baseline: { name: string; samples: number[] },
  extra: { unit?: string; target?: string; notes?: string } = {},
): Comparison => {
  const s = stats(subject.name, subject.samples);
  const b = stats(baseline.name, baseline.samples);
  return {
    benchmark,
    subject: s,
    baseline: b,
    ratio: s.median / b.median,
    unit: extra.unit ?? 'ms',
    ...(extra.target && { target: extra.target }),
    ...(extra.notes && { notes: extra.notes }),
  };
};

/** The middle value (the upper one of an even count). */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const stats = (name: string, samples: number[]): Measured => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    name,
    median: at(0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    p90: at(0.9),
    runs: samples.length,
  };
};

export interface Runner {
  name: string;
  run: () => Promise<unknown>;
}

/** Every order of the items (runners are a handful, so n! is small). */
const orders = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

/**
 * Runs every runner in turn after a warm-up of each, round after round through every order of
 * them, so each follows each other equally often (a heavy run's garbage and freed memory land on
 * whichever runs next) and all see the same machine state; answers each one's milliseconds per
 * run. Rounds in a multiple of n! are balanced exactly.
 */
export const interleave = async (
  runners: Runner[],
  options: { runs: number; warmup?: number },
): Promise<Map<string, number[]>> => {
  for (let i = 0; i < (options.warmup ?? 2); i++) for (const r of runners) await r.run();
  const times = new Map(runners.map((r) => [r.name, [] as number[]]));
  const rounds = orders(runners);
  for (let i = 0; i < options.runs; i++) {
    for (const runner of rounds[i % rounds.length] ?? runners) {
      const started = performance.now();
      await runner.run();
      times.get(runner.name)?.push(performance.now() - started);
    }
  }
  return times;
};

/** A subject against a baseline, interleaved. */
export const compare = async (
  benchmark: string,
  subject: Runner,
  baseline: Runner,
  options: { runs: number; warmup?: number; target?: string },
): Promise<Comparison> => {
  const times = await interleave([subject, baseline], options);
  return comparison(
    benchmark,
    { name: subject.name, samples: times.get(subject.name) ?? [] },
    { name: baseline.name, samples: times.get(baseline.name) ?? [] },
    options.target ? { target: options.target } : {},
  );
};

const RESULTS = join(import.meta.dirname, 'results');

/** Merges this run's comparisons into results/latest.json and rewrites results/latest.md. */
export const record = async (comparisons: Comparison[]) => {
  await mkdir(RESULTS, { recursive: true });
  const file = join(RESULTS, 'latest.json');
  const previous = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as { results: Comparison[] },
    () => ({ results: [] }),
  );
  const names = new Set(comparisons.map((c) => c.benchmark));
  const results = [...previous.results.filter((c) => !names.has(c.benchmark)), ...comparisons];
  await writeFile(
    file,
    `${JSON.stringify({ machine: machine(), updated: new Date().toISOString(), results }, null, 2)}\n`,
  );
  await writeFile(join(RESULTS, 'latest.md'), table(results));
  console.log(table(comparisons));
};

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export const table = (results: Comparison[]) =>
  [
    '| benchmark | subject: median (min–max) | baseline: median (min–max) | ratio | target | notes |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (c) =>
        `| ${c.benchmark} | ${c.subject.name}: ${fmt(c.subject.median)} ${c.unit} (${fmt(c.subject.min)}–${fmt(c.subject.max)}) | ${c.baseline.name}: ${fmt(c.baseline.median)} ${c.unit} (${fmt(c.baseline.min)}–${fmt(c.baseline.max)}) | ${c.ratio.toFixed(2)}× | ${c.target ?? ''} | ${c.notes ?? ''} |`,
    ),
    '',
  ].join('\n');

const machine = () => {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
};
