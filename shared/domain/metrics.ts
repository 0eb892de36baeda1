/**
 * Quality scores of an image, computed without any model from its pixels (the preview, scaled to
 * METRICS_EDGE on its long side, in sRGB). Each is documented in the README with its range.
 * Deterministic: the same pixels give the same numbers.
 */
export type Metrics = {
  /** Variance of the 4-neighbour Laplacian of luma (0–255): higher is sharper. */
  sharpness: number;
  /** Crété-Roffet no-reference blur: 0 sharp … 1 blurred. */
  blur: number;
  /** Mean luma, 0 black … 1 white. */
  brightness: number;
  /** Share of pixels with luma ≤ 2 % (crushed shadows), 0 … 1. */
  shadows_clipped: number;
  /** Share of pixels with luma ≥ 98 % (blown highlights), 0 … 1. */
  highlights_clipped: number;
  /** RMS contrast: the standard deviation of luma (0–1), 0 … 0.5. */
  contrast: number;
  /** Hasler–Süsstrunk colourfulness (0–255 RGB): 0 grey, ~33 moderately, > 80 very colourful. */
  colorfulness: number;
  /** Immerkær's estimate of the noise's standard deviation, in luma levels (0–255). */
  noise: number;
};

export const METRIC_NAMES = [
  'sharpness',
  'blur',
  'brightness',
  'shadows_clipped',
  'highlights_clipped',
  'contrast',
  'colorfulness',
  'noise',
] as const satisfies readonly (keyof Metrics)[];

/** The long side the scores are computed at, so they compare across photo sizes. */
export const METRICS_EDGE = 768;
const BLUR_TAPS = 9;
const CLIP_LOW = 0.02 * 255;
const CLIP_HIGH = 0.98 * 255;

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Scores of interleaved 8-bit RGB(A) pixels. */
export const imageMetrics = (pixels: Uint8Array, width: number, height: number, channels: number): Metrics => {
  const n = width * height;
  const luma = new Float32Array(n);
  let sum = 0;
  let sumSq = 0;
  let shadows = 0;
  let highlights = 0;
  let rgSum = 0;
  let rgSq = 0;
  let ybSum = 0;
  let ybSq = 0;
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const r = pixels[p] as number;
    const g = pixels[p + 1] as number;
    const b = pixels[p + 2] as number;
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    luma[i] = y;
    sum += y;
    sumSq += y * y;
    if (y <= CLIP_LOW) shadows++;
    if (y >= CLIP_HIGH) highlights++;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    rgSum += rg;
    rgSq += rg * rg;
    ybSum += yb;
    ybSq += yb * yb;
  }
  const mean = sum / n;
  const variance = (total: number, squares: number) => Math.max(0, squares / n - (total / n) ** 2);
  const colorfulness =
    Math.sqrt(variance(rgSum, rgSq) + variance(ybSum, ybSq)) + 0.3 * Math.hypot(rgSum / n, ybSum / n);
  const { sharpness, noise } = laplacianAndNoise(luma, width, height);
  return {
    sharpness: round(sharpness),
    blur: round(creteRoffet(luma, width, height)),
    brightness: round(mean / 255),
    shadows_clipped: round(shadows / n),
    highlights_clipped: round(highlights / n),
    contrast: round(Math.sqrt(variance(sum, sumSq)) / 255),
    colorfulness: round(colorfulness),
    noise: round(noise),
  };
};

// The loops below index typed arrays inside their bounds: `as number` only tells the compiler so.

/**
 * One pass for both 3×3 filters: the variance of the 4-neighbour Laplacian, and Immerkær's (1996)
 * noise estimate σ = √(π/2) / (6 (W−2)(H−2)) · Σ |I ∗ N|, N the difference of two Laplacians.
 */
const laplacianAndNoise = (luma: Float32Array, width: number, height: number) => {
  if (width < 3 || height < 3) return { sharpness: 0, noise: 0 };
  let sum = 0;
  let sumSq = 0;
  let noise = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1, i = y * width + 1; x < width - 1; x++, i++) {
      const centre = luma[i] as number;
      const edges =
        (luma[i - 1] as number) + (luma[i + 1] as number) + (luma[i - width] as number) + (luma[i + width] as number);
      const corners =
        (luma[i - width - 1] as number) +
        (luma[i - width + 1] as number) +
        (luma[i + width - 1] as number) +
        (luma[i + width + 1] as number);
      const laplacian = edges - 4 * centre;
      sum += laplacian;
      sumSq += laplacian * laplacian;
      noise += Math.abs(corners - 2 * edges + 4 * centre);
    }
  }
  const count = (width - 2) * (height - 2);
  return {
    sharpness: Math.max(0, sumSq / count - (sum / count) ** 2),
    noise: (Math.sqrt(Math.PI / 2) * noise) / (6 * count),
  };
};

/**
 * Crété-Roffet et al. (2007), "The blur effect": how much of the image's neighbour differences a
 * 9-tap box blur takes away, in each direction; the larger of the two. A blurred image loses little.
 */
const creteRoffet = (luma: Float32Array, width: number, height: number): number => {
  const half = Math.floor(BLUR_TAPS / 2);
  const direction = (step: number, length: number, lines: number, lineStep: number) => {
    let original = 0;
    let kept = 0;
    const line = new Float32Array(length);
    const blurred = new Float32Array(length);
    for (let n = 0; n < lines; n++) {
      for (let k = 0, i = n * lineStep; k < length; k++, i += step) line[k] = luma[i] as number;
      // A running sum over the taps, the edges clamped.
      let window = 0;
      for (let k = -half; k <= half; k++) window += line[Math.min(length - 1, Math.max(0, k))] as number;
      for (let k = 0; k < length; k++) {
        blurred[k] = window / BLUR_TAPS;
        window += (line[Math.min(length - 1, k + half + 1)] as number) - (line[Math.max(0, k - half)] as number);
      }
      for (let k = 1; k < length; k++) {
        const dOriginal = Math.abs((line[k] as number) - (line[k - 1] as number));
        const dBlurred = Math.abs((blurred[k] as number) - (blurred[k - 1] as number));
        original += dOriginal;
        if (dOriginal > dBlurred) kept += dOriginal - dBlurred;
      }
    }
    return original > 0 ? (original - kept) / original : 1;
  };
  return Math.max(direction(1, width, height, width), direction(width, height, width, 1));
};
