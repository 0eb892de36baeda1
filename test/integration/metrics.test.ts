import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageMetrics, type Metrics } from '#shared/domain/metrics.ts';
import { MediaPipeline } from '#shared/media/media-pipeline.ts';
import { spoolToDisk } from '#shared/storage/spool.ts';
import { hasSamples, SAMPLES_DIR } from '#test/helpers/uploads.ts';

// The quality scores through the real media path (preview → scores), on a real photo and on
// copies of it made worse in one way each: blurred, under-exposed.

const media = new MediaPipeline();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const scored = async (bytes: Buffer): Promise<Metrics> => {
  const path = join(dir, `photo-${Math.random()}`);
  await writeFile(path, bytes);
  const { file, release } = await spoolToDisk((await import('node:fs')).createReadStream(path));
  try {
    return (await media.render(file, await media.inspect(file))).metrics;
  } finally {
    await release();
  }
};

describe('imageMetrics', () => {
  it('scores a flat grey picture as featureless: no sharpness, noise, contrast or colour', () => {
    const grey = imageMetrics(new Uint8Array(16 * 16 * 3).fill(128), 16, 16, 3);
    expect(grey).toEqual({
      sharpness: 0,
      blur: 1,
      brightness: 0.502,
      shadows_clipped: 0,
      highlights_clipped: 0,
      contrast: 0,
      colorfulness: 0,
      noise: 0,
    });
  });

  it('finds the noise of random pixels and the colour of a saturated one', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 256;
    };
    const noisy = imageMetrics(Uint8Array.from({ length: 64 * 64 * 3 }, random), 64, 64, 3);
    expect(noisy.noise).toBeGreaterThan(30);
    const red = imageMetrics(
      Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i % 3 === 0 ? 255 : 0)),
      8,
      8,
      3,
    );
    expect(red.colorfulness).toBeGreaterThan(80);
  });
});

describe.runIf(hasSamples)('quality scores of a photo', () => {
  it('say a blurred copy is blurred and an under-exposed copy is dark, and repeat exactly', async () => {
    const original = await readFile(join(SAMPLES_DIR, 'jpeg/apple-iphone6-gps-8mp.jpg'));
    const blurred = await sharp(original).blur(15).jpeg({ quality: 92 }).toBuffer();
    // Two stops down, the deepest tones pushed to black.
    const dark = await sharp(original).linear(0.25, -10).jpeg({ quality: 92 }).toBuffer();
    const [base, again, soft, under] = await Promise.all([
      scored(original),
      scored(original),
      scored(blurred),
      scored(dark),
    ]);

    expect(again).toEqual(base);
    expect(soft.blur).toBeGreaterThan(base.blur + 0.1);
    expect(soft.sharpness).toBeLessThan(base.sharpness / 4);
    expect(under.brightness).toBeLessThan(base.brightness * 0.5);
    expect(under.shadows_clipped).toBeGreaterThan(base.shadows_clipped);
    expect(under.contrast).toBeLessThan(base.contrast);
    for (const value of Object.values(base)) expect(Number.isFinite(value)).toBe(true);
  });
});
