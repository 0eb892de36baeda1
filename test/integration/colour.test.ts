import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccDescription } from '#shared/media/icc-description.ts';
import { MediaPipeline } from '#shared/media/media-pipeline.ts';
import { spoolToDisk } from '#shared/storage/spool.ts';
import { cellLabs, maxDeltaE } from '#test/helpers/colour.ts';
import { hasSamples, SAMPLES_DIR } from '#test/helpers/uploads.ts';

// Colour management survives the fast path: whatever Darkroom does with a profile (ignore an sRGB
// one, keep Display P3 attached, convert CMYK), the preview and thumbnail look like the original
// rendered to sRGB by libvips. ΔE here is CIE76 on the mean colour of each cell of a grid over the
// image; 2.3 is a just-noticeable difference, and the failures the checks guard against are 5 or more.

const MAX_DELTA_E = 2.3;
/** The patches' layout, and a finer grid for photos. */
const PATCHES = { columns: 3, rows: 2 };
const PHOTO = { columns: 4, rows: 4 };
const media = new MediaPipeline();
let dir: string;

const render = async (bytes: Buffer) => {
  const path = join(dir, `original-${Math.random()}`);
  await writeFile(path, bytes);
  const { file, release } = await spoolToDisk((await import('node:fs')).createReadStream(path));
  try {
    return await media.render(file, await media.inspect(file));
  } finally {
    await release();
  }
};

/** Six saturated patches, all inside sRGB, so every one has an exact P3 equivalent. */
const patches = () => {
  const colours = ['#c8321e', '#1e9646', '#2846b4', '#e6c828', '#b428a0', '#28b4c8'];
  return sharp({ create: { width: 600, height: 400, channels: 3, background: '#808080' } })
    .composite(
      colours.map((background, i) => ({
        input: { create: { width: 200, height: 200, channels: 3, background } },
        left: (i % 3) * 200,
        top: Math.floor(i / 3) * 200,
      })),
    )
    .png()
    .toBuffer();
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'colour-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('colour', () => {
  it('a Display P3 original keeps its colours in the preview and the thumbnail', async () => {
    const srgb = await patches();
    // The same colours, stored as Display P3 pixels with the P3 profile embedded.
    const p3 = await sharp(srgb).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
    expect(iccDescription((await sharp(p3).metadata()).icc)).toMatch(/P3/);
    const reference = await cellLabs(p3, PATCHES);
    // The check can fail: P3 numbers read as if they were sRGB are visibly off.
    expect(maxDeltaE(await cellLabs(p3, PATCHES, { ignoreIcc: true }), reference)).toBeGreaterThan(5);

    const { preview, thumbnail } = await render(p3);
    expect(maxDeltaE(await cellLabs(preview, PATCHES), reference)).toBeLessThan(MAX_DELTA_E);
    expect(maxDeltaE(await cellLabs(thumbnail, PATCHES), reference)).toBeLessThan(MAX_DELTA_E);
    // Kept, not converted: the wide gamut survives for screens that show it.
    expect(iccDescription((await sharp(preview).metadata()).icc)).toMatch(/P3/);
    expect(iccDescription((await sharp(thumbnail).metadata()).icc)).toMatch(/P3/);
  });

  it('a panorama too wide for its preview gets its thumbnail from the original, colours and profile kept', async () => {
    const wide = await sharp(await patches())
      .resize(6000, 400, { fit: 'fill' })
      .withIccProfile('p3')
      .jpeg({ quality: 95 })
      .toBuffer();
    const reference = await cellLabs(wide, PATCHES);
    const { preview, thumbnail } = await render(wide);
    expect(await sharp(preview).metadata()).toMatchObject({ width: 1440, height: 96 });
    expect(await sharp(thumbnail).metadata()).toMatchObject({ width: 3750, height: 250 });
    expect(iccDescription((await sharp(thumbnail).metadata()).icc)).toMatch(/P3/);
    expect(maxDeltaE(await cellLabs(thumbnail, PATCHES), reference)).toBeLessThan(MAX_DELTA_E);
  });

  it.runIf(hasSamples)('a CMYK original (jpeg/synthetic-cmyk.jpg) comes out in sRGB with its colours', async () => {
    const path = join(SAMPLES_DIR, 'jpeg/synthetic-cmyk.jpg');
    expect((await sharp(path).metadata()).space).toBe('cmyk');
    const reference = await cellLabs(path, PHOTO);
    const { preview, thumbnail } = await render(await (await import('node:fs/promises')).readFile(path));
    for (const output of [preview, thumbnail]) {
      const meta = await sharp(output).metadata();
      expect(meta.space).toBe('srgb');
      expect(maxDeltaE(await cellLabs(output, PHOTO), reference)).toBeLessThan(MAX_DELTA_E);
    }
  });

  it('an sRGB-tagged original is used as it is and its outputs match it', async () => {
    const tagged = await sharp(await patches())
      .withIccProfile('srgb')
      .jpeg({ quality: 95 })
      .toBuffer();
    expect(iccDescription((await sharp(tagged).metadata()).icc)).toMatch(/sRGB/i);
    const reference = await cellLabs(tagged, PATCHES);
    const { preview, thumbnail } = await render(tagged);
    for (const output of [preview, thumbnail]) {
      expect((await sharp(output).metadata()).icc).toBeUndefined();
      expect(maxDeltaE(await cellLabs(output, PATCHES), reference)).toBeLessThan(MAX_DELTA_E);
    }
  });

  it.runIf(hasSamples)('an iPhone HEIC keeps its Display P3 profile on the preview and the thumbnail', async () => {
    const path = join(SAMPLES_DIR, 'heic/apple-iphone7-gps.heic');
    const { preview, thumbnail } = await render(await (await import('node:fs/promises')).readFile(path));
    expect(iccDescription((await sharp(preview).metadata()).icc)).toMatch(/^Display P3/);
    expect(iccDescription((await sharp(thumbnail).metadata()).icc)).toMatch(/^Display P3/);
    // libheif's pixels are P3: read as sRGB they would differ from what the profile says.
    const shown = await cellLabs(preview, PHOTO);
    expect(maxDeltaE(await cellLabs(preview, PHOTO, { ignoreIcc: true }), shown)).toBeGreaterThan(1);
    expect(maxDeltaE(await cellLabs(thumbnail, PHOTO), shown)).toBeLessThan(MAX_DELTA_E);
  });
});
