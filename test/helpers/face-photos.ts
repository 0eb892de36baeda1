import sharp from 'sharp';
import { assignFaces, type ClusterFace, type ClusteringOptions, reclusterLibrary } from '#shared/faces/clustering.ts';
import type { DetectedFace, FaceBox, FaceDetector } from '#shared/faces/face-detector.ts';

// "Different photos of the same people" made from one group photo, since no licensed set of them
// exists: crops at several scales and places, each turned a few degrees and re-lit, blurred or
// recompressed. Each knows how to map a point of its own back to the source photo, so a face found
// in it is known to be the source's face whose box that point falls in.

export interface GeneratedPhoto {
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  /** A point of this photo in the source photo's pixels. */
  toSource(point: { x: number; y: number }): { x: number; y: number };
}

const TREATMENTS = ['relit', 'blurred', 'recompressed', 'darkened'] as const;
const SCALES = [0.8, 1.25, 1.6, 2.1];

/** mulberry32: the same set on every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * `count` photos cut from the source around its band of people (`band`: y from..to), each a crop of
 * 300–700 source pixels scaled by 0.8–2.1, turned −5…5°, with one treatment.
 */
export const generatePhotos = async (
  source: Buffer,
  count: number,
  band: { from: number; to: number },
  seed = 1927,
): Promise<GeneratedPhoto[]> => {
  const next = random(seed);
  const between = (a: number, b: number) => a + (b - a) * next();
  const { width: W = 0, height: H = 0 } = await sharp(source).metadata();
  const photos: GeneratedPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const cw = Math.round(between(300, 700));
    const ch = Math.round(cw * 0.7);
    const left = Math.round(between(0, W - cw));
    const top = Math.round(Math.min(H - ch, Math.max(0, between(band.from, band.to) - ch / 2)));
    const scale = (SCALES[i % SCALES.length] as number) * between(0.95, 1.05);
    const ow = Math.round(cw * scale);
    const oh = Math.round(ch * scale);
    const angle = Math.round(between(2, 5) * (next() < 0.5 ? -1 : 1) * 10) / 10;
    const treatment = TREATMENTS[
      (i + Math.floor(i / SCALES.length)) % TREATMENTS.length
    ] as (typeof TREATMENTS)[number];
    const cut = await sharp(source).extract({ left, top, width: cw, height: ch }).resize(ow, oh).png().toBuffer();
    let image = sharp(cut).rotate(angle, { background: '#7f7f7f' });
    if (treatment === 'relit') image = image.linear(between(1.1, 1.35), between(-30, -10));
    if (treatment === 'darkened') image = image.modulate({ brightness: between(0.6, 0.8) }).gamma(between(1.2, 1.8));
    if (treatment === 'blurred') image = image.blur(between(0.8, 1.4));
    const quality = treatment === 'recompressed' ? Math.round(between(25, 40)) : 88;
    const bytes = await image.jpeg({ quality }).toBuffer();
    const { width = 0, height = 0 } = await sharp(bytes).metadata();
    // sharp turns clockwise (y points down) about the centre and grows the canvas to hold the result.
    const theta = (angle * Math.PI) / 180;
    const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
    photos.push({
      name: `solvay crop ${i} (${cw}×${ch} at ${left},${top}, ×${scale.toFixed(2)}, ${angle}°, ${treatment}${treatment === 'recompressed' ? ` q${quality}` : ''})`,
      bytes,
      width,
      height,
      toSource: ({ x, y }) => {
        const dx = x - width / 2;
        const dy = y - height / 2;
        const ux = dx * cos + dy * sin + ow / 2;
        const uy = -dx * sin + dy * cos + oh / 2;
        return { x: left + ux / scale, y: top + uy / scale };
      },
    });
  }
  return photos;
};

const centre = (b: FaceBox) => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

/** The source face a face of a generated photo is: the one whose centre is nearest, within half its width. */
export const sourceFaceOf = (face: DetectedFace, photo: GeneratedPhoto, reference: DetectedFace[]): number | null => {
  const p = photo.toSource(centre(face.box));
  let best: number | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  reference.forEach((r, i) => {
    const c = centre(r.box);
    const d = Math.hypot(c.x - p.x, c.y - p.y);
    if (d < r.box.w / 2 && d < bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
};

export interface LabelledFace {
  photo: number;
  truth: number;
  personId: string | null;
}

/**
 * Recall: for each real person seen in at least `minPhotos` photos, the share of their faces in
 * the one person holding most of them (unassigned faces count against), averaged over people.
 * Precision: of all pairs of faces put in one person, the share that are one real person.
 */
export const clusteringScores = (faces: LabelledFace[], minPhotos = 3) => {
  const byTruth = new Map<number, LabelledFace[]>();
  for (const f of faces) byTruth.set(f.truth, [...(byTruth.get(f.truth) ?? []), f]);
  const recalls: number[] = [];
  for (const group of byTruth.values()) {
    if (new Set(group.map((f) => f.photo)).size < minPhotos) continue;
    const count = new Map<string, number>();
    for (const f of group) if (f.personId) count.set(f.personId, (count.get(f.personId) ?? 0) + 1);
    recalls.push(Math.max(0, ...count.values()) / group.length);
  }
  let pairs = 0;
  let right = 0;
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const [a, b] = [faces[i] as LabelledFace, faces[j] as LabelledFace];
      if (!a.personId || a.personId !== b.personId) continue;
      pairs++;
      if (a.truth === b.truth) right++;
    }
  }
  return {
    recall: recalls.length ? recalls.reduce((s, r) => s + r, 0) / recalls.length : 0,
    precision: pairs ? right / pairs : 1,
    people: recalls.length,
  };
};

/** Where the Solvay photo's people are (y), for the crops to hold some. */
const SOLVAY_PEOPLE_BAND = { from: 330, to: 540 };

/** The original's faces (photo 0) and the faces of `count` photos made from it, each with the original face it is. */
export const solvayFaceSet = async (detector: FaceDetector, source: Buffer, count: number) => {
  const reference = await detector.detect(source, { width: 1280, height: 926 });
  const found: Found[] = reference.map((face, truth) => ({ photo: 0, truth, face }));
  let unmatched = 0;
  let detected = 0;
  for (const [i, photo] of (await generatePhotos(source, count, SOLVAY_PEOPLE_BAND)).entries()) {
    const faces = await detector.detect(photo.bytes, { width: photo.width, height: photo.height });
    detected += faces.length;
    for (const face of faces) {
      const truth = sourceFaceOf(face, photo, reference);
      if (truth === null) unmatched++;
      else found.push({ photo: i + 1, truth, face });
    }
  }
  return { found, unmatched, detected, reference: reference.length };
};

export interface Found {
  photo: number;
  truth: number;
  face: DetectedFace;
}

/** People of the found faces: photo by photo then the deferred again, or one batch recluster. */
export const clusterFound = (found: Found[], options: ClusteringOptions, batch: boolean): LabelledFace[] => {
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
