import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { s3ObjectCreated } from '#test/helpers/events.ts';
import { jpeg } from '#test/helpers/images.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

const snapshot = async (id: string) => {
  const config = stack().config;
  const { s3, dynamo } = createClients(config);
  const asset = await new DynamoAssets(dynamo, config.TABLE_NAME).get(id);
  if (!asset) throw new Error('asset gone');
  const read = async (key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: config.DERIVED_BUCKET, Key: key }));
    return Buffer.from((await object.Body?.transformToByteArray()) ?? []).toString('base64');
  };
  const keys = derivedKeys(asset);
  return { asset, preview: await read(keys.preview), thumbnail: await read(keys.thumbnail) };
};

const objectCreated = (key: string, etag: string, sequencer: string, size: number) =>
  JSON.stringify(
    s3ObjectCreated(
      { bucket: LOCAL_NAMES.originalsBucket, key, size, etag, sequencer, replayName: 'test-replay' },
      { reason: 'PostObject' },
    ),
  );

const drained = () =>
  eventually(() => {
    const { visible, inFlight } = stack().queue.counts();
    return visible + inFlight === 0 ? true : undefined;
  });

/** An asset uploaded and fully processed, the queue drained, and the state it was left in. */
const processed = async (bytes: Buffer) => {
  const key = await newKey();
  const { created } = await presignedUpload(stack().apiUrl, key, bytes, 'r.jpg', 'image/jpeg');
  await settled(stack().apiUrl, key, created.body.asset_id);
  await drained();
  const id = created.body.asset_id as string;
  const before = await snapshot(id);
  return { id, before, objectKey: originalKey(before.asset.owner, before.asset.id) };
};

describe('replayed and reordered events', () => {
  it('replaying the same event three times leaves record and derived files byte-identical', async () => {
    const bytes = await jpeg({ width: 640, height: 480, color: '#336699' });
    const { id, before, objectKey } = await processed(bytes);
    for (let i = 0; i < 3; i++) {
      stack().queue.send(objectCreated(objectKey, before.asset.etag ?? '', before.asset.sequencer ?? '', bytes.length));
    }
    await drained();
    expect(await snapshot(id)).toEqual(before);
  });

  it('an older event arriving after a newer one changes nothing', async () => {
    const bytes = await jpeg({ width: 320, height: 240, color: '#993366' });
    const { id, before, objectKey } = await processed(bytes);
    const older = '0'.repeat((before.asset.sequencer ?? '').length);
    expect(older < (before.asset.sequencer ?? '')).toBe(true);
    stack().queue.send(objectCreated(objectKey, 'feedface', older, bytes.length));
    await drained();
    expect(await snapshot(id)).toEqual(before);
  });

  it('an event for an object that was replaced is acknowledged without touching the asset', async () => {
    const bytes = await jpeg({ width: 100, height: 100, color: '#123456' });
    const { id, before, objectKey } = await processed(bytes);
    const newer = `${before.asset.sequencer}1`;
    stack().queue.send(objectCreated(objectKey, '0123456789abcdef0123456789abcdef', newer, bytes.length));
    await drained();
    expect(await snapshot(id)).toEqual(before);
    expect(stack().deadLetterQueue.peek()).toEqual([]);
  });
});
