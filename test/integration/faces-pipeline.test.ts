import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import type { Face } from '#shared/domain/faces.ts';
import { binary } from '#shared/media/binaries.ts';
import { DynamoFaces, DynamoTasks } from '#shared/table/dynamo-faces.ts';
import { api } from '#test/helpers/api.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey, SAMPLES_DIR } from '#test/helpers/uploads.ts';

// The face stage on the local stack, as `npm start` runs it: the processor makes the asset ready,
// sends it to the face queue, and the stage's own consumer finds the faces with face-api, writes
// their crops and places them among the library's people.

const stack = useLocalStack({ faceStage: true });
const sample = (name: string) => readFile(join(SAMPLES_DIR, 'faces', name));

let uploads = 0;
const upload = async (key: string, bytes: Buffer, name: string) => {
  const { status, body } = await directUpload(
    stack().apiUrl,
    key,
    bytes,
    name,
    deviceMetadata({ device_asset_id: `face-${uploads++}` }),
  );
  expect(status, JSON.stringify(body)).toBe(201);
  expect(body.state).toBe('ready');
  return body as { id: string; library_id: string; width: number; height: number };
};

const repositories = () => {
  const { dynamo } = createClients(stack().config);
  return {
    faces: new DynamoFaces(dynamo, stack().config.TABLE_NAME),
    tasks: new DynamoTasks(dynamo, stack().config.TABLE_NAME),
  };
};

/** The asset's faces once both of its face tasks are done. */
const facesOnceClustered = async (assetId: string): Promise<Face[]> => {
  const { faces, tasks } = repositories();
  await eventually(async () => {
    const clustered = await tasks.get(assetId, 'face_clustering');
    return clustered?.status === 'success' ? true : undefined;
  }, 120_000);
  return faces.facesOfAsset(assetId);
};

describe('the face stage on the local stack', () => {
  it('finds the portrait’s face in display pixels, upright or stored rotated, and makes one person of three copies', async () => {
    const key = await newKey();
    const upright = await upload(key, await sample('portrait.jpg'), 'portrait.jpg');
    const rotated = await upload(key, await sample('portrait-orientation-6.jpg'), 'portrait-orientation-6.jpg');
    // A third photo of her: the portrait re-encoded at another quality and a little smaller.
    const copy = await sharp(await sample('portrait.jpg'))
      .resize(760)
      .jpeg({ quality: 70 })
      .toBuffer();
    const third = await upload(key, copy, 'portrait-copy.jpg');

    // Each photo's clustering ran as it came; the third's placed all three (a person needs three).
    for (const asset of [upright, rotated, third]) await facesOnceClustered(asset.id);
    const { faces: stored } = repositories();
    const [a, b, c] = (await Promise.all([upright, rotated, third].map((x) => stored.facesOfAsset(x.id)))).map(
      (found) => found[0],
    );
    if (!a || !b || !c) throw new Error('expected a face in each photo');
    // Checked by eye (as in face-detector.test.ts): her face lies around x 285–345, y 185–265.
    expect(a.box.x).toBeLessThan(285);
    expect(a.box.x + a.box.w).toBeGreaterThan(345);
    expect(a.box.y).toBeLessThan(185);
    expect(a.box.y + a.box.h).toBeGreaterThan(265);
    expect(Math.abs(a.box.x - b.box.x) + Math.abs(a.box.y - b.box.y)).toBeLessThan(12);
    expect(rotated.width).toBe(840);
    expect(a.personId).toBeDefined();
    expect(b.personId).toBe(a.personId);
    expect(c.personId).toBe(a.personId);

    const { faces, tasks } = repositories();
    const person = await faces.getPerson(a.personId ?? '');
    expect(person).toMatchObject({ faceCount: 3, assetCount: 3, libraryId: upright.library_id });
    expect(await tasks.get(upright.id, 'face_detection')).toMatchObject({ status: 'success', result: '1 face' });

    // A replay of the stage (forced, as `reprocess --all` sends it) writes the same face and keeps its person.
    const before = (await tasks.get(upright.id, 'face_detection'))?.deliveryId;
    const replay = stack().faceQueue.send(JSON.stringify({ kind: 'detect', assetId: upright.id, force: true }));
    expect(replay).not.toBe(before);
    await eventually(async () => {
      const task = await tasks.get(upright.id, 'face_detection');
      return task?.deliveryId === replay && task.status === 'success' ? true : undefined;
    });
    expect(await stored.facesOfAsset(upright.id)).toMatchObject([{ id: a.id, personId: a.personId }]);

    // Deleting photos takes their faces and crops; the person goes with its last face.
    const client = api(stack().apiUrl, key);
    expect((await client.delete(`/api/assets/${upright.id}`)).status).toBe(200);
    expect(await stored.facesOfAsset(upright.id)).toEqual([]);
    expect(await tasks.ofAsset(upright.id)).toEqual([]);
    expect(await stored.getPerson(a.personId ?? '')).toMatchObject({ faceCount: 2, assetCount: 2 });
    expect((await client.get(`/api/people/${a.personId}`)).body.asset_count).toBe(2);
    for (const asset of [rotated, third]) await client.delete(`/api/assets/${asset.id}`);
    expect(await stored.getPerson(a.personId ?? '')).toBeUndefined();
    expect((await client.get(`/api/people/${a.personId}`)).status).toBe(404);
  });

  it('finds a video’s faces in its poster frame, at the frame’s time', async () => {
    // Three seconds of the portrait as an H.264 video: the poster is the frame a second in.
    const dir = await mkdtemp(join(tmpdir(), 'face-video-'));
    const video = join(dir, 'portrait.mp4');
    await promisify(execFile)(await binary('ffmpeg'), [
      ...['-v', 'error', '-loop', '1', '-i', join(SAMPLES_DIR, 'faces', 'portrait.jpg')],
      ...['-t', '3', '-r', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video],
    ]);
    const key = await newKey();
    const clip = await upload(key, await readFile(video), 'portrait.mp4');
    const [face] = await facesOnceClustered(clip.id);
    expect(face).toMatchObject({ timestampMs: 1000, source: 'automatic' });
    expect(face?.box.x).toBeLessThan(285);
    expect((face?.box.x ?? 0) + (face?.box.w ?? 0)).toBeGreaterThan(345);
  });

  it('finds no face on the bird, and records that it looked', async () => {
    const key = await newKey();
    const bird = await upload(key, await sample('no-face-prairie-falcon.jpg'), 'falcon.jpg');
    expect(await facesOnceClustered(bird.id)).toEqual([]);
    expect(await repositories().tasks.get(bird.id, 'face_detection')).toMatchObject({
      status: 'success',
      result: '0 faces',
    });
  });
});
