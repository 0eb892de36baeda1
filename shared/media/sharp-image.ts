import { readFile } from 'node:fs/promises';
import type { Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { MediaRejected } from '#shared/domain/errors.ts';
import { normaliseExif } from '#shared/domain/exif.ts';
import { MAX_PIXELS } from '#shared/domain/media-types.ts';
import type { Inspection, OriginalOnDisk, Rendition } from '#shared/domain/ports.ts';
import { readTags } from './exif-reader.ts';
import { iccDescription } from './icc-description.ts';
import { imageDecodeError } from './media-errors.ts';
import { loadHeicDecoder, loadSharp } from './native.ts';

const PREVIEW_EDGE = 1440;
const THUMBNAIL_SHORT_EDGE = 250;
const THUMBHASH_EDGE = 100;
const QUALITY = 80;
const HEVC = new Set(['image/heic', 'image/heif']);

/** What a rendition is made from: an image file, or a video's poster frame. */
export type ImageSource = { path: string } | { frame: Buffer };

/**
 * Decoding, orientation and output settings in one place (the SharpImage adapter): sharp, and
 * libheif's wasm for HEVC-coded HEIF, which prebuilt sharp cannot decode.
 */
export class SharpImage {
  /** Display size and metadata from the header; refuses what is too large before anything decodes it. */
  async inspect(file: OriginalOnDisk, mimeType: string): Promise<Inspection> {
    const sharp = await loadSharp();
    // The header alone says how large the decoded image would be; refuse before anything allocates it.
    const header = await sharp(file.path, { limitInputPixels: false })
      .metadata()
      .catch((error) => {
        throw imageDecodeError(error);
      });
    const pixels = (header.width ?? 0) * (header.height ?? 0);
    if (pixels > MAX_PIXELS) {
      throw new MediaRejected(
        `the image has ${Math.round(pixels / 1e6)} megapixels, over the ${MAX_PIXELS / 1e6} MP limit`,
      );
    }
    // Display size: EXIF orientation applied, except in HEIF, whose header already reports it upright.
    const { width = 0, height = 0 } = header.autoOrient ?? header;
    const tags = await readTags(file, mimeType, header.exif);
    const reading = normaliseExif({ ...tags, ProfileDescription: iccDescription(header.icc) });
    return { mimeType, kind: 'image', width, height, reading };
  }

  /** Preview, thumbnail and thumbhash; sharp's errors come out as they are (the pipeline makes them MediaRejected). */
  async render(source: ImageSource, inspection: Inspection): Promise<Rendition> {
    const sharp = await loadSharp();
    const image = await this.decode(source, inspection);
    const { data: preview, info } = await srgb(
      image.resize(PREVIEW_EDGE, PREVIEW_EDGE, { fit: 'inside', withoutEnlargement: true }),
      inspection,
    )
      .jpeg({ quality: QUALITY })
      .toBuffer({ resolveWithObject: true });
    // Panoramas wider than 5.76:1 get a preview whose short edge is under 250: use the original.
    const fullSize = info.width >= inspection.width && info.height >= inspection.height;
    const base =
      Math.min(info.width, info.height) >= THUMBNAIL_SHORT_EDGE || fullSize || inspection.kind === 'video'
        ? sharp(preview)
        : srgb(await this.decode(source, inspection), inspection);
    const portrait = info.height > info.width;
    const thumbnail = await base
      .resize(portrait ? THUMBNAIL_SHORT_EDGE : undefined, portrait ? undefined : THUMBNAIL_SHORT_EDGE, {
        withoutEnlargement: true,
      })
      .webp({ quality: QUALITY })
      .toBuffer();
    return {
      preview,
      thumbnail,
      thumbhash: await thumbhash(thumbnail),
      width: inspection.width,
      height: inspection.height,
    };
  }

  /** A pipeline over the full image (a video's poster frame), upright. */
  private async decode(source: ImageSource, inspection: Inspection): Promise<Sharp> {
    const sharp = await loadSharp();
    if ('frame' in source) return sharp(source.frame);
    const { path } = source;
    if (HEVC.has(inspection.mimeType)) {
      // Prebuilt sharp has no HEVC decoder. libheif (wasm) applies the container's rotation
      // (irot) itself, and EXIF Orientation in a HEIC is informational: do not rotate again.
      const decodeHeic = await loadHeicDecoder();
      const { width, height, data } = await decodeHeic({ buffer: await readFile(path) });
      return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } });
    }
    return sharp(path, { failOn: 'error', limitInputPixels: MAX_PIXELS }).timeout({ seconds: 60 }).rotate();
  }
}

/** Output in sRGB. A colour transform costs a fifth of the time, and sRGB (or untagged) input needs none. */
const srgb = (image: Sharp, inspection: Inspection): Sharp => {
  const profile = inspection.reading.exif.profile_description;
  return profile && !/srgb/i.test(profile) ? image.withIccProfile('srgb') : image;
};

const thumbhash = async (thumbnail: Buffer): Promise<string> => {
  const sharp = await loadSharp();
  const { data, info } = await sharp(thumbnail)
    .resize(THUMBHASH_EDGE, THUMBHASH_EDGE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
};
