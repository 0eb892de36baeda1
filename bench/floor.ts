import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import exifr from 'exifr';
import decodeHeic from 'heic-decode';
import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { imageMetrics, METRICS_EDGE } from '#shared/domain/metrics.ts';
import { binary } from '#shared/media/binaries.ts';
import { EXIFR_OPTIONS } from '#shared/media/exif-reader.ts';

// The floor: the best-known bare use of the same libraries for the same outputs, written as a
// user would who knows them — both hashes over the bytes, exifr reading the tags Darkroom reads,
// then `rotate().resize(1440, inside).keepIccProfile().jpeg(80)` and, from that preview, the
// 250 px WebP, the thumbhash and the quality scores (side by side: libvips runs them at once).
// No validation, no limits, no error handling: what Darkroom adds to this is its overhead.

const run = promisify(execFile);
const VIDEO = /\.(mov|mp4|3gp|m4v)$/i;

export const PREVIEW_EDGE = 1440;
export const THUMBNAIL_SHORT_EDGE = 250;

export const hashes = (bytes: Buffer) => [
  createHash('sha256').update(bytes).digest('base64'),
  createHash('sha1').update(bytes).digest('base64'),
];

export const tags = (bytes: Buffer) => exifr.parse(bytes, EXIFR_OPTIONS).catch(() => undefined);

/** HEVC-coded HEIF through libheif's wasm (prebuilt libvips has no HEVC decoder), upright. */
export const heicPixels = async (bytes: Buffer) => {
  const { width, height, data } = await decodeHeic({ buffer: bytes });
  return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 as const };
};

/** ffprobe's metadata and one frame, scaled to the preview's size inside ffmpeg, as PNG. */
export const videoFrame = async (path: string): Promise<Buffer> => {
  const ffprobe = await binary('ffprobe');
  const { stdout } = await run(ffprobe, [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  const duration = Number((JSON.parse(stdout) as { format: { duration: string } }).format.duration);
  const { stdout: frame } = await run(
    await binary('ffmpeg'),
    [
      ...['-v', 'error', '-ss', duration >= 2 ? '1' : '0', '-i', path, '-frames:v', '1'],
      ...['-vf', `scale=w='min(${PREVIEW_EDGE},iw)':h='min(${PREVIEW_EDGE},ih)':force_original_aspect_ratio=decrease`],
      ...['-f', 'image2pipe', '-vcodec', 'png', '-'],
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return frame;
};

/**
 * The thumbnail, the thumbhash and the quality scores, all from the preview. The scores have no
 * library to call: the floor runs Darkroom's own (shared/domain/metrics.ts) on the same pixels.
 */
export const fromPreview = async (preview: Buffer, width: number, height: number) => {
  const portrait = height > width;
  const [thumbnail] = await Promise.all([
    sharp(preview)
      .resize(portrait ? THUMBNAIL_SHORT_EDGE : undefined, portrait ? undefined : THUMBNAIL_SHORT_EDGE)
      .keepIccProfile()
      .webp({ quality: 80 })
      .toBuffer(),
    sharp(preview)
      .resize(100, 100, { fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => rgbaToThumbHash(info.width, info.height, data)),
    sharp(preview)
      .resize(METRICS_EDGE, METRICS_EDGE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => imageMetrics(data, info.width, info.height, info.channels)),
  ]);
  return thumbnail;
};

const upright = async (path: string, bytes: Buffer): Promise<Sharp> => {
  if (path.endsWith('.heic')) {
    const { data, ...raw } = await heicPixels(bytes);
    return sharp(data, { raw });
  }
  return VIDEO.test(path) ? sharp(await videoFrame(path)) : sharp(bytes).rotate();
};

export const floor = async (path: string) => {
  const bytes = await readFile(path);
  hashes(bytes);
  await tags(bytes);
  const { data: preview, info } = await (await upright(path, bytes))
    .resize(PREVIEW_EDGE, PREVIEW_EDGE, { fit: 'inside', withoutEnlargement: true })
    .keepIccProfile()
    .jpeg({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  await fromPreview(preview, info.width, info.height);
};
