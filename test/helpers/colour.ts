import sharp from 'sharp';

// Average colour and CIE76 ΔE, for checking that derived images keep the original's colours.
// Formulas: IEC 61966-2-1 (sRGB → linear → XYZ, D65) and CIE 1976 L*a*b*.

export type Lab = [number, number, number];

/**
 * The mean colour of each cell of a columns × rows grid over the image, as a colour-managed viewer
 * shows it (libvips converts any profile to sRGB), row by row.
 */
export const cellLabs = async (
  image: Buffer | string,
  grid: { columns: number; rows: number },
  options: { ignoreIcc?: boolean } = {},
): Promise<Lab[]> => {
  const { data, info } = await sharp(image, options)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { columns, rows } = grid;
  // Per cell: the sums of red, green and blue, and the pixel count.
  const sums = new Float64Array(columns * rows * 4);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const cell = 4 * (Math.floor((y * rows) / info.height) * columns + Math.floor((x * columns) / info.width));
      const at = (y * info.width + x) * info.channels;
      for (let c = 0; c < 3; c++) sums[cell + c] = (sums[cell + c] ?? 0) + (data[at + c] ?? 0);
      sums[cell + 3] = (sums[cell + 3] ?? 0) + 1;
    }
  }
  const mean = (cell: number, c: number) => (sums[cell * 4 + c] as number) / (sums[cell * 4 + 3] as number) / 255;
  return Array.from({ length: columns * rows }, (_, cell) => srgbToLab(mean(cell, 0), mean(cell, 1), mean(cell, 2)));
};

/** The largest difference between corresponding cells. */
export const maxDeltaE = (a: Lab[], b: Lab[]) => Math.max(...a.map((lab, i) => deltaE(lab, b[i] as Lab)));

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const f = (t: number) => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);

export const srgbToLab = (r: number, g: number, b: number): Lab => {
  const [R, G, B] = [linear(r), linear(g), linear(b)];
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
};

export const deltaE = (a: Lab, b: Lab) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
