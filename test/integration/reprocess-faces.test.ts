import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import type { FaceDetector } from '#shared/domain/face-ports.ts';
import { DynamoFaces, DynamoTasks } from '#shared/table/dynamo-faces.ts';
import { api } from '#test/helpers/api.ts';
import { jpeg } from '#test/helpers/images.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// `npm run reprocess -- --faces | --recluster` and `npm run redrive -- --faces` against a running
// local stack. The detector is a stand-in that finds one face in every photo: what is tested is
// which assets the CLI sends and that the stage takes them, not face-api.

const oneFace: FaceDetector = {
  detect: async () => {
    const descriptor = new Float32Array(128);
    descriptor[0] = 1;
    return [{ box: { x: 10, y: 10, w: 40, h: 40 }, confidence: 0.9, descriptor }];
  },
  crop: async () => Buffer.from('crop'),
};

const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-reprocess-faces-'));
const stack = useLocalStack({ dataDir, faceStage: true, faceDetector: oneFace });
const cli = async (script: string, ...args: string[]) =>
  (
    await promisify(execFile)(join(process.cwd(), 'node_modules/.bin/tsx'), [`infra/cli/${script}.ts`, ...args], {
      env: { ...process.env, DARKROOM_DATA_DIR: dataDir },
    })
  ).stdout;
const tasks = () => new DynamoTasks(createClients(stack().config).dynamo, stack().config.TABLE_NAME);
const detected = (id: string) =>
  eventually(async () => {
    const task = await tasks().get(id, 'face_detection');
    return task?.status === 'success' ? task : undefined;
  });

describe('npm run reprocess -- --faces', () => {
  it('sends the assets an older face stage looked at, only them, and waits for them', async () => {
    const key = await newKey();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const photo = await jpeg({ width: 64, height: 48, color: i ? '#335577' : '#775533' });
      const { body } = await directUpload(
        stack().apiUrl,
        key,
        photo,
        `${i}.jpg`,
        deviceMetadata({ device_asset_id: `r${i}` }),
      );
      ids.push(body.id);
    }
    const [old, current] = await Promise.all(ids.map(detected));
    if (!old || !current) throw new Error('expected both detected');
    // As if an older stage had looked at the first.
    await tasks().put({ ...old, version: 0 });

    const out = await cli('reprocess', '--faces', '--wait');
    expect(out).toMatch(/: 1 of \d+ assets for the face stage \(outdated\)/);
    expect(out).toContain('looked for faces in 1: 1 done, 0 failed');
    expect((await tasks().get(old.assetId, 'face_detection'))?.deliveryId).not.toBe(old.deliveryId);
    expect((await tasks().get(current.assetId, 'face_detection'))?.deliveryId).toBe(current.deliveryId);

    expect(await cli('reprocess', '--faces', '--dry-run')).toMatch(/: 0 of \d+ assets for the face stage/);
    const all = await cli('reprocess', '--faces', '--all', '--dry-run');
    expect(Number(/: (\d+) of/.exec(all)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('a photo that meets another clustering run of its library comes back in seconds, not after the visibility timeout', async () => {
    const key = await newKey();
    const { body: library } = await api(stack().apiUrl, key).post('/api/libraries', { name: 'busy' });
    const faces = new DynamoFaces(createClients(stack().config).dynamo, stack().config.TABLE_NAME);
    const now = Date.now();
    expect(await faces.lease(library.id, 'someone else', now + 60_000, now)).toBe(true);
    const photo = await jpeg({ width: 64, height: 48, color: '#557733' });
    const { body } = await directUpload(
      stack().apiUrl,
      key,
      photo,
      'busy.jpg',
      deviceMetadata({ device_asset_id: 'busy', library_id: library.id }),
    );
    await eventually(async () =>
      (await tasks().get(body.id, 'face_clustering'))?.status === 'started' ? true : undefined,
    );
    await faces.release(library.id, 'someone else');
    const released = Date.now();
    await eventually(async () =>
      (await tasks().get(body.id, 'face_clustering'))?.status === 'success' ? true : undefined,
    );
    // The queue hides a message for 12 minutes here; the retry came after the stage's 5 seconds.
    expect(Date.now() - released).toBeLessThan(30_000);
    expect((await tasks().get(body.id, 'face_clustering'))?.retryCount).toBeGreaterThanOrEqual(1);
  });

  it('--recluster sends each library once; redrive --faces empties the face dead-letter queue', async () => {
    expect(await cli('reprocess', '--recluster')).toMatch(/: \d+ libraries to cluster again .*recluster/);
    expect(await cli('redrive', '--faces')).toContain('the dead-letter queue is empty');
    stack().faceDeadLetterQueue.send(JSON.stringify({ kind: 'cluster', libraryId: 'lib_x', owner: 'user_x' }));
    expect(await cli('redrive', '--faces')).toContain('moved 1 of 1 messages back to the face queue');
  });
});
