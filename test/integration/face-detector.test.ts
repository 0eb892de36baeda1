import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { MediaRejected } from '#shared/domain/errors.ts';
import { FACE_MATCH_DISTANCE } from '#shared/faces/clustering.ts';
import { FaceApiDetector } from '#shared/faces/face-api-detector.ts';
import { faceCrop } from '#shared/faces/face-crop.ts';
import { type DetectedFace, descriptorDistance, type FaceBox } from '#shared/faces/face-detector.ts';
import { hasSamples, SAMPLES_DIR } from '#test/helpers/uploads.ts';

const sample = (name: string) => readFile(join(SAMPLES_DIR, 'faces', name));
const detector = new FaceApiDetector();

const inside = (inner: FaceBox, outer: FaceBox) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.w <= outer.x + outer.w &&
  inner.y + inner.h <= outer.y + outer.h;

// Checked by eye on a crop: from above the eyes to below the mouth of the woman on the left.
const MARIE_EYES_TO_MOUTH: FaceBox = { x: 285, y: 185, w: 60, h: 80 };
// Her head with room to spare; the man in profile stands right of x = 520.
const MARIE_HEAD_AREA: FaceBox = { x: 230, y: 110, w: 170, h: 210 };
// Solvay 1927: every head is between the standing row's hats (y ≈ 300) and the seated row's
// collars (y ≈ 580); above is the building and the trees, below suits, hats on knees and the street.
const SOLVAY_PEOPLE: FaceBox = { x: 20, y: 290, w: 1220, h: 300 };

describe.skipIf(!hasSamples)('the face detector', () => {
  let portrait: DetectedFace[];
  beforeAll(async () => {
    portrait = await detector.detect(await sample('portrait.jpg'), { width: 840, height: 700 });
  });

  it('finds the one frontal face of the portrait (the profile beside it is missed), boxed around it', () => {
    expect(portrait).toHaveLength(1);
    const [face] = portrait as [DetectedFace];
    expect(inside(MARIE_EYES_TO_MOUTH, face.box), JSON.stringify(face.box)).toBe(true);
    expect(inside(face.box, MARIE_HEAD_AREA), JSON.stringify(face.box)).toBe(true);
    expect(Object.values(face.box).every(Number.isInteger)).toBe(true);
    expect(face.confidence).toBeGreaterThan(0.5);
    expect(face.confidence).toBeLessThanOrEqual(1);
    expect(face.descriptor).toHaveLength(128);
    expect(Math.hypot(...face.descriptor)).toBeCloseTo(1, 4);
    expect(face.landmarks).toHaveLength(68);
  });

  it('boxes a portrait stored rotated (EXIF orientation 6) in display pixels, as the same person', async () => {
    const rotated = await detector.detect(await sample('portrait-orientation-6.jpg'), { width: 840, height: 700 });
    expect(rotated).toHaveLength(1);
    const [face] = rotated as [DetectedFace];
    const [upright] = portrait as [DetectedFace];
    for (const key of ['x', 'y', 'w', 'h'] as const)
      expect(Math.abs(face.box[key] - upright.box[key])).toBeLessThanOrEqual(4);
    expect(descriptorDistance(face.descriptor, upright.descriptor)).toBeLessThan(FACE_MATCH_DISTANCE);
  });

  it('scales boxes back to the display size when given a smaller preview', async () => {
    const preview = await sharp(await sample('portrait.jpg'))
      .resize(420)
      .toBuffer();
    const [face] = await detector.detect(preview, { width: 840, height: 700 });
    const [upright] = portrait as [DetectedFace];
    for (const key of ['x', 'y', 'w', 'h'] as const)
      expect(Math.abs((face?.box[key] ?? 0) - upright.box[key])).toBeLessThanOrEqual(8);
  });

  it('finds at least 25 of the 29 small faces of the Solvay photo, none on the building or the street', async () => {
    const faces = await detector.detect(await sample('solvay-1927.jpg'), { width: 1280, height: 926 });
    console.log(
      `solvay-1927.jpg: ${faces.length} faces, widths ${faces
        .map((f) => f.box.w)
        .sort((a, b) => a - b)
        .join(' ')}`,
    );
    expect(faces.length).toBeGreaterThanOrEqual(25);
    expect(faces.length).toBeLessThanOrEqual(29);
    for (const face of faces) expect(inside(face.box, SOLVAY_PEOPLE), JSON.stringify(face.box)).toBe(true);
  });

  it('finds no face on a photo of a bird', async () => {
    expect(await detector.detect(await sample('no-face-prairie-falcon.jpg'), { width: 800, height: 533 })).toEqual([]);
  });

  it('refuses bytes that are not an image with a readable MediaRejected', async () => {
    for (const name of ['zero-bytes.jpg', 'random-bytes.jpg', 'html-as.jpg', 'bomb-30000x30000-gray.png']) {
      const bytes = await readFile(join(SAMPLES_DIR, 'corrupt', name));
      await expect(detector.detect(bytes, { width: 100, height: 100 }), name).rejects.toThrow(MediaRejected);
    }
    await expect(detector.detect(Buffer.from('x'), { width: 0, height: 10 })).rejects.toThrow(/display size/);
  });

  it('answers no face for images too small or too thin to hold one', async () => {
    const onePixel = await readFile(join(SAMPLES_DIR, 'png', 'png-with-exif-and-gps.png'));
    expect(await detector.detect(onePixel, { width: 1, height: 1 })).toEqual([]);
    const sliver = await sharp({ create: { width: 4000, height: 6, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    expect(await detector.detect(sliver, { width: 4000, height: 6 })).toEqual([]);
  });
});

describe.skipIf(!hasSamples)('the face crop', () => {
  it('is a small square JPEG around the box, the same from the upright and the rotated copy', async () => {
    const [upright] = await detector.detect(await sample('portrait.jpg'), { width: 840, height: 700 });
    const box = (upright as DetectedFace).box;
    const display = { width: 840, height: 700 };
    const a = await faceCrop(await sample('portrait.jpg'), display, box);
    const b = await faceCrop(await sample('portrait-orientation-6.jpg'), display, box);
    expect(await sharp(a).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 160 });
    const [pa, pb] = await Promise.all([a, b].map((j) => sharp(j).greyscale().raw().toBuffer()));
    let diff = 0;
    for (let i = 0; i < (pa as Buffer).length; i++)
      diff += Math.abs(((pa as Buffer)[i] as number) - ((pb as Buffer)[i] as number));
    expect(diff / (pa as Buffer).length).toBeLessThan(8);
  });

  it('stays inside the image for a box at its corner', async () => {
    const crop = await faceCrop(
      await sample('portrait.jpg'),
      { width: 840, height: 700 },
      { x: 800, y: 660, w: 40, h: 40 },
    );
    expect(await sharp(crop).metadata()).toMatchObject({ width: 160, height: 160 });
  });
});
