import { readFile } from 'node:fs/promises';
import sharp, { type SharpOptions } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { hashes, heicPixels, PREVIEW_EDGE, THUMBNAIL_SHORT_EDGE, tags, videoFrame } from './floor.ts';

// The peer: Immich's thumbnail generation as its media repository does it (server/src/repositories/
// media.repository.ts and media.service.ts): the original decoded once to raw pixels through a
// 16-bit pipeline converted to Display P3, rotated, resized to cover 1440 (`fit: 'outside'`); then
// from those pixels, at once, the 1440 JPEG (quality 80, 4:4:4), the 250 WebP and the thumbhash.
// It gets the same hashes and exifr reading as the floor, so only the image work differs. Immich
// decodes HEIC with its own libvips build; here libheif's wasm hands it the pixels, as for
// Darkroom, and a video's frame comes from the same ffmpeg call.

const VIDEO = /\.(mov|mp4|3gp|m4v)$/i;

const pipeline = (input: Buffer, options: SharpOptions, size: number) =>
  sharp(input, { failOn: 'error', limitInputPixels: false, ...options })
    .pipelineColorspace('rgb16')
    .withIccProfile('p3')
    .resize(size, size, { fit: 'outside', withoutEnlargement: true });

const input = async (path: string, bytes: Buffer): Promise<[Buffer, SharpOptions]> => {
  if (path.endsWith('.heic')) {
    const { data, ...raw } = await heicPixels(bytes);
    return [data, { raw }];
  }
  return [VIDEO.test(path) ? await videoFrame(path) : bytes, {}];
};

export const peer = async (path: string) => {
  const bytes = await readFile(path);
  hashes(bytes);
  await tags(bytes);
  const [source, options] = await input(path, bytes);
  const { data, info } = await pipeline(source, options, PREVIEW_EDGE)
    .rotate()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  await Promise.all([
    pipeline(data, raw, THUMBNAIL_SHORT_EDGE).webp({ quality: 80 }).toBuffer(),
    pipeline(data, raw, PREVIEW_EDGE).jpeg({ quality: 80, chromaSubsampling: '4:4:4' }).toBuffer(),
    sharp(data, raw)
      .resize(100, 100, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .ensureAlpha()
      .toBuffer({ resolveWithObject: true })
      .then(({ data: pixels, info: small }) => rgbaToThumbHash(small.width, small.height, pixels)),
  ]);
};
