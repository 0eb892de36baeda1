import { MediaRejected } from '#shared/domain/errors.ts';
import { MAX_PIXELS } from '#shared/domain/media-types.ts';
import { loadSharp } from '#shared/media/native.ts';
import type { DisplaySize, FaceBox } from './face-detector.ts';

export interface FaceCropOptions {
  /** Side of the square JPEG, pixels. */
  size: number;
  /** Room around the box on each side, as a share of its longer side (hair, chin). */
  margin: number;
  quality: number;
}

export const FACE_CROP_DEFAULTS: FaceCropOptions = { size: 160, margin: 0.25, quality: 80 };

/**
 * The square around a display-pixel box, with margin, kept inside the image: shifted inwards at an
 * edge, shrunk only when the image is narrower than the square. In the image's own pixels, which
 * may be a preview smaller than the display size.
 */
export const cropSquare = (box: FaceBox, display: DisplaySize, image: DisplaySize, margin: number) => {
  const sx = image.width / display.width;
  const sy = image.height / display.height;
  const side = Math.min(
    image.width,
    image.height,
    Math.max(1, Math.round(Math.max(box.w * sx, box.h * sy) * (1 + 2 * margin))),
  );
  const centre = { x: (box.x + box.w / 2) * sx, y: (box.y + box.h / 2) * sy };
  const place = (c: number, length: number) => Math.min(length - side, Math.max(0, Math.round(c - side / 2)));
  return { left: place(centre.x, image.width), top: place(centre.y, image.height), width: side, height: side };
};

/** A small square JPEG of one face, from the same image (preview or original) the box was found in. */
export const faceCrop = async (
  image: Buffer,
  display: DisplaySize,
  box: FaceBox,
  options: Partial<FaceCropOptions> = {},
): Promise<Buffer> => {
  const { size, margin, quality } = { ...FACE_CROP_DEFAULTS, ...options };
  const sharp = await loadSharp();
  const undecodable = (error: unknown) =>
    new MediaRejected(`face crop: the image could not be decoded (${error instanceof Error ? error.message : error})`);
  // sharp's constructor throws at once for some inputs (an empty buffer), its pipeline later for others.
  const header = await (async () => sharp(image, { limitInputPixels: MAX_PIXELS }).metadata())().catch(
    (error: unknown) => {
      throw undecodable(error);
    },
  );
  // The upright size: the crop is cut after orientation, as the box was measured.
  const { width = 0, height = 0 } = header.autoOrient ?? header;
  if (width < 1 || height < 1) throw new MediaRejected('face crop: the image has no pixels');
  const region = cropSquare(box, display, { width, height }, margin);
  return sharp(image, { limitInputPixels: MAX_PIXELS, autoOrient: true })
    .extract(region)
    .resize(size, size)
    .jpeg({ quality, mozjpeg: true })
    .toBuffer()
    .catch((error: unknown) => {
      throw undecodable(error);
    });
};
