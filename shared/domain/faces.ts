// Faces found in a library's photos and the people they are grouped into (the faces issue).

/** A face's place in the asset, in display pixels (EXIF orientation applied), integers. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type FaceSource = 'automatic' | 'manual';

export interface Face {
  id: string;
  assetId: string;
  libraryId: string;
  owner: string;
  box: Box;
  source: FaceSource;
  /** The detector's score, 0–1; none for a face drawn by hand. */
  confidence?: number;
  /** 128 numbers of unit length; what clustering compares. A hand-drawn face may have none. */
  descriptor?: Float32Array;
  personId?: string;
  /** The person was chosen by hand (or a merge): clustering never moves this face. */
  pinned?: boolean;
  /** Videos: the poster frame's time. */
  timestampMs?: number;
  createdAt: string;
  updatedAt: string;
}

export interface Person {
  id: string;
  libraryId: string;
  owner: string;
  name?: string;
  /** ISO date, YYYY-MM-DD. */
  birthDate?: string;
  isHidden: boolean;
  isFavorite: boolean;
  thumbnailFaceId?: string;
  /** The unit-length mean of its faces' descriptors; none while it has no described face. */
  centroid?: Float32Array;
  faceCount: number;
  assetCount: number;
  /** Cohesion: cosine distances between its faces (mean, 90th percentile), when it has two or more. */
  pairwise?: { mean: number; p90: number };
  createdAt: string;
  updatedAt: string;
}

/** What a person's faces say about it; recomputed whenever its faces change. */
export type PersonStats = Pick<Person, 'centroid' | 'faceCount' | 'assetCount' | 'pairwise'>;

export const isNamed = (person: Person): boolean => person.name !== undefined && person.name !== '';

/** Cosine distance of two unit vectors: 1 − their dot product (0 same, 2 opposite). */
export const cosineDistance = (a: Float32Array, b: Float32Array): number => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return 1 - dot;
};

/** The unit-length mean of unit vectors, or none when there are none. */
export const centroidOf = (descriptors: Float32Array[]): Float32Array | undefined => {
  const first = descriptors[0];
  if (!first) return undefined;
  const sum = new Float32Array(first.length);
  for (const d of descriptors) for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + (d[i] ?? 0);
  const norm = Math.hypot(...sum);
  return norm > 0 ? sum.map((v) => v / norm) : undefined;
};

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;

/** A person's numbers from its faces. */
export const personStats = (faces: Face[]): PersonStats => {
  const described = faces.flatMap((f) => (f.descriptor ? [f.descriptor] : []));
  const distances: number[] = [];
  described.forEach((a, i) => {
    for (const b of described.slice(i + 1)) distances.push(cosineDistance(a, b));
  });
  distances.sort((a, b) => a - b);
  const centroid = centroidOf(described);
  return {
    ...(centroid && { centroid }),
    faceCount: faces.length,
    assetCount: new Set(faces.map((f) => f.assetId)).size,
    ...(distances.length > 0 && {
      pairwise: { mean: distances.reduce((s, d) => s + d, 0) / distances.length, p90: percentile(distances, 0.9) },
    }),
  };
};
