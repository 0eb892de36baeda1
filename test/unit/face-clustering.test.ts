import { describe, expect, it } from 'vitest';
import {
  assignFaces,
  CLUSTERING_DEFAULTS,
  type ClusterFace,
  type ClusteringResult,
  reclusterLibrary,
} from '#shared/faces/clustering.ts';

// Synthetic descriptors: each person a random unit vector, each face that vector plus a little
// noise (~0.07 apart), people ~1.4 apart: far inside and far outside the threshold.

const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
let seed = 7;
const rand = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647 - 0.5;
};
const people = new Map<string, Float32Array>();
const look = (who: string) => {
  const known = people.get(who);
  if (known) return known;
  const v = unit(Float32Array.from({ length: 128 }, rand));
  people.set(who, v);
  return v;
};
const face = (id: string, who: string, extra: Partial<ClusterFace> = {}): ClusterFace => ({
  id,
  libraryId: 'lib_a',
  descriptor: unit(look(who).map((x) => x + rand() * 0.015)),
  personId: null,
  ...extra,
});
const ids = () => {
  let n = 0;
  return () => `person_${++n}`;
};
const apply = (faces: ClusterFace[], result: ClusteringResult) => {
  const byId = new Map(faces.map((f) => [f.id, f]));
  for (const a of result.assignments) (byId.get(a.faceId) as ClusterFace).personId = a.personId;
  return faces;
};
const personOf = (faces: ClusterFace[], id: string) => faces.find((f) => f.id === id)?.personId;

describe('incremental assignment of faces to people', () => {
  it('waits until enough faces look alike, then makes one person of them', () => {
    const faces = [face('a1', 'ann'), face('a2', 'ann')];
    const first = assignFaces(faces, ['a1', 'a2'], ids());
    expect(first.assignments).toEqual([]);
    expect(first.deferred.sort()).toEqual(['a1', 'a2']);
    faces.push(face('a3', 'ann'));
    const second = assignFaces(faces, ['a3'], ids());
    expect(second.createdPersons).toEqual(['person_1']);
    apply(faces, second);
    expect(faces.map((f) => f.personId)).toEqual(['person_1', 'person_1', 'person_1']);
  });

  it('puts a new face in the person of its nearest look-alike, and another person’s face apart', () => {
    const faces = [
      face('a1', 'ann', { personId: 'p_ann' }),
      face('b1', 'bob', { personId: 'p_bob' }),
      face('a2', 'ann'),
      face('c1', 'cid'),
    ];
    const result = assignFaces(faces, ['a2', 'c1'], ids());
    expect(result.assignments).toEqual([{ faceId: 'a2', personId: 'p_ann' }]);
    expect(result.deferred).toEqual(['c1']);
  });

  it('joins by the person’s mean when asked to', () => {
    const faces = [
      face('a1', 'ann', { personId: 'p_ann' }),
      face('a2', 'ann', { personId: 'p_ann' }),
      face('a3', 'ann'),
    ];
    const result = assignFaces(faces, ['a3'], ids(), { ...CLUSTERING_DEFAULTS, link: 'centroid' });
    expect(result.assignments).toEqual([{ faceId: 'a3', personId: 'p_ann' }]);
  });

  it('never takes faces of two libraries at once', () => {
    const faces = [face('a1', 'ann'), face('a2', 'ann', { libraryId: 'lib_b' })];
    expect(() => assignFaces(faces, ['a1'], ids())).toThrow(/one library/);
    expect(() => reclusterLibrary(faces, [], ids())).toThrow(/one library/);
  });
});

describe('reclustering a library', () => {
  it('keeps a named person’s id on the faces that are mostly theirs, and gives others new ones', () => {
    const faces = [
      ...['a1', 'a2', 'a3', 'a4'].map((id) => face(id, 'ann', { personId: 'p_ann' })),
      // One of Bob's faces was wrongly in Ann; Bob's others were never grouped.
      face('b1', 'bob', { personId: 'p_ann' }),
      face('b2', 'bob'),
      face('b3', 'bob'),
    ];
    const result = reclusterLibrary(faces, [{ id: 'p_ann', name: 'Ann' }], ids());
    apply(faces, result);
    expect(['a1', 'a2', 'a3', 'a4'].map((id) => personOf(faces, id))).toEqual(['p_ann', 'p_ann', 'p_ann', 'p_ann']);
    const bob = personOf(faces, 'b1');
    expect(bob).toBe('person_1');
    expect(['b2', 'b3'].map((id) => personOf(faces, id))).toEqual([bob, bob]);
    expect(result.createdPersons).toEqual(['person_1']);
  });

  it('leaves faces assigned by hand where they are, and draws their look-alikes to that person', () => {
    const faces = [
      // By hand, Cid's face was put in Ann (say the user knows better): it stays.
      face('c1', 'cid', { personId: 'p_ann', manual: true }),
      face('c2', 'cid'),
      face('a1', 'ann', { personId: 'p_ann' }),
      face('a2', 'ann', { personId: 'p_ann' }),
      face('a3', 'ann', { personId: 'p_ann' }),
    ];
    const result = reclusterLibrary(faces, [{ id: 'p_ann', name: 'Ann' }], ids());
    apply(faces, result);
    expect(personOf(faces, 'c1')).toBe('p_ann');
    expect(personOf(faces, 'c2')).toBe('p_ann');
    expect(result.assignments.find((a) => a.faceId === 'c1')).toBeUndefined();
  });

  it('keeps the ids of unnamed people too when their faces stay together, and reports emptied ones', () => {
    const faces = [
      ...['a1', 'a2', 'a3'].map((id) => face(id, 'ann', { personId: 'p_1' })),
      // A person made of one stray face: reclustering leaves it unassigned, so the person empties.
      face('z1', 'zed', { personId: 'p_2' }),
    ];
    const result = reclusterLibrary(faces, [], ids());
    apply(faces, result);
    expect(['a1', 'a2', 'a3'].map((id) => personOf(faces, id))).toEqual(['p_1', 'p_1', 'p_1']);
    expect(personOf(faces, 'z1')).toBeNull();
    expect(result.deferred).toEqual(['z1']);
    expect(result.emptiedPersons).toEqual(['p_2']);
  });

  it('gives a named person’s id to only one group when their faces split', () => {
    const faces = [
      ...['a1', 'a2', 'a3'].map((id) => face(id, 'ann', { personId: 'p_ann' })),
      ...['b1', 'b2'].map((id) => face(id, 'bob', { personId: 'p_ann' })),
      face('b3', 'bob'),
    ];
    apply(faces, reclusterLibrary(faces, [{ id: 'p_ann', name: 'Ann' }], ids()));
    expect(personOf(faces, 'a1')).toBe('p_ann');
    expect(personOf(faces, 'b1')).toBe('person_1');
  });
});
