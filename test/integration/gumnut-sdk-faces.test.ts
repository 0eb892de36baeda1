import { expect, it } from 'vitest';
import { assetListResponse, errorResponse } from '#functions/api/routes/asset-outputs.ts';
import {
  faceListResponse,
  faceResponse,
  personListResponse,
  personResponse,
  taskResponse,
} from '#functions/api/routes/face-outputs.ts';
import { composeAssets } from '#functions/compose-assets.ts';
import type { Face } from '#shared/domain/faces.ts';
import { stableId } from '#shared/domain/ids.ts';
import { api } from '#test/helpers/api.ts';
import { descriptorOf, pairClustering } from '#test/helpers/faces.ts';
import { describeWithSdk, RAW, runSdk } from '#test/helpers/gumnut-sdk.ts';
import { jpeg } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey } from '#test/helpers/uploads.ts';

// The SDK's faces, people and tasks resources against the local stack, strict response
// validation on; each answer is also held to Darkroom's own schemas. Faces are seeded straight
// into the table (the face stage is not part of this stack) and clustered as the stage would.

const stack = useLocalStack();

/** A user with two photos: one person on both, clustered; answers the SDK target and the ids. */
const userWithPeople = async () => {
  const key = await newKey();
  const client = api(stack().apiUrl, key);
  const [library] = (await client.get('/api/libraries')).body;
  const assets: string[] = [];
  for (const color of ['#102030', '#302010']) {
    assets.push(
      (await directUpload(stack().apiUrl, key, await jpeg({ width: 320, height: 240, color }), 'p.jpg')).body.id,
    );
  }
  const services = composeAssets(stack().config);
  const now = new Date().toISOString();
  const seeded: Face[] = [];
  for (const [rank, assetId] of assets.entries()) {
    const face: Face = {
      id: stableId('face', key, rank),
      assetId,
      libraryId: library.id,
      owner: library.user_id,
      box: { x: 20, y: 20, w: 60, h: 60 },
      source: 'automatic',
      confidence: 0.8,
      descriptor: descriptorOf(3),
      createdAt: now,
      updatedAt: now,
    };
    await services.faces.putFace(face);
    seeded.push(face);
  }
  await pairClustering(stack().config).cluster(library.id, library.user_id, seeded);
  return { target: { baseUrl: stack().apiUrl, apiKey: key }, assets };
};

describeWithSdk('faces, people and tasks through the Gumnut SDK', () => {
  it('faces.list / retrieve / create / update / delete answer the SDK’s FaceResponse', async () => {
    const { target, assets } = await userWithPeople();
    const answer = await runSdk(
      target,
      `${RAW}
faces = client.faces.with_raw_response
listed = raw(lambda: faces.list(asset_id=ARGS["assets"][0], include=["cluster_assignment"]))
face_id = listed["json"]["data"][0]["id"]
person_id = listed["json"]["data"][0]["person_id"]
created = raw(lambda: faces.create(asset_id=ARGS["assets"][1], bounding_box={"x": 100, "y": 40, "w": 80, "h": 90}, person_id=person_id))
emit({
    "listed": listed,
    "paged": [f.id for f in client.faces.list(limit=1)],
    "retrieved": raw(lambda: faces.retrieve(face_id, include=["cluster_assignment"])),
    "created": created,
    "detached": raw(lambda: faces.update(face_id, person_id=None)),
    "assigned": raw(lambda: faces.update(face_id, person_id=person_id)),
    "deleted": raw(lambda: faces.delete(created["json"]["id"])),
    "too_big": api_error(lambda: client.faces.create(asset_id=ARGS["assets"][0], bounding_box={"x": 300, "y": 0, "w": 40, "h": 40})),
    "gone": api_error(lambda: client.faces.retrieve(created["json"]["id"])),
})`,
      { assets },
    );
    const listed = faceListResponse.parse(answer.listed.json);
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]?.cluster_assignment).toEqual({ distance_to_person: expect.any(Number), candidates: [] });
    // The SDK's auto-pagination follows has_more with starting_after_id: all three faces, once each.
    expect(answer.paged).toHaveLength(3);
    expect(new Set(answer.paged).size).toBe(3);
    expect(faceResponse.parse(answer.retrieved.json).id).toBe(listed.data[0]?.id);
    expect(answer.created.status).toBe(201);
    expect(faceResponse.parse(answer.created.json)).toMatchObject({ source: 'manual', confidence: null });
    expect(faceResponse.parse(answer.detached.json).person_id).toBeNull();
    expect(faceResponse.parse(answer.assigned.json).person_id).toBe(listed.data[0]?.person_id);
    expect(answer.deleted).toEqual({ status: 200, json: {} });
    expect(answer.too_big).toMatchObject({ status: 422, error: 'UnprocessableEntityError' });
    expect(errorResponse.parse(answer.too_big.body).detail).toMatch(/^bounding_box: must fit inside/);
    expect(answer.gone).toMatchObject({ status: 404, error: 'NotFoundError' });
  });

  it('people.list / create / retrieve / update / merge / delete answer the SDK’s PersonResponse', async () => {
    const { target, assets } = await userWithPeople();
    const answer = await runSdk(
      target,
      `${RAW}
import datetime
people = client.people.with_raw_response
everyone = raw(lambda: people.list(name_filter="all", include=["cluster_metrics"]))
clustered = everyone["json"]["data"][0]["id"]
created = raw(lambda: people.create(name="Grace", birth_date=datetime.date(1906, 12, 9), is_favorite=True))
grace = created["json"]["id"]
emit({
    "everyone": everyone,
    "created": created,
    "named": raw(lambda: people.list(sort="name_asc")),
    "retrieved": raw(lambda: people.retrieve(grace, include=["cluster_metrics"])),
    "updated": raw(lambda: people.update(clustered, name="Ada", is_hidden=True)),
    "self_merge": api_error(lambda: client.people.merge(clustered, source_person_ids=[clustered])),
    "merged": raw(lambda: people.merge(grace, source_person_ids=[clustered])),
    "assets": raw(lambda: client.assets.with_raw_response.list(person_ids=[grace])),
    "deleted": raw(lambda: people.delete(grace)),
    "after": raw(lambda: client.faces.with_raw_response.list()),
    "bad_sort": api_error(lambda: client.people.list(sort="name_asc", name_filter="unnamed")),
})`,
    );
    const everyone = personListResponse.parse(answer.everyone.json);
    expect(everyone.data).toHaveLength(1);
    expect(everyone.data[0]).toMatchObject({ name: null, asset_count: 2, cluster_metrics: { face_count: 2 } });
    expect(answer.created.status).toBe(201);
    expect(personResponse.parse(answer.created.json)).toMatchObject({
      name: 'Grace',
      birth_date: '1906-12-09',
      is_favorite: true,
      asset_count: 0,
    });
    expect(personListResponse.parse(answer.named.json).data.map((p) => p.name)).toEqual(['Grace']);
    expect(personResponse.parse(answer.retrieved.json).cluster_metrics).toBeNull();
    expect(personResponse.parse(answer.updated.json)).toMatchObject({ name: 'Ada', is_hidden: true });
    expect(personResponse.parse(answer.merged.json)).toMatchObject({ name: 'Grace', asset_count: 2 });
    expect(
      assetListResponse
        .parse(answer.assets.json)
        .data.map((a) => a.id)
        .sort(),
    ).toEqual([...assets].sort());
    expect(answer.deleted).toEqual({ status: 200, json: {} });
    expect(faceListResponse.parse(answer.after.json).data.map((f) => f.person_id)).toEqual([null, null]);
    expect(answer.bad_sort).toMatchObject({ status: 422 });
    expect(answer.self_merge).toMatchObject({ status: 422 });
  });

  it('tasks.list_for_asset answers the SDK’s TaskResponse list', async () => {
    const { target, assets } = await userWithPeople();
    const answer = await runSdk(
      target,
      `${RAW}
emit({
    "tasks": raw(lambda: client.tasks.with_raw_response.list_for_asset(ARGS["asset"])),
    "typed": [t.task_type for t in client.tasks.list_for_asset(ARGS["asset"])],
    "missing": api_error(lambda: client.tasks.list_for_asset("asset_2222222222222222222222")),
})`,
      { asset: assets[0] },
    );
    const tasks = taskResponse.array().parse(answer.tasks.json);
    // The face stage does not run in this suite's stack: its stages stay pending; the processor's are done.
    const stages = ['face_detection', 'face_clustering', 'thumbhash', 'image_quality'];
    expect(tasks.map((t) => t.task_type)).toEqual(stages);
    expect(tasks.map((t) => t.status)).toEqual(['pending', 'pending', 'success', 'success']);
    expect(answer.typed).toEqual(stages);
    expect(answer.missing).toMatchObject({ status: 404 });
  });
});
