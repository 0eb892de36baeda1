import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import sharp from 'sharp';
import { MEDIA_MODULES } from '#infra/constructs/function-defaults.ts';
import { CLUSTERING_DEFAULTS, FACE_MATCH_DISTANCE } from '#shared/faces/clustering.ts';
import { FaceApiDetector } from '#shared/faces/face-api-detector.ts';
import { loadFaceApi, packagedFaceModelPaths } from '#shared/faces/face-models.ts';
import { clusterFound, clusteringScores, solvayFaceSet } from '#test/helpers/face-photos.ts';
import { type Comparison, comparison, interleave, median, record } from './harness.ts';

// The faces stage's costs: one photo with 1, 4 and 29 faces (the stage as built: first pass, the
// tiled pass when faces are small, landmarks and descriptor per kept face), against face-api's
// own one-pass chain on the same tensor (the floor: what the library does bare); and the models'
// load in a fresh process, the cold start's share.

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_FACES_RUNS ?? 5);
const LOADS = Number(process.env.BENCH_FACES_LOADS ?? 5);
const PEOPLE_PHOTOS = Number(process.env.BENCH_FACES_PHOTOS ?? 16);
const root = join(import.meta.dirname, '..');
const samples = join(root, '../shared/samples/faces');
const out = await mkdtemp(join(import.meta.dirname, 'results/.faces-'));

const solvay = await readFile(join(samples, 'solvay-1927.jpg'));
// Four of the seated front row (Curie, Lorentz, Einstein, Langevin), doubled.
const fourCrop = await sharp(solvay)
  .extract({ left: 340, top: 466, width: 500, height: 110 })
  .resize({ width: 1000 })
  .jpeg({ quality: 90 })
  .toBuffer();
const photos = [
  { name: 'portrait (1 face)', bytes: await readFile(join(samples, 'portrait.jpg')) },
  { name: 'Solvay crop (4 faces)', bytes: fourCrop },
  { name: 'Solvay (29 faces)', bytes: solvay },
];

const detector = new FaceApiDetector();
const faceapi = await loadFaceApi(packagedFaceModelPaths());
const results: Comparison[] = [];
for (const photo of photos) {
  const { width = 0, height = 0 } = await sharp(photo.bytes).metadata();
  const display = { width, height };
  const found = (await detector.detect(photo.bytes, display)).length;
  const { data, info } = await sharp(photo.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let floorFound = 0;
  const times = await interleave(
    [
      { name: 'Darkroom', run: () => detector.detect(photo.bytes, display) },
      {
        name: 'floor',
        run: async () => {
          const tensor = faceapi.tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
          try {
            const faces = await faceapi
              .detectAllFaces(tensor as never, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
              .withFaceLandmarks()
              .withFaceDescriptors();
            floorFound = faces.length;
          } finally {
            tensor.dispose();
          }
        },
      },
    ],
    { runs: RUNS, warmup: 1 },
  );
  results.push(
    comparison(
      `faces: ${photo.name}`,
      {
        name: 'Darkroom (decode, first pass, tiled pass if small faces, descriptors)',
        samples: times.get('Darkroom') ?? [],
      },
      { name: "floor: face-api's one-pass chain on decoded pixels", samples: times.get('floor') ?? [] },
      { notes: `${found} faces found (floor ${floorFound}); ${width}×${height}` },
    ),
  );
}
const peakRss = process.resourceUsage().maxRSS * 1024;

// The load, in a fresh process as a cold start sees it: bundled as the CDK bundles a handler.
const probe = join(out, 'probe.ts');
await writeFile(
  probe,
  `import { loadFaceApi, packagedFaceModelPaths } from ${JSON.stringify(join(root, 'shared/faces/face-models.ts'))};
const t = performance.now();
await loadFaceApi(packagedFaceModelPaths());
process.stdout.write(JSON.stringify({ ms: performance.now() - t, rss: process.memoryUsage().rss }));`,
);
const bare = join(out, 'bare.mjs');
await writeFile(
  bare,
  `const t = performance.now();
await import('@tensorflow/tfjs');
process.stdout.write(JSON.stringify({ ms: performance.now() - t, rss: process.memoryUsage().rss }));`,
);
const outfile = join(out, 'probe.mjs');
await build({
  entryPoints: [probe],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // face-api and tfjs stay packages beside the bundle: their wasm and weights are files anyway.
  external: [...MEDIA_MODULES, '@vladmandic/face-api', '@tensorflow/*'],
  logLevel: 'error',
});
const cold = async (file: string) =>
  JSON.parse((await run(process.execPath, [file])).stdout) as { ms: number; rss: number };
const loads: { ms: number; rss: number }[] = [];
const bares: { ms: number; rss: number }[] = [];
for (let i = 0; i < LOADS; i++) {
  loads.push(await cold(outfile));
  bares.push(await cold(bare));
}
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
results.push(
  comparison(
    'faces: model load in a fresh process',
    { name: 'Darkroom (tfjs wasm backend + SSD, landmarks, recognition weights)', samples: loads.map((l) => l.ms) },
    { name: 'floor: importing tfjs alone', samples: bares.map((l) => l.ms) },
    {
      notes: `RSS after load ${mib(median(loads.map((l) => l.rss)))}; peak RSS of the bench process (all photos) ${mib(peakRss)}; threshold ${FACE_MATCH_DISTANCE} (precision/recall: README, Faces and people)`,
    },
  ),
);
await record(results);

// People: the figures of test/integration/face-clustering.test.ts, at the threshold in use.
const set = await solvayFaceSet(detector, solvay, PEOPLE_PHOTOS);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const rows = [false, true].map((batch) => {
  const s = clusteringScores(clusterFound(set.found, CLUSTERING_DEFAULTS, batch));
  return `| ${batch ? 'batch recluster' : 'incremental, photo by photo'} | ${pct(s.precision)} | ${pct(s.recall)} | ${s.people} |`;
});
const notes = [
  '# Faces: people on generated photos',
  '',
  `Threshold ${FACE_MATCH_DISTANCE} (L2-normalised descriptors, nearest-face link, min ${CLUSTERING_DEFAULTS.minFaces} faces);`,
  `the Solvay photo and ${PEOPLE_PHOTOS} photos made from it (crops, scales, turns, re-lit, blurred, recompressed):`,
  `${set.found.length} faces known to be one of its ${set.reference} people, ${set.unmatched} not mapped.`,
  'Consistency across treatments of the same pixels, not real-world recognition.',
  '',
  '| clustering | precision (pairs) | recall (people in ≥ 3 photos) | people scored |',
  '|---|---|---|---|',
  ...rows,
  '',
].join('\n');
await writeFile(join(import.meta.dirname, 'results/faces-notes.md'), notes);
console.log(notes);
await rm(out, { recursive: true, force: true });
