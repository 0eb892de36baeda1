import { readFile } from 'node:fs/promises';
import type { Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { MediaRejected } from '#shared/domain/errors.ts';
import { normaliseExif } from '#shared/domain/exif.ts';
import { MAX_PIXELS } from '#shared/domain/media-types.ts';
import { imageMetrics, METRICS_EDGE, type Metrics } from '#shared/domain/metrics.ts';
import type { Inspection, OriginalOnDisk, Rendition } from '#shared/domain/ports.ts';
import { PREVIEW_EDGE, THUMBNAIL_SHORT_EDGE } from '#shared/domain/renditions.ts';
import { type ColourPlan, colourPlan } from './colour-plan.ts';
import { readTags } from './exif-reader.ts';
import { iccDescription } from './icc-description.ts';
import { withIccProfile } from './jpeg-icc.ts';
import { imageDecodeError } from './media-errors.ts';
import { loadHeicDecoder, loadSharp } from './native.ts';

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
    return { mimeType, kind: 'image', width, height, reading, ...(header.icc && { iccProfile: header.icc }) };
  }

  /**
   * Preview, thumbnail, thumbhash and quality scores from one decode: the last three are made
   * from the preview, side by side. sharp's errors come out as they are (the pipeline makes them
   * MediaRejected).
   */
  async render(source: ImageSource, inspection: Inspection): Promise<Rendition> {
    const sharp = await loadSharp();
    const plan = inspection.kind === 'image' ? colourPlan(inspection.iccProfile) : SRGB;
    const { jpeg: preview, width, height } = await this.jpeg(source, inspection, plan, PREVIEW);
    // Panoramas wider than 5.76:1 get a preview whose short edge is under 250: use the original.
    const fullSize = width >= inspection.width && height >= inspection.height;
    const thumbnailBox = shortEdge(width, height, THUMBNAIL_SHORT_EDGE);
    const base =
      Math.min(width, height) >= THUMBNAIL_SHORT_EDGE || fullSize || inspection.kind === 'video'
        ? preview
        : (await this.jpeg(source, inspection, plan, thumbnailBox, 95)).jpeg;
    const [thumbnail, hash, metrics] = await Promise.all([
      sharp(base)
        .resize(thumbnailBox.width, thumbnailBox.height, { withoutEnlargement: true })
        .keepIccProfile()
        .webp({ quality: QUALITY })
        .toBuffer(),
      thumbhash(preview),
      scores(preview),
    ]);
    return { preview, thumbnail, thumbhash: hash, metrics, width: inspection.width, height: inspection.height };
  }

  /** The upright image resized and encoded as JPEG, its colours handled as `plan` says. */
  private async jpeg(source: ImageSource, inspection: Inspection, plan: ColourPlan, size: Size, quality = QUALITY) {
    const image = await this.decode(source, inspection, plan);
    const { data, info } = await (plan.kind === 'attach' ? image.keepIccProfile() : image)
      .resize(size.width, size.height, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality })
      .toBuffer({ resolveWithObject: true });
    // libheif's pixels are in the HEIC's profile, but raw input carries none: embed it.
    const jpeg = plan.kind === 'attach' && isDecodedHeif(source, inspection) ? withIccProfile(data, plan.icc) : data;
    return { jpeg, width: info.width, height: info.height };
  }

  /** A pipeline over the full image (a video's poster frame), upright. */
  private async decode(source: ImageSource, inspection: Inspection, plan: ColourPlan): Promise<Sharp> {
    const sharp = await loadSharp();
    if ('frame' in source) return sharp(source.frame);
    const { path } = source;
    if (isDecodedHeif(source, inspection)) {
      // Prebuilt sharp has no HEVC decoder. libheif (wasm) applies the container's rotation
      // (irot) itself, and EXIF Orientation in a HEIC is informational: do not rotate again.
      const decodeHeic = await loadHeicDecoder();
      const { width, height, data } = await decodeHeic({ buffer: await readFile(path) });
      return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } });
    }
    return sharp(path, { failOn: 'error', limitInputPixels: MAX_PIXELS, ignoreIcc: plan.kind === 'srgb' })
      .timeout({ seconds: 60 })
      .rotate();
  }
}

interface Size {
  width?: number;
  height?: number;
}

const PREVIEW: Size = { width: PREVIEW_EDGE, height: PREVIEW_EDGE };
const SRGB: ColourPlan = { kind: 'srgb' };

/** The box that scales an image of this shape to `edge` on its short side. */
const shortEdge = (width: number, height: number, edge: number): Size =>
  height > width ? { width: edge } : { height: edge };

const isDecodedHeif = (source: ImageSource, inspection: Inspection) =>
  'path' in source && HEVC.has(inspection.mimeType);

/** The preview's quality scores, in sRGB at METRICS_EDGE: one more decode of the preview. */
const scores = async (preview: Buffer): Promise<Metrics> => {
  const sharp = await loadSharp();
  const { data, info } = await sharp(preview)
    .resize(METRICS_EDGE, METRICS_EDGE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return imageMetrics(data, info.width, info.height, info.channels);
};

/** The thumbhash of the preview, in sRGB: libvips converts an attached profile at this small size. */
const thumbhash = async (preview: Buffer): Promise<string> => {
  const sharp = await loadSharp();
  const { data, info } = await sharp(preview)
    .resize(THUMBHASH_EDGE, THUMBHASH_EDGE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
};
