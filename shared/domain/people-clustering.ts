import { randomUUID } from 'node:crypto';
import type { FaceRepository } from './face-ports.ts';
import { type Face, type Person, personStats } from './faces.ts';
import { newId } from './ids.ts';
import type { Clock } from './ports.ts';

/**
 * What a planner sees: the library's people (their centroids), its unplaced faces, and which of
 * them are new (the photo's): only those are placed, the others are the company they may keep, so
 * a photo costs O(new × unplaced), not O(unplaced²).
 */
export interface ClusterInput {
  people: { id: string; centroid: Float32Array }[];
  faces: { id: string; descriptor: Float32Array }[];
  newFaceIds: string[];
}

/** Faces that join an existing person, and groups of faces that become new people. */
export interface ClusterPlan {
  join: { faceId: string; personId: string }[];
  create: string[][];
}

/** The clustering rule itself (shared/faces/clustering.ts): pure, so it is tested on its own. */
export type ClusterPlanner = (input: ClusterInput) => ClusterPlan;

/** The batch rule: a library's described faces and its people in, who is who afresh out. */
export type ClusterRebuilder = (
  faces: Face[],
  people: Person[],
) => {
  assignments: { faceId: string; personId: string | null }[];
  createdPersons: string[];
};

/** How long one photo's clustering may hold its library's lease before another run may take over. */
const LEASE_MS = 60_000;
/** A whole library's re-cluster holds it as long as the face function may run (5 minutes), and a little more. */
const RECLUSTER_LEASE_MS = 6 * 60_000;

export interface PeopleClusteringDeps {
  faces: FaceRepository;
  planner: ClusterPlanner;
  rebuild: ClusterRebuilder;
  clock: Clock;
}

/**
 * Groups a library's faces into people: incrementally (the faces no one has placed, against the
 * people there are) after each photo, or from scratch (`recluster`) for reprocess. One run per
 * library at a time, under a lease in the table; a face placed by hand is never moved.
 */
export class PeopleClustering {
  constructor(private readonly deps: PeopleClusteringDeps) {}

  /** Places the library's unplaced faces; 'busy' when another run holds the library. */
  async cluster(libraryId: string, owner: string, fresh: Face[] = []): Promise<'done' | 'busy'> {
    return this.leased(libraryId, LEASE_MS, async () => {
      const { faces } = this.deps;
      // The index is eventually consistent: the faces just written are added by hand.
      const unplaced = new Map((await faces.unassigned(libraryId)).map((f) => [f.id, f]));
      const placing = fresh.filter((f) => !f.personId && !f.pinned && f.descriptor);
      for (const face of placing) unplaced.set(face.id, face);
      if (placing.length === 0) return;
      const people = await faces.people(libraryId);
      await this.apply(
        libraryId,
        owner,
        people,
        [...unplaced.values()],
        placing.map((f) => f.id),
      );
    });
  }

  /**
   * Clusters the whole library again (`reprocess --recluster`) with the batch rule
   * (`reclusterLibrary`): every face not placed by hand is released and grouped afresh; named
   * people and people holding hand-placed faces keep their ids where most of their faces go, and
   * keep their names even if none do.
   */
  async recluster(libraryId: string, owner: string): Promise<'done' | 'busy'> {
    return this.leased(libraryId, RECLUSTER_LEASE_MS, async () => {
      const { faces, clock, rebuild } = this.deps;
      const all = (await this.facesOfLibrary(libraryId)).filter((f) => f.descriptor);
      const people = await faces.people(libraryId);
      const byId = new Map(all.map((f) => [f.id, f]));
      const result = rebuild(all, people);
      const now = clock.now().toISOString();
      for (const id of result.createdPersons) {
        await faces.createPerson({
          id,
          libraryId,
          owner,
          isHidden: false,
          isFavorite: false,
          faceCount: 0,
          assetCount: 0,
          createdAt: now,
          updatedAt: now,
        });
      }
      for (const { faceId, personId } of result.assignments) {
        const face = byId.get(faceId);
        if (face && !face.pinned) await faces.assign(face, personId ?? undefined, face.personId, false);
      }
      await this.refresh([...people.map((p) => p.id), ...result.createdPersons], { keepNamed: true });
    });
  }

  /**
   * Recomputes each person's numbers from its faces; a person with none left is removed (with
   * `keepNamed`, a named one stays, empty: a re-cluster must not lose what a user typed).
   */
  async refresh(personIds: Iterable<string>, options: { keepNamed?: boolean } = {}): Promise<void> {
    const { faces, clock } = this.deps;
    for (const id of new Set(personIds)) {
      const members = await faces.facesOfPerson(id);
      const person = await faces.getPerson(id);
      if (!person) continue;
      if (members.length === 0 && !(options.keepNamed && person.name)) {
        await faces.deletePerson(person);
        continue;
      }
      if (members.length === 0) {
        await faces.updatePerson(id, {
          centroid: undefined,
          faceCount: 0,
          assetCount: 0,
          pairwise: undefined,
          thumbnailFaceId: undefined,
          updatedAt: clock.now().toISOString(),
        });
        continue;
      }
      const stats = personStats(members);
      const thumbnail =
        person.thumbnailFaceId && members.some((f) => f.id === person.thumbnailFaceId)
          ? person.thumbnailFaceId
          : bestFace(members).id;
      await faces.updatePerson(id, {
        centroid: stats.centroid,
        faceCount: stats.faceCount,
        assetCount: stats.assetCount,
        pairwise: stats.pairwise,
        thumbnailFaceId: thumbnail,
        updatedAt: clock.now().toISOString(),
      });
    }
  }

  private async apply(libraryId: string, owner: string, people: Person[], unplaced: Face[], newFaceIds: string[]) {
    const { faces, planner, clock } = this.deps;
    const byId = new Map(unplaced.map((f) => [f.id, f]));
    const plan = planner({
      people: people.flatMap((p) => (p.centroid ? [{ id: p.id, centroid: p.centroid }] : [])),
      faces: unplaced.flatMap((f) => (f.descriptor ? [{ id: f.id, descriptor: f.descriptor }] : [])),
      newFaceIds,
    });
    const touched = new Set<string>();
    for (const { faceId, personId } of plan.join) {
      const face = byId.get(faceId);
      if (face && (await faces.assign(face, personId, undefined, false))) touched.add(personId);
    }
    for (const group of plan.create) {
      const members = group.flatMap((id) => byId.get(id) ?? []);
      const first = members[0];
      if (!first) continue;
      const now = clock.now().toISOString();
      const person: Person = {
        id: newId('person'),
        libraryId,
        owner,
        isHidden: false,
        isFavorite: false,
        thumbnailFaceId: bestFace(members).id,
        ...personStats(members),
        createdAt: now,
        updatedAt: now,
      };
      await faces.createPerson(person);
      // Refreshed whatever the assigns do: one that lost every face to another run is removed.
      touched.add(person.id);
      for (const face of members) await faces.assign(face, person.id, undefined, false);
    }
    await this.refresh(touched);
  }

  private async facesOfLibrary(libraryId: string): Promise<Face[]> {
    const all: Face[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.faces.facesOfLibrary(libraryId, 500, after);
      all.push(...page.items);
      after = page.items.at(-1)?.id;
      if (!page.hasMore || !after) return all;
    }
  }

  private async leased(libraryId: string, leaseMs: number, work: () => Promise<void>): Promise<'done' | 'busy'> {
    const { faces, clock } = this.deps;
    const holder = randomUUID();
    const now = clock.now().getTime();
    if (!(await faces.lease(libraryId, holder, now + leaseMs, now))) return 'busy';
    try {
      await work();
      return 'done';
    } finally {
      await faces.release(libraryId, holder);
    }
  }
}

/** The face a person is shown by: the detector's surest, then the largest. */
const bestFace = (faces: Face[]): Face =>
  faces.reduce((best, f) =>
    (f.confidence ?? 0) * f.box.w * f.box.h > (best.confidence ?? 0) * best.box.w * best.box.h ? f : best,
  );
