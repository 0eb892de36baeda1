import type { FaceCropper } from '#shared/domain/face-queries.ts';
import type { Box } from '#shared/domain/faces.ts';
import { loadSharp } from './native.ts';

/** The crop's edge: what a face chip is shown at, with room for a 2× screen. */
const CROP_EDGE = 256;

/**
 * A face's crop from the preview, for faces drawn by hand: the box is in display pixels and the
 * preview is the display image scaled down, so the box is scaled by the same factor.
 */
export const sharpFaceCropper: FaceCropper = {
  async crop(image: Buffer, display: { width: number; height: number }, box: Box): Promise<Buffer> {
    const sharp = await loadSharp();
    const { width = display.width, height = display.height } = await sharp(image).metadata();
    const scale = Math.min(width / display.width, height / display.height);
    const left = Math.min(width - 1, Math.floor(box.x * scale));
    const top = Math.min(height - 1, Math.floor(box.y * scale));
    const region = {
      left,
      top,
      width: Math.max(1, Math.min(width - left, Math.round(box.w * scale))),
      height: Math.max(1, Math.min(height - top, Math.round(box.h * scale))),
    };
    return sharp(image).extract(region).resize(CROP_EDGE, CROP_EDGE, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer();
  },
};
