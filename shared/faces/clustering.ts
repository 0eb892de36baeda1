// Who is who: faces of one library grouped into people by their descriptors. Pure; the faces
// stage loads one library's faces, calls these, and writes back what changed.

import { descriptorDistance } from './face-detector.ts';

/**
 * Two L2-normalised face-api descriptors closer than this are taken for the same person. Measured
 * on the generated Solvay set (test/integration/face-clustering.test.ts, README "Faces and
 * people"): normalised, different people there sit at a median 0.43 (5th percentile 0.35, the
 * closest pair 0.25) and the same person across photos at a median 0.22. 0.25 kept precision at
 * 100 % with recall 0.90–0.96; from 0.275 single linkage starts chaining people together.
 */
export const FACE_MATCH_DISTANCE = 0.25;
/** A new person needs this many close faces, the face itself included (Immich's minFaces, default 3). */
export const MIN_FACES_PER_PERSON = 3;

export interface ClusterFace {
  id: string;
  libraryId: string;
  /** L2-normalised. */
  descriptor: Float32Array;
  personId: string | null;
  /** Set by hand (an assignment, or a merge of people): kept by every automatic step. */
  manual?: boolean;
}

export interface ClusterPerson {
  id: string;
  name?: string | null;
}

export interface ClusteringOptions {
  maxDistance: number;
  minFaces: number;
  /**
   * What a face is compared with: the person's nearest face (Immich's rule, single linkage: a
   * person seen young and old, frontal and turned, stays one), or the mean of their faces.
   */
  link: 'face' | 'centroid';
}

export const CLUSTERING_DEFAULTS: ClusteringOptions = {
  maxDistance: FACE_MATCH_DISTANCE,
  minFaces: MIN_FACES_PER_PERSON,
  link: 'face',
};

export interface Assignment {
  faceId: string;
  personId: string | null;
}

export interface ClusteringResult {
  /** Every face whose person changed, with its new person (null: unassigned). */
  assignments: Assignment[];
  createdPersons: string[];
  /** Faces still without a person because too few faces resemble them yet: tried again later. */
  deferred: string[];
  /** People left with no face: the caller deletes those without a name. */
  emptiedPersons: string[];
}

/** The one library of the faces; mixing libraries is a caller's bug that would leak people across them. */
const oneLibrary = (faces: ClusterFace[]) => {
  const libraries = new Set(faces.map((f) => f.libraryId));
  if (libraries.size > 1) throw new Error(`clustering takes one library's faces, got ${[...libraries].join(', ')}`);
};

const centroids = (faces: ClusterFace[]) => {
  const sums = new Map<string, Float32Array>();
  for (const face of faces) {
    if (!face.personId) continue;
    const sum = sums.get(face.personId) ?? new Float32Array(face.descriptor.length);
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (face.descriptor[i] as number);
    sums.set(face.personId, sum);
  }
  for (const sum of sums.values()) {
    const norm = Math.hypot(...sum) || 1;
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) / norm;
  }
  return sums;
};

/** The person a face joins, if one is close enough. */
const nearestPerson = (
  face: ClusterFace,
  faces: ClusterFace[],
  options: ClusteringOptions,
  means?: Map<string, Float32Array>,
): string | undefined => {
  let best: string | undefined;
  let bestDistance = options.maxDistance;
  if (options.link === 'centroid' && means) {
    for (const [personId, mean] of means) {
      const d = descriptorDistance(face.descriptor, mean);
      if (d < bestDistance) [best, bestDistance] = [personId, d];
    }
    return best;
  }
  for (const other of faces) {
    if (other === face || !other.personId) continue;
    const d = descriptorDistance(face.descriptor, other.descriptor);
    if (d < bestDistance) [best, bestDistance] = [other.personId, d];
  }
  return best;
};

const withinReach = (face: ClusterFace, faces: ClusterFace[], maxDistance: number) =>
  faces.filter((other) => other !== face && descriptorDistance(face.descriptor, other.descriptor) < maxDistance);

/**
 * New faces of a library, one after another (as photos arrive): a face joins the nearest person
 * within reach; else, when it and enough unassigned faces within reach make `minFaces` (a DBSCAN
 * core point), they become a new person together; else it waits (deferred) for more faces like it.
 */
export const assignFaces = (
  faces: ClusterFace[],
  newFaceIds: string[],
  newPersonId: () => string,
  options: ClusteringOptions = CLUSTERING_DEFAULTS,
): ClusteringResult => {
  oneLibrary(faces);
  const state = faces.map((f) => ({ ...f }));
  const byId = new Map(state.map((f) => [f.id, f]));
  const changed = new Map<string, string | null>();
  const createdPersons: string[] = [];
  const deferred = new Set<string>();
  const means = options.link === 'centroid' ? centroids(state) : undefined;
  const assign = (face: ClusterFace, personId: string) => {
    face.personId = personId;
    changed.set(face.id, personId);
    deferred.delete(face.id);
    if (means)
      means.set(personId, centroids(state.filter((f) => f.personId === personId)).get(personId) as Float32Array);
  };
  for (const id of newFaceIds) {
    const face = byId.get(id);
    if (!face || face.personId) continue;
    const personId = nearestPerson(face, state, options, means);
    if (personId) {
      assign(face, personId);
      continue;
    }
    // Faces taken off a person by hand (pinned, no one's) are no company for a new person.
    const free = withinReach(face, state, options.maxDistance).filter((f) => !f.personId && !f.manual);
    if (free.length + 1 < options.minFaces) {
      deferred.add(face.id);
      continue;
    }
    const created = newPersonId();
    createdPersons.push(created);
    for (const member of [face, ...free]) assign(member, created);
  }
  return {
    assignments: [...changed].map(([faceId, personId]) => ({ faceId, personId })),
    createdPersons,
    deferred: [...deferred],
    emptiedPersons: [],
  };
};

// Ids of people made during a recluster, before they are matched to earlier ones: no real id starts so.
const TEMPORARY = '\u0000new:';
const isTemporary = (id: string) => id.startsWith(TEMPORARY);

/**
 * All of a library's faces grouped afresh, as Immich's forced run does (every face not placed by
 * hand unassigned, then assigned again one by one), keeping what people said: faces assigned by
 * hand stay and draw their look-alikes to their person; faces with most look-alikes go first, so
 * people grow from their densest faces; then each earlier person keeps their id on the new person
 * most of their faces went to (people with a name or a hand-placed face first), so a named person
 * keeps their id where their faces mostly go.
 */
export const reclusterLibrary = (
  faces: ClusterFace[],
  persons: ClusterPerson[],
  newPersonId: () => string,
  options: ClusteringOptions = CLUSTERING_DEFAULTS,
): ClusteringResult => {
  oneLibrary(faces);
  const kept = new Set([
    ...persons.filter((p) => p.name).map((p) => p.id),
    ...faces.flatMap((f) => (f.manual && f.personId ? [f.personId] : [])),
  ]);
  const fresh = faces.map((f) => ({ ...f, personId: f.manual ? f.personId : null }));
  const reach = fresh.map((f) => (f.manual ? 0 : withinReach(f, fresh, options.maxDistance).length));
  const order = fresh
    .flatMap((f, i) => (f.manual ? [] : [i]))
    .sort((a, b) => (reach[b] as number) - (reach[a] as number));
  let temporary = 0;
  const newTemporary = () => `${TEMPORARY}${temporary++}`;
  const first = assignFaces(
    fresh,
    order.map((i) => (fresh[i] as ClusterFace).id),
    newTemporary,
    options,
  );
  const placed = new Map(first.assignments.map((a) => [a.faceId, a.personId]));
  const second = assignFaces(
    fresh.map((f) => ({ ...f, personId: placed.get(f.id) ?? f.personId })),
    first.deferred,
    newTemporary,
    options,
  );
  for (const a of second.assignments) placed.set(a.faceId, a.personId);
  // Which earlier person each new one continues: greedy over (earlier, new) votes, kept people
  // first, each taken once. A person with hand-placed faces holds them (and their look-alikes)
  // under its own id already, and may also continue the group most of its other faces went to:
  // a face placed by hand must not cost a person the faces the detector gave it.
  const votes = new Map<string, { earlier: string; now: string; votes: number }>();
  faces.forEach((face) => {
    const now = placed.get(face.id);
    if (!face.personId || !now || !isTemporary(now)) return;
    const key = `${face.personId} ${now}`;
    const vote = votes.get(key) ?? { earlier: face.personId, now, votes: 0 };
    vote.votes += 1;
    votes.set(key, vote);
  });
  const ranked = [...votes.values()].sort(
    (a, b) => Number(kept.has(b.earlier)) - Number(kept.has(a.earlier)) || b.votes - a.votes,
  );
  const rename = new Map<string, string>();
  const taken = new Set<string>();
  for (const v of ranked) {
    if (rename.has(v.now) || taken.has(v.earlier)) continue;
    rename.set(v.now, v.earlier);
    taken.add(v.earlier);
  }
  const createdPersons: string[] = [];
  const finalId = (id: string) => {
    if (!isTemporary(id)) return id;
    let named = rename.get(id);
    if (!named) {
      named = newPersonId();
      createdPersons.push(named);
      rename.set(id, named);
    }
    return named;
  };
  const next = fresh.map((f) => {
    const now = placed.get(f.id);
    return { id: f.id, personId: now ? finalId(now) : f.personId };
  });
  const before = new Set(faces.flatMap((f) => (f.personId ? [f.personId] : [])));
  const after = new Set(next.flatMap((f) => (f.personId ? [f.personId] : [])));
  return {
    assignments: next.flatMap((f, i) =>
      f.personId === (faces[i] as ClusterFace).personId ? [] : [{ faceId: f.id, personId: f.personId }],
    ),
    createdPersons,
    deferred: next.flatMap((f) => (f.personId ? [] : [f.id])),
    emptiedPersons: [...before].filter((p) => !after.has(p)),
  };
};
