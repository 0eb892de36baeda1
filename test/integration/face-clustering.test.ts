import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assignFaces,
  CLUSTERING_DEFAULTS,
  type ClusterFace,
  type ClusteringOptions,
  FACE_MATCH_DISTANCE,
  reclusterLibrary,
} from '#shared/faces/clustering.ts';
import { FaceApiDetector } from '#shared/faces/face-api-detector.ts';
import { type DetectedFace, descriptorDistance } from '#shared/faces/face-detector.ts';
import { clusteringScores, generatePhotos, type LabelledFace, sourceFaceOf } from '#test/helpers/face-photos.ts';
import { hasSamples, SAMPLES_DIR } from '#test/helpers/uploads.ts';

// Precision and recall of people on photos made from the Solvay photo (test/helpers/face-photos.ts).
// 16 photos by default, ~45 s on a busy 2-core machine; DARKROOM_FACE_SCALE=3 makes 48 for the
// README's figures. This measures the pipeline's consistency across crops, scales and treatments of
// the same pixels, not recognition of one person across really different photos.

const PHOTOS = Math.round(16 * Number(process.env.DARKROOM_FACE_SCALE ?? 1));
const SOLVAY_PEOPLE_BAND = { from: 330, to: 540 };

interface Found {
  photo: number;
  truth: number;
  face: DetectedFace;
}

const cluster = (found: Found[], options: ClusteringOptions, batch: boolean): LabelledFace[] => {
  let n = 0;
  const newId = () => `person_${n++}`;
  const faces: ClusterFace[] = found.map((f, i) => ({
    id: `face_${i}`,
    libraryId: 'lib_solvay',
    descriptor: f.face.descriptor,
    personId: null,
  }));
  const apply = (assignments: { faceId: string; personId: string | null }[]) => {
    const byId = new Map(faces.map((f) => [f.id, f]));
    for (const a of assignments) (byId.get(a.faceId) as ClusterFace).personId = a.personId;
  };
  if (batch) apply(reclusterLibrary(faces, [], newId, options).assignments);
  else {
    // Photo by photo, as they arrive; then once more for the deferred, as the nightly job does.
    const photos = [...new Set(found.map((f) => f.photo))];
    for (const photo of photos) {
      const ids = faces.filter((_, i) => (found[i] as Found).photo === photo).map((f) => f.id);
      apply(assignFaces(faces, ids, newId, options).assignments);
    }
    apply(
      assignFaces(
        faces,
        faces.filter((f) => !f.personId).map((f) => f.id),
        newId,
        options,
      ).assignments,
    );
  }
  return found.map((f, i) => ({ photo: f.photo, truth: f.truth, personId: (faces[i] as ClusterFace).personId }));
};

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))] ?? Number.NaN;

describe.skipIf(!hasSamples)('people on generated photos of the Solvay conference', () => {
  const found: Found[] = [];
  let unmatched = 0;
  let detected = 0;

  beforeAll(async () => {
    const detector = new FaceApiDetector();
    const source = await readFile(join(SAMPLES_DIR, 'faces', 'solvay-1927.jpg'));
    const reference = await detector.detect(source, { width: 1280, height: 926 });
    for (const [truth, face] of reference.entries()) found.push({ photo: 0, truth, face });
    const photos = await generatePhotos(source, PHOTOS, SOLVAY_PEOPLE_BAND);
    for (const [i, photo] of photos.entries()) {
      const faces = await detector.detect(photo.bytes, { width: photo.width, height: photo.height });
      detected += faces.length;
      for (const face of faces) {
        const truth = sourceFaceOf(face, photo, reference);
        if (truth === null) unmatched++;
        else found.push({ photo: i + 1, truth, face });
      }
    }
    console.log(
      `${PHOTOS} generated photos + the original: ${reference.length} reference faces, ${detected} faces found in the generated ones, ${unmatched} not mapped to a reference face`,
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
      `  different people:        ${q(different)} (${different.length} pairs; min ${Math.min(...different).toFixed(3)})`,
      `threshold | incremental: precision, recall | batch: precision, recall`,
    ];
    for (let t = 0.2; t <= 0.401; t += 0.025) {
      const options = { ...CLUSTERING_DEFAULTS, maxDistance: t };
      const inc = clusteringScores(cluster(found, options, false));
      const bat = clusteringScores(cluster(found, options, true));
      lines.push(
        `  ${t.toFixed(3)}${Math.abs(t - FACE_MATCH_DISTANCE) < 1e-9 ? '*' : ' '}   | ${pct(inc.precision)}, ${pct(inc.recall)} | ${pct(bat.precision)}, ${pct(bat.recall)}`,
      );
    }
    const centroid = clusteringScores(cluster(found, { ...CLUSTERING_DEFAULTS, link: 'centroid' }, false));
    lines.push(`centroid link at ${FACE_MATCH_DISTANCE}: ${pct(centroid.precision)}, ${pct(centroid.recall)}`);
    console.log(lines.join('\n'));

    for (const batch of [false, true]) {
      const scores = clusteringScores(cluster(found, CLUSTERING_DEFAULTS, batch));
      expect(scores.people, 'people seen in ≥ 3 photos').toBeGreaterThanOrEqual(10);
      expect(scores.recall, batch ? 'batch recall' : 'incremental recall').toBeGreaterThanOrEqual(0.8);
      expect(scores.precision, batch ? 'batch precision' : 'incremental precision').toBeGreaterThanOrEqual(0.95);
    }
  });
});
