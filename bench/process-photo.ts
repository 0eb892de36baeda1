import '#infra/local/node20.ts';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import decodeHeic from 'heic-decode';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { MediaPipeline } from '#shared/media/media-pipeline.ts';
import { spoolToDisk } from '#shared/storage/spool.ts';
import { type Comparison, compare, record } from './harness.ts';

// Processing one photo: Darkroom's media path (stream to disk through both hashes, sniff, box
// walk, header check, EXIF, decode once, preview, thumbnail, thumbhash) against the bare library
// calls doing the same work on the same file.

const SAMPLES = join(import.meta.dirname, '../../shared/samples');
const CLASSES: [string, string][] = [
  ['12 MP JPEG', 'jpeg/google-pixel-gps-12mp.jpg'],
  ['18 MP JPEG', 'jpeg/canon-eos-1300d-18mp.jpg'],
  ['12 MP HEIC', 'heic/apple-iphone7-gps.heic'],
  ['PNG', 'png/synthetic-rgba16.png'],
  ['AVIF', 'avif/immich-8bit-srgb.avif'],
];
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const media = new MediaPipeline();

const darkroom = async (path: string) => {
  const { file, release } = await spoolToDisk(createReadStream(path));
  try {
    await media.render(file, await media.inspect(file));
  } finally {
    await release();
  }
};

const bare = async (path: string) => {
  const bytes = await readFile(path);
  createHash('sha256').update(bytes).digest('base64');
  createHash('sha1').update(bytes).digest('base64');
  await exifr.parse(bytes, { reviveValues: false, translateValues: false }).catch(() => undefined);
  const input = path.endsWith('.heic')
    ? await decodeHeic({ buffer: bytes }).then(({ width, height, data }) =>
        sharp(Buffer.from(data.buffer), { raw: { width, height, channels: 4 } }),
      )
    : sharp(bytes).rotate();
  const preview = await input.resize(1440, 1440, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
  const thumbnail = await sharp(preview).resize(undefined, 250).webp({ quality: 80 }).toBuffer();
  const { data, info } = await sharp(thumbnail)
    .resize(100, 100, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  rgbaToThumbHash(info.width, info.height, data);
};

/** The whole processor step against real local S3 and DynamoDB: media work, claim, derived files, record. */
const endToEnd = async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const { startLocalStack } = await import('#infra/local/stack.ts');
  const stack = await startLocalStack();
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
  const e2e = await endToEnd();
  const twelve = join(SAMPLES, 'jpeg/google-pixel-gps-12mp.jpg');
  results.push(
    await compare(
      'process photo end to end (claim + record): 12 MP JPEG',
      { name: 'processor + local S3/DynamoDB', run: () => e2e.run(twelve) },
      { name: 'bare libraries', run: () => bare(twelve) },
      { runs: RUNS, target: '≤ 200 ms' },
    ),
  );
  await e2e.stop();
  for (const [label, file] of CLASSES) {
    const path = join(SAMPLES, file);
    results.push(
      await compare(
        `process photo: ${label}`,
        { name: 'darkroom', run: () => darkroom(path) },
        { name: 'bare libraries', run: () => bare(path) },
        { runs: RUNS, target: '≤ 1.3×' },
      ),
    );
  }
  await record(results);
}
