import sharp, { type Sharp } from 'sharp';

/** A small JPEG made in the test, with whatever EXIF the case needs. */
export const jpeg = (options: {
  width?: number;
  height?: number;
  color?: string;
  orientation?: number;
  exif?: Parameters<Sharp['withExif']>[0];
}) => {
  let image = sharp({
    create: {
      width: options.width ?? 64,
      height: options.height ?? 48,
      channels: 3,
      background: options.color ?? '#808080',
    },
  });
  if (options.exif) image = image.withExif(options.exif);
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  return image.jpeg({ quality: 90 }).toBuffer();
};

/** A PNG whose bytes differ for every `seed`, so each upload is a new asset. */
export const uniquePng = (seed: number) =>
  sharp({
    create: { width: 8, height: 8, channels: 3, background: { r: seed % 256, g: Math.floor(seed / 256) % 256, b: 77 } },
  })
    .png()
    .toBuffer();

/**
 * A landscape image stored rotated for EXIF orientation 6: upright, it is red at the top-left
 * and blue at the bottom-right.
 */
export const orientedMarker = async () => {
  const [w, h] = [400, 300];
  const upright = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080' } })
    .composite([
      { input: { create: { width: 100, height: 100, channels: 3, background: '#ff0000' } }, left: 0, top: 0 },
      {
        input: { create: { width: 100, height: 100, channels: 3, background: '#0000ff' } },
        left: w - 100,
        top: h - 100,
      },
    ])
    .png()
    .toBuffer();
  // Orientation 6 means "rotate 90° clockwise to display": store it rotated the other way.
  return sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
};

/** RGB of the pixel at fractions (fx, fy) of the image. */
export const pixelAt = async (image: Buffer, fx: number, fy: number): Promise<[number, number, number]> => {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const x = Math.min(info.width - 1, Math.floor(fx * info.width));
  const y = Math.min(info.height - 1, Math.floor(fy * info.height));
  const i = (y * info.width + x) * 3;
  return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
};
