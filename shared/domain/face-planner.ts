import { cosineDistance } from './faces.ts';
import type { ClusterInput, ClusterPlan, ClusterPlanner } from './people-clustering.ts';

/** Cosine distance under which two faces (or a face and a centroid) are taken for the same person. */
const SAME_PERSON = 0.35;

/**
 * A minimal planner until the real clustering rule lands: a face joins the nearest person within
 * the threshold; the rest are linked when mutually close, and every linked group of two or more
 * becomes a person (a lone face waits for company).
 */
export const nearestPersonPlanner: ClusterPlanner = ({ people, faces }: ClusterInput): ClusterPlan => {
  const join: ClusterPlan['join'] = [];
  const left: ClusterInput['faces'] = [];
  for (const face of faces) {
    let best: { id: string; distance: number } | undefined;
    for (const p of people) {
      const distance = cosineDistance(face.descriptor, p.centroid);
      if (distance < SAME_PERSON && (!best || distance < best.distance)) best = { id: p.id, distance };
    }
    if (best) join.push({ faceId: face.id, personId: best.id });
    else left.push(face);
  }
  // Union-find over the faces no person took.
  const parent = left.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] ?? i;
    return i;
  };
  left.forEach((a, i) => {
    left.forEach((b, j) => {
      if (j > i && cosineDistance(a.descriptor, b.descriptor) < SAME_PERSON) parent[root(j)] = root(i);
    });
  });
  const groups = new Map<number, string[]>();
  left.forEach((face, i) => {
    groups.set(root(i), [...(groups.get(root(i)) ?? []), face.id]);
  });
  return { join, create: [...groups.values()].filter((g) => g.length >= 2) };
};
