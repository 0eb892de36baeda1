import '../infra/local/node20.ts';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import decodeHeic from 'heic-decode';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { SharpMedia } from '../shared/media/sharp-media.ts';
import { spoolToDisk } from '../shared/storage/local-file.ts';
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
const media = new SharpMedia();

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

if (!existsSync(SAMPLES)) {
  console.log(`process-photo: skipped, no samples at ${SAMPLES}`);
} else {
  const results: Comparison[] = [];
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
