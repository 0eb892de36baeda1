import { describe, expect, it } from 'vitest';
import { nearestPersonPlanner } from '#shared/domain/face-planner.ts';
import { clusterAssignment } from '#shared/domain/face-queries.ts';
import type { Face, Person } from '#shared/domain/faces.ts';

/** A unit vector at `angle` radians from the first axis, towards the second. */
const at = (angle: number): Float32Array => {
  const v = new Float32Array(128);
  v[0] = Math.cos(angle);
  v[1] = Math.sin(angle);
  return v;
};

describe('the minimal planner', () => {
  it('a face joins the nearest person within the threshold', () => {
    const plan = nearestPersonPlanner({
      people: [
        { id: 'person_a', centroid: at(0) },
        { id: 'person_b', centroid: at(0.5) },
      ],
      faces: [{ id: 'f1', descriptor: at(0.4) }],
    });
    expect(plan).toEqual({ join: [{ faceId: 'f1', personId: 'person_b' }], create: [] });
  });

  it('faces no person takes form a person when two or more are close; a lone one waits', () => {
    const plan = nearestPersonPlanner({
      people: [{ id: 'person_a', centroid: at(0) }],
      faces: [
        { id: 'f1', descriptor: at(2) },
        { id: 'f2', descriptor: at(2.1) },
        { id: 'f3', descriptor: at(2.2) },
        { id: 'lone', descriptor: at(-1.5) },
      ],
    });
    expect(plan.join).toEqual([]);
    expect(plan.create).toEqual([['f1', 'f2', 'f3']]);
  });
});

describe('a face’s cluster assignment', () => {
  const person = (id: string, angle: number, name?: string): Person => ({
    id,
    libraryId: 'lib_1',
    owner: 'user_1',
    ...(name && { name }),
    isHidden: false,
    isFavorite: false,
    centroid: at(angle),
    faceCount: 1,
    assetCount: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
  const face = (personId?: string): Face => ({
    id: 'face_1',
    assetId: 'asset_1',
    libraryId: 'lib_1',
    owner: 'user_1',
    box: { x: 0, y: 0, w: 1, h: 1 },
    source: 'automatic',
    descriptor: at(0),
    ...(personId && { personId }),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
  const people = [0.1, 0.9, 0.3, 0.7, 0.5, 1.1, 1.3].map((a, i) =>
    person(`person_${i}`, a, i === 2 ? 'Ada' : undefined),
  );

  it('tells the distance to its person and the five nearest others, nearest first', () => {
    const result = clusterAssignment(face('person_0'), people);
    expect(result.distanceToPerson).toBeCloseTo(1 - Math.cos(0.1), 5);
    expect(result.candidates.map((c) => c.personId)).toEqual([
      'person_2',
      'person_4',
      'person_3',
      'person_1',
      'person_5',
    ]);
    expect(result.candidates[0]).toMatchObject({ name: 'Ada' });
  });

  it('an unplaced face has no distance, a face without a descriptor no candidates', () => {
    expect(clusterAssignment(face(), people).distanceToPerson).toBeUndefined();
    expect(clusterAssignment({ ...face(), descriptor: undefined }, people)).toEqual({ candidates: [] });
  });
});
