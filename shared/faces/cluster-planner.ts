import { newId } from '#shared/domain/ids.ts';
import type { ClusterPlanner, ClusterRebuilder } from '#shared/domain/people-clustering.ts';
import {
  assignFaces,
  CLUSTERING_DEFAULTS,
  type ClusterFace,
  type ClusteringOptions,
  reclusterLibrary,
} from './clustering.ts';

/** Marks the ids of people the rule makes, so they are told apart from the library's own. */
const NEW = 'new:';

/**
 * The stage's rule: a new face is compared with each person's centroid (the stage holds centroids,
 * not every face of the library: a photo reads O(people), not O(faces)), joins the nearest within
 * reach, or founds a person with enough unplaced faces near it (clustering.ts).
 */
export const centroidPlanner =
  (options: ClusteringOptions = { ...CLUSTERING_DEFAULTS, link: 'centroid' }): ClusterPlanner =>
  ({ people, faces, newFaceIds }) => {
    const libraryId = 'library';
    // Each person enters as one face at its centroid: its mean is then the centroid itself.
    const anchors: ClusterFace[] = people.map((p) => ({
      id: `person:${p.id}`,
      libraryId,
      descriptor: p.centroid,
      personId: p.id,
    }));
    const fresh: ClusterFace[] = faces.map((f) => ({ id: f.id, libraryId, descriptor: f.descriptor, personId: null }));
    let made = 0;
    const result = assignFaces([...anchors, ...fresh], newFaceIds, () => `${NEW}${made++}`, options);
    const join: { faceId: string; personId: string }[] = [];
    const created = new Map<string, string[]>();
    for (const { faceId, personId } of result.assignments) {
      if (!personId) continue;
      if (personId.startsWith(NEW)) created.set(personId, [...(created.get(personId) ?? []), faceId]);
      else join.push({ faceId, personId });
    }
    return { join, create: [...created.values()] };
  };

/** The batch rule (clustering.ts): DBSCAN over the library's faces, keeping what people said. */
export const libraryRebuilder =
  (options: ClusteringOptions = CLUSTERING_DEFAULTS): ClusterRebuilder =>
  (faces, people) => {
    // A face naming a person that no longer exists counts as no one's, never as that person's.
    const known = new Set(people.map((p) => p.id));
    return reclusterLibrary(
      faces.flatMap((f) =>
        f.descriptor
          ? [
              {
                id: f.id,
                libraryId: f.libraryId,
                descriptor: f.descriptor,
                personId: f.personId && known.has(f.personId) ? f.personId : null,
                manual: f.pinned ?? false,
              },
            ]
          : [],
      ),
      people.map((p) => ({ id: p.id, name: p.name ?? null })),
      () => newId('person'),
      options,
    );
  };
