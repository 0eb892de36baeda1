import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { PIPELINE_VERSION } from '#shared/domain/asset.ts';
import { derivedKeys } from '#shared/object-keys.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { assetItem } from '#shared/table/keys.ts';
import { s3ObjectCreated } from '#test/helpers/events.ts';
import { jpeg, uniquePng } from '#test/helpers/images.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey } from '#test/helpers/uploads.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-reprocess-'));
const stack = useLocalStack({ dataDir });
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const cli = async (script: string, ...args: string[]) =>
  (
    await promisify(execFile)(tsx, [`infra/cli/${script}.ts`, ...args], {
      env: { ...process.env, DARKROOM_DATA_DIR: dataDir },
    })
  ).stdout;

const drained = () =>
  eventually(() => {
    const { visible, inFlight } = stack().queue.counts();
    return visible + inFlight === 0 ? true : undefined;
  });

const services = () => {
  const config = stack().config;
  const clients = createClients(config);
  return { config, ...clients, assets: new DynamoAssets(clients.dynamo, config.TABLE_NAME) };
};
const thumbnailExists = async (id: string) => {
  const { s3, config, assets } = services();
  const asset = await assets.get(id);
  return s3
    .send(
      new HeadObjectCommand({ Bucket: config.DERIVED_BUCKET, Key: derivedKeys(asset ?? { owner: '', id }).thumbnail }),
    )
    .then(
      () => true,
      () => false,
    );
};

describe('npm run reprocess and npm run redrive', () => {
  it('regenerate exactly the assets of an older pipeline, once', async () => {
    const key = await newKey();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await directUpload(stack().apiUrl, key, await uniquePng(7000 + i), `${i}.png`)).body.id);
    await drained();
    const { dynamo, s3, config, assets } = services();
    const [old1, old2, current] = ids as [string, string, string];
    // An older pipeline made these two; their derived files are gone as well.
    for (const id of [old1, old2]) {
      await dynamo.send(
        new UpdateCommand({
          TableName: config.TABLE_NAME,
          Key: assetItem(id),
          UpdateExpression: 'SET pipelineVersion = :old',
          ExpressionAttributeValues: { ':old': 0 },
        }),
      );
      const asset = await assets.get(id);
      await s3.send(
        new DeleteObjectCommand({
          Bucket: config.DERIVED_BUCKET,
          Key: derivedKeys(asset ?? { owner: '', id }).thumbnail,
        }),
      );
    }
    const untouched = await assets.get(current);

    expect(await cli('reprocess', '--all', '--dry-run')).toMatch(/3 of \d+ assets to reprocess \(all\)/);
    expect(stack().queue.counts()).toEqual({ visible: 0, inFlight: 0 });

    expect(await cli('reprocess', '--outdated')).toMatch(/2 of \d+ assets to reprocess[\s\S]*enqueued 2, failed 0/);
    await drained();
    for (const id of [old1, old2]) {
      expect((await assets.get(id))?.pipelineVersion).toBe(PIPELINE_VERSION);
      expect(await thumbnailExists(id)).toBe(true);
    }
    expect(await assets.get(current)).toEqual(untouched);

    const before = await Promise.all(ids.map((id) => assets.get(id)));
    expect(await cli('reprocess', '--outdated')).toMatch(/0 of \d+ assets to reprocess/);
    await drained();
    expect(await Promise.all(ids.map((id) => assets.get(id)))).toEqual(before);
  });

  it('--all reprocesses assets that are up to date', async () => {
    const key = await newKey();
    const { body } = await directUpload(stack().apiUrl, key, await uniquePng(7100), 'a.png');
    await drained();
    const { assets } = services();
    const before = await assets.get(body.id);
    expect(await cli('reprocess', '--all', '--library', body.library_id)).toMatch(/1 of 1 assets to reprocess \(all\)/);
    await drained();
    const after = await assets.get(body.id);
    expect(after?.updatedAt).not.toBe(before?.updatedAt);
    expect({ ...after, updatedAt: '' }).toEqual({ ...before, updatedAt: '' });
  });

  it('--outdated --wait names the places of photos processed before places existed, and says how many it did', async () => {
    const key = await newKey();
    const photo = await jpeg({
      exif: {
        IFD2: { DateTimeOriginal: '2024:05:01 09:00:00' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '27/1 43/1 182/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '85/1 19/1 2640/100',
        },
      },
    });
    const { body } = await directUpload(stack().apiUrl, key, photo, 'kathmandu.jpg');
    await drained();
    const { dynamo, config, assets } = services();
    // As pipeline version 2 left it: no place, no zone, the capture time without an offset.
    await dynamo.send(
      new UpdateCommand({
        TableName: config.TABLE_NAME,
        Key: assetItem(body.id),
        UpdateExpression:
          'SET pipelineVersion = :v2, exif.city = :null, exif.#state = :null, exif.country = :null, exif.original_datetime = :naive REMOVE countryCode, #tz',
        ExpressionAttributeNames: { '#state': 'state', '#tz': 'timezone' },
        ExpressionAttributeValues: { ':v2': 2, ':null': null, ':naive': '2024-05-01T09:00:00Z' },
      }),
    );

    const out = await cli('reprocess', '--outdated', '--wait');
    expect(out).toMatch(/1 of \d+ assets to reprocess \(outdated\)/);
    expect(out).toMatch(/reprocessed 1: 1 ready, 0 failed, 0 deleted meanwhile/);
    const after = await assets.get(body.id);
    expect(after).toMatchObject({ pipelineVersion: PIPELINE_VERSION, countryCode: 'NP', timezone: 'Asia/Kathmandu' });
    expect(after?.exif).toMatchObject({
      city: 'Kathmandu',
      state: 'Bagmati Province',
      country: 'Nepal',
      original_datetime: '2024-05-01T09:00:00+05:45',
    });
  });

  it('redrive moves dead letters back to be processed', async () => {
    stack().deadLetterQueue.send(JSON.stringify(s3ObjectCreated({ bucket: 'x', key: 'elsewhere/x' })));
    expect(await cli('redrive')).toMatch(/moved 1 of 1 messages/);
    await drained();
    expect(stack().deadLetterQueue.peek()).toEqual([]);
    expect(await cli('redrive')).toMatch(/dead-letter queue is empty/);
  });
});
