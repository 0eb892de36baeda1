import '#infra/local/node20.ts';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { MediaPipeline } from '#shared/media/media-pipeline.ts';
import { spoolToDisk } from '#shared/storage/spool.ts';
import { floor } from './floor.ts';
import { type Comparison, compare, comparison, interleave, median, record } from './harness.ts';
import { peer } from './peer.ts';

// Processing one photo: Darkroom's media path (stream to disk through both hashes, sniff, box
// walk, header check, EXIF, decode once, preview, thumbnail, thumbhash) against the floor (the
// bare library calls for the same outputs, floor.ts) and the peer (Immich's pipeline, peer.ts),
// all three interleaved on the same file in one run.

const SAMPLES = join(import.meta.dirname, '../../shared/samples');
/** [class, sample, the peer's target: libvips decodes these, so Darkroom should beat it 3×]. */
const CLASSES: [string, string, string][] = [
  ['JPEG 8 MP', 'jpeg/apple-iphone6-gps-8mp.jpg', '≥ 3×'],
  ['JPEG 12 MP', 'jpeg/google-pixel-gps-12mp.jpg', '≥ 3×'],
  ['JPEG 18 MP', 'jpeg/canon-eos-1300d-18mp.jpg', '≥ 3×'],
  ['HEIC 12 MP', 'heic/apple-iphone7-gps.heic', '≥ 1×'],
  ['PNG', 'png/synthetic-rgba16.png', '≥ 3×'],
  ['WebP', 'webp/immich-denali-canon-exif.webp', '≥ 3×'],
  ['AVIF', 'avif/immich-8bit-srgb.avif', '≥ 3×'],
  ['TIFF', 'tiff/dji-xt2-gps.tiff', '≥ 3×'],
  ['4K video poster', 'video/synthetic-hevc-2160p-rot90-apple-meta.mov', '≥ 1×'],
];

/**
 * The samples of the other classes are small (600×315 to 1617×1080), where fixed costs outweigh
 * the decode; the same classes at 12 MP, made here from the Pixel JPEG, show the pipeline on the
 * sizes phones and scanners write. [class, file name, how sharp writes it].
 */
const GENERATED: [string, string, (image: Sharp) => Sharp][] = [
  ['PNG 12 MP', 'pixel.png', (image) => image.png()],
  ['WebP 12 MP', 'pixel.webp', (image) => image.webp({ quality: 90 })],
  ['AVIF 12 MP', 'pixel.avif', (image) => image.avif({ quality: 60, effort: 2 })],
  ['TIFF 12 MP', 'pixel.tiff', (image) => image.tiff({ compression: 'lzw' })],
];

const dir = await mkdtemp(join(tmpdir(), 'bench-photo-'));

const generated = async (): Promise<[string, string, string][]> => {
  const pixel = join(SAMPLES, 'jpeg/google-pixel-gps-12mp.jpg');
  const made: [string, string, string][] = [];
  for (const [label, name, encode] of GENERATED) {
    await encode(sharp(pixel).rotate()).toFile(join(dir, name));
    made.push([label, join(dir, name), '≥ 3×']);
  }
  return made;
};
/** Two rounds through each of the three runners' six orders. */
const RUNS = Number(process.env.BENCH_RUNS ?? 12);
const ms = (n: number) => `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const media = new MediaPipeline();

const darkroom = async (path: string) => {
  const { file, release } = await spoolToDisk(createReadStream(path));
  try {
    await media.render(file, await media.inspect(file));
  } finally {
    await release();
  }
};

/** The whole processor step against real local S3 and DynamoDB: media work, claim, derived files, record. */
const endToEnd = async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const { startLocalStack } = await import('#infra/local/stack.ts');
  const stack = await startLocalStack({ faceStage: false });
  const { composeAssets } = await import('#functions/compose-assets.ts');
  const { config } = stack;
  const { processor } = composeAssets(config);
  const { createClients } = await import('#shared/aws/clients.ts');
  const { DynamoAssets } = await import('#shared/table/dynamo-assets.ts');
  const assets = new DynamoAssets(createClients(config).dynamo, config.TABLE_NAME);
  let n = 0;
  return {
    run: async (path: string) => {
      const { file, release } = await spoolToDisk(createReadStream(path));
      try {
        // A fresh library each time, so every run claims and writes like a first upload.
        const now = new Date().toISOString();
        const asset = {
          id: `asset_${String(n++).padStart(22, '0')}`,
          owner: 'user_bench',
          libraryId: `lib_${String(n).padStart(22, '0')}`,
          state: 'pending' as const,
          deviceAssetId: 'd',
          deviceId: 'bench',
          originalFileName: 'x.jpg',
          declaredMimeType: 'image/jpeg',
          fileCreatedAt: now,
          fileModifiedAt: now,
          localDatetime: now,
          fileSizeBytes: file.size,
          createdAt: now,
          updatedAt: now,
        };
        await assets.create(asset);
        const { outcome } = await processor.processFile(asset, file, { etag: 'bench' });
        if (outcome !== 'ready') throw new Error(`processing ended ${outcome}`);
      } finally {
        await release();
      }
    },
    stop: () => stack.stop(),
  };
};

if (!existsSync(SAMPLES)) {
  console.log(`process-photo: skipped, no samples at ${SAMPLES}`);
} else {
  const results: Comparison[] = [];
  const classes: string[] = [];
  const e2e = await endToEnd();
  const twelve = join(SAMPLES, 'jpeg/google-pixel-gps-12mp.jpg');
  results.push(
    await compare(
      'process photo end to end (claim + record): JPEG 12 MP',
      { name: 'processor + local S3/DynamoDB', run: () => e2e.run(twelve) },
      { name: 'floor', run: () => floor(twelve) },
      { runs: RUNS, target: '≤ 1.6×' },
    ),
  );
  await e2e.stop();
  for (const [label, file, peerTarget] of [...CLASSES, ...(await generated())]) {
    const path = file.startsWith('/') ? file : join(SAMPLES, file);
    const times = await interleave(
      [
        { name: 'darkroom', run: () => darkroom(path) },
        { name: 'floor', run: () => floor(path) },
        { name: 'immich-style peer', run: () => peer(path) },
      ],
      { runs: RUNS },
    );
    const samples = (name: string) => ({ name, samples: times.get(name) ?? [] });
    results.push(
      comparison(`process photo: ${label}`, samples('darkroom'), samples('floor'), {
        target: label.startsWith('JPEG') || label.startsWith('HEIC') ? '≤ 1.3×' : '',
      }),
      comparison(`peer ÷ darkroom: ${label}`, samples('immich-style peer'), samples('darkroom'), {
        target: peerTarget,
      }),
    );
    const [mine, bare, immich] = ['darkroom', 'floor', 'immich-style peer'].map((n) => median(times.get(n) ?? [])) as [
      number,
      number,
      number,
    ];
    classes.push(
      `| ${label} | ${file.startsWith('/') ? `made from the Pixel JPEG (${basename(file)})` : `\`${file}\``} | ${ms(mine)} | ${ms(bare)} | **${ratio(mine, bare)}** (${label.match(/^(JPEG|HEIC)/) ? '≤ 1.3×' : '—'}) | ${ms(immich)} | **${ratio(immich, mine)}** (${peerTarget}) | ${ratio(immich, bare)} |`,
    );
  }
  await rm(dir, { recursive: true, force: true });
  await record(results);
  const table = [
    '| class | sample | Darkroom | floor | Darkroom ÷ floor (target) | Immich-style peer | peer ÷ Darkroom (target) | peer ÷ floor (the most any pipeline could gain) |',
    '|---|---|---|---|---|---|---|---|',
    ...classes,
    '',
  ].join('\n');
  await writeFile(join(import.meta.dirname, 'results/photo-classes.md'), table);
  console.log(table);
}
