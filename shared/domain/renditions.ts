/** The derived images' sizes: the preview's long edge and the thumbnail's short edge. */
export const PREVIEW_EDGE = 1440;
export const THUMBNAIL_SHORT_EDGE = 250;

/**
 * The widths the derived images get for an upright image of this size, as libvips computes them:
 * never enlarged. The preview fits inside PREVIEW_EDGE²; the thumbnail has THUMBNAIL_SHORT_EDGE
 * on its short side (a panorama's may be wider than its preview).
 */
export const renditionWidths = (width: number, height: number): { preview: number; thumbnail: number } => {
  if (width <= 0 || height <= 0) return { preview: 0, thumbnail: 0 };
  const previewScale = Math.min(1, PREVIEW_EDGE / Math.max(width, height));
  const thumbnailScale = Math.min(1, THUMBNAIL_SHORT_EDGE / Math.min(width, height));
  return { preview: Math.round(width * previewScale), thumbnail: Math.round(width * thumbnailScale) };
};

/** The encoded image's size before EXIF orientation 5–8 (a quarter turn) is applied to it. */
export const rawSize = (width: number, height: number, orientation: number | null) =>
  orientation !== null && orientation >= 5 ? { width: height, height: width } : { width, height };

/** Where a video's poster frame is taken: a second in, or the first frame of shorter clips. */
export const posterSeconds = (durationSeconds: number): number => (durationSeconds >= 2 ? 1 : 0);
