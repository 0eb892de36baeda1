import { describe, expect, it } from 'vitest';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { AssetFaces } from '#shared/domain/asset-faces.ts';
import { MediaRejected } from '#shared/domain/errors.ts';
import type { DetectedFace, FaceDetector } from '#shared/domain/face-ports.ts';
import { ClusteringBusy, FaceStage } from '#shared/domain/face-stage.ts';
import { cosineDistance } from '#shared/domain/faces.ts';
import { type ClusterPlanner, PeopleClustering } from '#shared/domain/people-clustering.ts';
import { libraryRebuilder } from '#shared/faces/cluster-planner.ts';
import { CLUSTERING_DEFAULTS } from '#shared/faces/clustering.ts';
import { derivedKeys, faceCropKey } from '#shared/object-keys.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { DynamoFaces, DynamoTasks } from '#shared/table/dynamo-faces.ts';
import { useEmbeddedDynamo } from '#test/helpers/embedded-dynamo.ts';
import { descriptorOf } from '#test/helpers/faces.ts';
import { FakeClock, MemoryStorage, pendingAsset } from '#test/helpers/fakes.ts';

// The face stage and the people it makes, against the embedded DynamoDB: the detector is a fake
// that reads its faces from the "preview" (each preview names the identities in it), so the
// table's keys, conditions and indexes are what is tested here; the detector has its own tests.

const TABLE = LOCAL_NAMES.table;
const embedded = useEmbeddedDynamo();
const db = () => embedded().db;

/** Previews are JSON: the identities in the photo, left to right. */
const preview = (identities: number[], jitter = 0.1) => Buffer.from(JSON.stringify({ identities, jitter }));
type FakeDetector = FaceDetector & { fail?: string; meanwhile?: () => Promise<void> };
const fakeDetector = (): FakeDetector => {
  const detector: FakeDetector = {
    async detect(image): Promise<DetectedFace[]> {
      if (detector.fail) throw new MediaRejected(detector.fail);
      // What someone else does while the detector works.
      await detector.meanwhile?.();
      const { identities, jitter } = JSON.parse(image.toString()) as { identities: number[]; jitter: number };
      return identities.map((identity, i) => ({
        box: { x: 10 + i * 100, y: 20, w: 80, h: 80 },
        confidence: 0.9,
        descriptor: descriptorOf(identity, jitter),
      }));
    },
    async crop(_image, _display, box) {
      return Buffer.from(`crop ${box.x}`);
    },
  };
  return detector;
};

/** The test's rule: join the nearest person within 0.2, else two close faces make a person. */
const planner: ClusterPlanner = ({ people, faces, newFaceIds }) => {
  const join: { faceId: string; personId: string }[] = [];
  const left: typeof faces = [];
  for (const face of faces.filter((f) => newFaceIds.includes(f.id))) {
    const near = people
      .map((p) => ({ p, d: cosineDistance(p.centroid, face.descriptor) }))
      .sort((a, b) => a.d - b.d)[0];
    if (near && near.d < 0.2) join.push({ faceId: face.id, personId: near.p.id });
    else left.push(face);
  }
  const create: string[][] = [];
  const taken = new Set<string>();
  const company = faces.filter((f) => !join.some((j) => j.faceId === f.id));
  for (const face of left) {
    if (taken.has(face.id)) continue;
    const group = company.filter((f) => !taken.has(f.id) && cosineDistance(f.descriptor, face.descriptor) < 0.2);
    if (group.length >= 2) {
      create.push(group.map((f) => f.id));
      for (const f of group) taken.add(f.id);
    }
  }
  return { join, create };
};

let libraries = 0;
const setup = () => {
  libraries++;
  const clock = new FakeClock();
  const storage = new MemoryStorage();
  const assets = new DynamoAssets(db(), TABLE);
  const faces = new DynamoFaces(db(), TABLE);
  const tasks = new DynamoTasks(db(), TABLE);
  const detector = fakeDetector();
  // The batch rule at the same reach (cosine 0.2 is Euclidean √0.4 between unit vectors), two faces a person.
  const rebuild = libraryRebuilder({ ...CLUSTERING_DEFAULTS, maxDistance: Math.sqrt(0.4), minFaces: 2 });
  const people = new PeopleClustering({ faces, planner, rebuild, clock });
  const stage = new FaceStage({ assets, faces, tasks, storage, detector, people, clock });
  const libraryId = `lib_faces${libraries}`;
  const photo = async (identities: number[], jitter = 0.1): Promise<Asset> => {
    const asset = pendingAsset(
      { size: 1 },
      { libraryId, owner: `user_f${libraries}`, state: 'ready', width: 800, height: 600 },
    );
    await assets.create(asset);
    storage.derived.set(derivedKeys(asset).preview, preview(identities, jitter));
    return asset;
  };
  let deliveries = 0;
  const delivery = () => ({ id: `m${++deliveries}`, attempt: 1 });
  return { clock, storage, assets, faces, tasks, detector, people, stage, libraryId, photo, delivery };
};

describe('the face stage', () => {
  it('stores the faces with crops and stage records, and a replay writes the same faces', async () => {
    const { stage, faces, tasks, storage, photo, delivery } = setup();
    const asset = await photo([1, 2]);
    expect(await stage.detect(asset.id, delivery())).toBe('detected');
    const first = await faces.facesOfAsset(asset.id);
    expect(first.map((f) => f.box.x).sort()).toEqual([10, 110]);
    for (const face of first) expect(storage.derived.get(faceCropKey(asset, face.id))?.toString()).toMatch(/^crop /);
    const detection = await tasks.get(asset.id, 'face_detection');
    expect(detection).toMatchObject({ status: 'success', result: '2 faces', version: 1 });
    expect(await tasks.get(asset.id, 'face_clustering')).toMatchObject({ status: 'success' });

    expect(await stage.detect(asset.id, delivery())).toBe('unchanged');
    expect(await stage.detect(asset.id, delivery(), true)).toBe('detected');
    const again = await faces.facesOfAsset(asset.id);
    expect(again.map((f) => f.id).sort()).toEqual(first.map((f) => f.id).sort());
  });

  it('groups faces of one identity into one person across photos, and keeps identities apart', async () => {
    const { stage, faces, photo, delivery, libraryId } = setup();
    const shots = [await photo([1, 2]), await photo([1], 0.15), await photo([2, 1], 0.05), await photo([3])];
    for (const shot of shots) await stage.detect(shot.id, delivery());
    const people = await faces.people(libraryId);
    expect(people.map((p) => p.faceCount).sort()).toEqual([2, 3]);
    const byPerson = await Promise.all(people.map((p) => faces.facesOfPerson(p.id)));
    for (const members of byPerson) {
      const identities = new Set(members.map((f) => f.descriptor?.findIndex((v) => v > 0.9)));
      expect(identities.size).toBe(1);
    }
    const one = people.find((p) => p.faceCount === 3);
    expect(one?.assetCount).toBe(3);
    expect(one?.pairwise?.p90).toBeLessThan(0.05);
    // A lone face of identity 3 waits unplaced for a second one.
    expect((await faces.unassigned(libraryId)).length).toBe(1);
    await stage.detect((await photo([3], 0.12)).id, delivery());
    expect((await faces.people(libraryId)).length).toBe(3);
  });

  it('a person given by hand while the stage looks again stays; so does one another run gave', async () => {
    const { stage, faces, detector, photo, delivery, libraryId, clock } = setup();
    const asset = await photo([9]);
    await stage.detect(asset.id, delivery());
    const [face] = await faces.facesOfAsset(asset.id);
    if (!face) throw new Error('expected a face');
    const now = clock.now().toISOString();
    await faces.createPerson({
      id: 'person_hand',
      libraryId,
      owner: asset.owner,
      isHidden: false,
      isFavorite: false,
      faceCount: 0,
      assetCount: 0,
      createdAt: now,
      updatedAt: now,
    });
    detector.meanwhile = async () => {
      await faces.assign(face, 'person_hand', undefined, true);
    };
    expect(await stage.detect(asset.id, delivery(), true)).toBe('detected');
    expect(await faces.getFace(face.id)).toMatchObject({ personId: 'person_hand', pinned: true });
  });

  it('a detector failure is the stage’s, recorded in words; the asset stays ready', async () => {
    const { stage, tasks, assets, detector, photo, delivery } = setup();
    const asset = await photo([1]);
    detector.fail = 'the preview is not an image';
    expect(await stage.detect(asset.id, delivery())).toBe('failed');
    expect(await tasks.get(asset.id, 'face_detection')).toMatchObject({
      status: 'failure',
      error: 'faces could not be detected: the preview is not an image',
    });
    expect((await assets.get(asset.id))?.state).toBe('ready');
  });

  it('waits while another run holds the library, and finishes on the retry', async () => {
    const { stage, faces, tasks, photo, delivery, libraryId, clock } = setup();
    const asset = await photo([4, 5]);
    expect(await faces.lease(libraryId, 'someone', clock.now().getTime() + 60_000, clock.now().getTime())).toBe(true);
    await expect(stage.detect(asset.id, delivery())).rejects.toBeInstanceOf(ClusteringBusy);
    expect(await tasks.get(asset.id, 'face_clustering')).toMatchObject({ status: 'started' });
    await faces.release(libraryId, 'someone');
    expect(await stage.detect(asset.id, { id: 'm-retry', attempt: 2 })).toBe('unchanged');
    expect(await tasks.get(asset.id, 'face_clustering')).toMatchObject({ status: 'success', retryCount: 1 });
  });

  it('a deleted asset takes its faces and crops, and a person left with none goes', async () => {
    const { stage, faces, tasks, people, storage, assets, photo, delivery, libraryId } = setup();
    const a = await photo([6]);
    const b = await photo([6]);
    await stage.detect(a.id, delivery());
    await stage.detect(b.id, delivery());
    expect((await faces.people(libraryId)).length).toBe(1);
    const [face] = await faces.facesOfAsset(a.id);
    await assets.remove((await assets.get(a.id)) as Asset);
    expect(await stage.detect(a.id, delivery())).toBe('gone');
    expect(await faces.facesOfAsset(a.id)).toEqual([]);
    expect(storage.derived.has(faceCropKey(a, face?.id ?? ''))).toBe(false);
    expect((await faces.people(libraryId))[0]).toMatchObject({ faceCount: 1, assetCount: 1 });
    await assets.remove((await assets.get(b.id)) as Asset);
    await new AssetFaces({ faces, tasks, storage, people }).forget(b);
    expect(await faces.people(libraryId)).toEqual([]);
  });

  it('re-clustering keeps a named person and faces placed by hand', async () => {
    const { stage, faces, people, photo, delivery, libraryId } = setup();
    for (const jitter of [0.05, 0.1, 0.15]) await stage.detect((await photo([7], jitter)).id, delivery());
    for (const jitter of [0.05, 0.1]) await stage.detect((await photo([8], jitter)).id, delivery());
    const [seven] = (await faces.people(libraryId)).filter((p) => p.faceCount === 3);
    const [eight] = (await faces.people(libraryId)).filter((p) => p.faceCount === 2);
    if (!seven || !eight) throw new Error('expected two people');
    await faces.updatePerson(seven.id, { name: 'Ada' });
    // One of 8's faces is given to Ada by hand (the user knows better).
    const [moved] = await faces.facesOfPerson(eight.id);
    if (!moved) throw new Error('expected a face');
    expect(await faces.assign(moved, seven.id, eight.id, true)).toBe(true);
    await people.refresh([seven.id, eight.id]);

    expect(await people.recluster(libraryId, seven.owner)).toBe('done');
    const after = await faces.people(libraryId);
    const ada = after.find((p) => p.id === seven.id);
    // Ada keeps her three faces and the one given by hand; 8's other face, its look-alike, follows
    // it to her; 8's old person, emptied, goes.
    expect(ada).toMatchObject({ name: 'Ada', faceCount: 5 });
    expect((await faces.getFace(moved.id))?.personId).toBe(seven.id);
    expect(after.some((p) => p.id === eight.id)).toBe(false);
    expect((await faces.unassigned(libraryId)).length).toBe(0);
  });
});
