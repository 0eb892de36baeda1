import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLUSTERING_DEFAULTS, FACE_MATCH_DISTANCE } from '#shared/faces/clustering.ts';
import { FaceApiDetector } from '#shared/faces/face-api-detector.ts';
import { descriptorDistance } from '#shared/faces/face-detector.ts';
import { clusterFound, clusteringScores, type Found, solvayFaceSet } from '#test/helpers/face-photos.ts';
import { hasSamples, SAMPLES_DIR } from '#test/helpers/uploads.ts';

// Precision and recall of people on photos made from the Solvay photo (test/helpers/face-photos.ts).
// 16 photos by default, ~45 s on a busy 2-core machine; DARKROOM_FACE_SCALE=3 makes 48 for the
// README's figures. This measures the pipeline's consistency across crops, scales and treatments of
// the same pixels, not recognition of one person across really different photos.

const PHOTOS = Math.round(16 * Number(process.env.DARKROOM_FACE_SCALE ?? 1));

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))] ?? Number.NaN;

describe.skipIf(!hasSamples)('people on generated photos of the Solvay conference', () => {
  let found: Found[] = [];
  let unmatched = 0;
  let detected = 0;

  beforeAll(async () => {
    const source = await readFile(join(SAMPLES_DIR, 'faces', 'solvay-1927.jpg'));
    const set = await solvayFaceSet(new FaceApiDetector(), source, PHOTOS);
    ({ found, unmatched, detected } = set);
    console.log(
      `${PHOTOS} generated photos + the original: ${set.reference} reference faces, ${detected} faces found in the generated ones, ${unmatched} not mapped to a reference face`,
    );
  }, 600_000);

  it('maps nearly every face found in a generated photo back to a face of the original', () => {
    expect(unmatched).toBeLessThanOrEqual(Math.ceil(0.05 * detected));
  });

  it('puts one real person in one person (recall ≥ 0.8) and rarely two in one (precision ≥ 0.95)', () => {
    const same: number[] = [];
    const different: number[] = [];
    for (let i = 0; i < found.length; i++) {
      for (let j = i + 1; j < found.length; j++) {
        const [a, b] = [found[i] as Found, found[j] as Found];
        if (a.photo === b.photo) continue;
        (a.truth === b.truth ? same : different).push(descriptorDistance(a.face.descriptor, b.face.descriptor));
      }
    }
    const q = (v: number[]) => [0.05, 0.5, 0.95, 0.99].map((x) => quantile(v, x).toFixed(3)).join(' / ');
    const lines = [
      `descriptor distances (L2-normalised), 5th / 50th / 95th / 99th percentile:`,
      `  same person, two photos: ${q(same)} (${same.length} pairs)`,
      `  different people:        ${q(different)} (${different.length} pairs; min ${different.reduce((m, d) => Math.min(m, d), 2).toFixed(3)})`,
      `threshold | incremental: precision, recall | batch: precision, recall`,
    ];
    for (let t = 0.2; t <= 0.401; t += 0.025) {
      const options = { ...CLUSTERING_DEFAULTS, maxDistance: t };
      const inc = clusteringScores(clusterFound(found, options, false));
      const bat = clusteringScores(clusterFound(found, options, true));
      lines.push(
        `  ${t.toFixed(3)}${Math.abs(t - FACE_MATCH_DISTANCE) < 1e-9 ? '*' : ' '}   | ${pct(inc.precision)}, ${pct(inc.recall)} | ${pct(bat.precision)}, ${pct(bat.recall)}`,
      );
    }
    const centroid = clusteringScores(clusterFound(found, { ...CLUSTERING_DEFAULTS, link: 'centroid' }, false));
    lines.push(`centroid link at ${FACE_MATCH_DISTANCE}: ${pct(centroid.precision)}, ${pct(centroid.recall)}`);
    console.log(lines.join('\n'));

    // What Darkroom runs: photo by photo against each person's centroid (the stage reads people,
    // not every face: centroidPlanner), and the batch rule for `reprocess --recluster`.
    for (const batch of [false, true]) {
      const options = batch ? CLUSTERING_DEFAULTS : { ...CLUSTERING_DEFAULTS, link: 'centroid' as const };
      const scores = clusteringScores(clusterFound(found, options, batch));
      expect(scores.people, 'people seen in ≥ 3 photos').toBeGreaterThanOrEqual(10);
      expect(scores.recall, batch ? 'batch recall' : 'incremental recall').toBeGreaterThanOrEqual(0.8);
      expect(scores.precision, batch ? 'batch precision' : 'incremental precision').toBeGreaterThanOrEqual(0.95);
    }
  });
});
