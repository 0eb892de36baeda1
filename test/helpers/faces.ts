import { createClients } from '#shared/aws/clients.ts';
import type { Config } from '#shared/config.ts';
import { PeopleClustering } from '#shared/domain/people-clustering.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { centroidPlanner, libraryRebuilder } from '#shared/faces/cluster-planner.ts';
import { CLUSTERING_DEFAULTS } from '#shared/faces/clustering.ts';
import { DynamoFaces } from '#shared/table/dynamo-faces.ts';

/**
 * The stage's clustering, except that two close faces already make a person: suites about the
 * routes seed a pair of faces per person; the rule itself is tested in face-clustering.test.ts.
 */
export const pairClustering = (config: Config) =>
  new PeopleClustering({
    faces: new DynamoFaces(createClients(config).dynamo, config.TABLE_NAME),
    planner: centroidPlanner({ ...CLUSTERING_DEFAULTS, link: 'centroid', minFaces: 2 }),
    rebuild: libraryRebuilder({ ...CLUSTERING_DEFAULTS, minFaces: 2 }),
    clock: systemClock,
  });

/** A unit vector near identity `n`'s own axis, a little different per photo (`jitter`). */
export const descriptorOf = (identity: number, jitter = 0): Float32Array => {
  const v = new Float32Array(128);
  v[identity] = 1;
  v[(identity + 64) % 128] = jitter;
  const norm = Math.hypot(1, jitter);
  return v.map((x) => x / norm);
};
