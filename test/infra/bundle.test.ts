import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, open, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { DynamoFaces, DynamoTasks } from '#shared/table/dynamo-faces.ts';
import { DynamoFeed } from '#shared/table/dynamo-feed.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey, SAMPLES_DIR } from '#test/helpers/uploads.ts';

const run = promisify(execFile);
const stack = useLocalStack();
let out = '';
let assets: Record<string, string> = {};
let environment: Record<string, Record<string, string>> = {};

/** ELF e_machine: 0xB7 is AArch64. */
const elfMachine = async (path: string) => {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(20);
    await file.read(header, 0, 20, 0);
    return header.subarray(0, 4).toString('latin1') === '\x7fELF' ? header.readUInt16LE(18) : undefined;
  } finally {
    await file.close();
  }
};
const AARCH64 = 0xb7;

// The real `npm run synth`: esbuild bundles and npm installs for linux/arm64, no Docker, no AWS account.
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cdk-out-'));
  await run('npx', ['cdk', 'synth', '--quiet', '-o', out], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  const template = JSON.parse(await readFile(join(out, 'Darkroom.template.json'), 'utf8')) as {
    Resources: Record<
      string,
      { Metadata?: Record<string, string>; Properties?: { Environment?: { Variables?: Record<string, string> } } }
    >;
  };
  environment = Object.fromEntries(
    Object.entries(template.Resources).map(([id, r]) => [
      id.replace(/[0-9A-F]{8}$/, ''),
      r.Properties?.Environment?.Variables ?? {},
    ]),
  );
  assets = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Metadata?.['aws:asset:path'])
      .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), join(out, r.Metadata?.['aws:asset:path'] ?? '')]),
  );
}, 600_000);

/** An import of a media package (the word alone appears in field names such as `sharpness`). */
const MEDIA_MODULES = /["'](sharp|heic-decode|libheif-js|@ffmpeg-installer\/ffmpeg|@ffprobe-installer\/ffprobe)["'/]/;

describe('the synthesized bundles', () => {
  it('package sharp for Lambda’s arm64 beside the processor and the API', async () => {
    const { version } = JSON.parse(await readFile('node_modules/sharp/package.json', 'utf8')) as { version: string };
    for (const fn of ['ProcessorFunction', 'ApiHandler']) {
      const dir = assets[fn] ?? '';
      const binary = join(dir, `node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64-${version}.node`);
      expect(await elfMachine(binary), fn).toBe(AARCH64);
      const libvips = join(dir, 'node_modules/@img/sharp-libvips-linux-arm64/lib');
      const [library] = (await readdir(libvips)).filter((f) => f.startsWith('libvips-cpp.so'));
      expect(await elfMachine(join(libvips, library ?? 'missing')), fn).toBe(AARCH64);
      expect((await stat(join(dir, 'node_modules/heic-decode/package.json'))).isFile()).toBe(true);
    }
  });

  it('load sharp from the bundle for linux-arm64 (the dlopen itself needs an arm64 machine)', async () => {
    const dir = assets.ProcessorFunction ?? '';
    const probe = `Object.defineProperty(process, 'arch', { value: 'arm64' });
      import(${JSON.stringify(join(dir, 'node_modules/sharp/dist/index.mjs'))}).then(() => console.log('loaded'), (e) => console.log(e.message));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe]);
    // On x64 the loader picks the bundle's arm64 binary and only the kernel refuses to map it.
    expect(stdout).toMatch(/using the linux-arm64 runtime/);
    expect(stdout).toContain(join(dir, 'node_modules/@img/sharp-linux-arm64/lib/'));
  });

  it('ship ffmpeg and ffprobe for arm64 in a layer, executable by anyone', async () => {
    const layer = assets.FfmpegLayer ?? '';
    for (const name of ['ffmpeg', 'ffprobe']) {
      const path = join(layer, 'bin', name);
      expect(await elfMachine(path)).toBe(AARCH64);
      expect((await stat(path)).mode & 0o777).toBe(0o755);
    }
  });

  it('carry the place index and the geocoder beside the processor and the API, where their environment says', async () => {
    for (const fn of ['ProcessorFunction', 'ApiHandler']) {
      const dir = assets[fn] ?? '';
      // The bundled geocoder, run as Lambda would run it, on the bundled index.
      const probe = `const { openGeocoder } = await import(${JSON.stringify(join(dir, 'geocoder.mjs'))});
        const { readFileSync } = await import('node:fs');
        const place = await openGeocoder(readFileSync(${JSON.stringify(join(dir, 'places.bin'))})).placeAt(48.8566, 2.3522);
        console.log(JSON.stringify(place));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe]);
      expect(JSON.parse(stdout), fn).toEqual({
        city: 'Paris',
        state: 'Île-de-France',
        country: 'France',
        countryCode: 'FR',
        timezone: 'Europe/Paris',
      });
      expect(environment[fn], fn).toMatchObject({
        DARKROOM_PLACE_INDEX: '/var/task/places.bin',
        DARKROOM_GEOCODER_MODULE: 'file:///var/task/geocoder.mjs',
      });
      // The polygons stay out of what every cold start parses.
      expect(await readFile(join(dir, 'index.mjs'), 'utf8'), fn).not.toContain('Trinidad and Tobago');
      expect(await readFile(join(dir, 'geocoder.mjs'), 'utf8'), fn).toContain('Trinidad and Tobago');
    }
    await expect(stat(join(assets.ApiAuthorizer ?? '', 'places.bin'))).rejects.toThrow();
  });

  it('carry face-api’s three networks and tfjs’s wasm beside the face stage, where its environment says', async () => {
    const dir = assets.FacesFunction ?? '';
    const models = await readdir(join(dir, 'face-models'));
    expect(models.sort()).toEqual(
      ['ssd_mobilenetv1_model', 'face_landmark_68_model', 'face_recognition_model']
        .flatMap((n) => [`${n}.bin`, `${n}-weights_manifest.json`])
        .sort(),
    );
    expect((await readdir(join(dir, 'tfjs-wasm'))).filter((f) => f.endsWith('.wasm')).length).toBeGreaterThanOrEqual(3);
    expect(environment.FacesFunction).toMatchObject({
      DARKROOM_FACE_MODEL_DIR: '/var/task/face-models',
      DARKROOM_FACE_WASM_DIR: '/var/task/tfjs-wasm',
    });
    // The bundle as Lambda runs it, against the local stack: the models load from its folders and
    // the portrait's one face is found, stored and placed.
    const key = await newKey();
    const portrait = await readFile(join(SAMPLES_DIR, 'faces/portrait.jpg'));
    const { body: asset } = await directUpload(stack().apiUrl, key, portrait, 'portrait.jpg');
    expect(asset.state).toBe('ready');
    // The bundle beside its models and wasm, but with this machine's sharp: the bundle's is arm64's.
    const task = await mkdtemp(join(tmpdir(), 'faces-task-'));
    // A copy, not a link: Node resolves an ES module's imports from its real path.
    await copyFile(join(dir, 'index.mjs'), join(task, 'index.mjs'));
    for (const name of ['face-models', 'tfjs-wasm']) await symlink(join(dir, name), join(task, name));
    await symlink(join(process.cwd(), 'node_modules'), join(task, 'node_modules'));
    const probe = `const { handler } = await import(${JSON.stringify(join(task, 'index.mjs'))});
      const body = JSON.stringify({ kind: 'detect', assetId: ${JSON.stringify(asset.id)} });
      const result = await handler({ Records: [{ messageId: 'm1', body, attributes: { ApproximateReceiveCount: '1' }, eventSource: 'aws:sqs' }] }, { getRemainingTimeInMillis: () => 60000, functionName: 'faces', awsRequestId: 'r1' });
      console.log(JSON.stringify(result));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
      env: {
        ...process.env,
        ...stack().env,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        DARKROOM_FACE_MODEL_DIR: join(task, 'face-models'),
        DARKROOM_FACE_WASM_DIR: join(task, 'tfjs-wasm'),
      },
      timeout: 120_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({ batchItemFailures: [] });
    const { dynamo } = createClients(stack().config);
    const tasks = new DynamoTasks(dynamo, stack().config.TABLE_NAME);
    expect(await tasks.get(asset.id, 'face_detection')).toMatchObject({ status: 'success', result: '1 face' });
    expect(await new DynamoFaces(dynamo, stack().config.TABLE_NAME).facesOfAsset(asset.id)).toHaveLength(1);
  }, 180_000);

  it('keep the sweeper free of media code: it only finds work and queues it', async () => {
    const dir = assets.SweeperFunction ?? '';
    const bundle = await readFile(join(dir, 'index.mjs'), 'utf8');
    expect(bundle).not.toMatch(MEDIA_MODULES);
    // The pattern does find the media packages where they are imported.
    expect(await readFile(join(assets.ProcessorFunction ?? '', 'index.mjs'), 'utf8')).toMatch(MEDIA_MODULES);
    expect(bundle).toContain('SendMessageBatch');
    await expect(stat(join(dir, 'node_modules'))).rejects.toThrow();
  });

  it('run the feed writer as Lambda does, free of media code: a stream record becomes its entry', async () => {
    const dir = assets.FeedFunction ?? '';
    const bundle = await readFile(join(dir, 'index.mjs'), 'utf8');
    expect(bundle).not.toMatch(MEDIA_MODULES);
    await expect(stat(join(dir, 'node_modules'))).rejects.toThrow();
    const image = { pk: { S: 'PERSON#bundle' }, sk: { S: 'PERSON' }, id: { S: 'bundle' }, owner: { S: 'user_bundle' } };
    const event = {
      Records: [
        {
          eventName: 'INSERT',
          dynamodb: { Keys: { pk: image.pk, sk: image.sk }, NewImage: image, SequenceNumber: '7' },
        },
      ],
    };
    const probe = `const { handler } = await import(${JSON.stringify(join(dir, 'index.mjs'))});
      const result = await handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 60000, functionName: 'feed', awsRequestId: 'r1' });
      console.log(JSON.stringify(result));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
      env: { ...process.env, ...stack().env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({ batchItemFailures: [] });
    const { dynamo } = createClients(stack().config);
    const page = await new DynamoFeed(dynamo, stack().config.TABLE_NAME).page('user_bundle', { limit: 10 });
    expect(page.entries).toMatchObject([{ entityType: 'person', entityId: 'bundle', eventType: 'person_created' }]);
  });

  it('keep the authorizer free of media code', async () => {
    const bundle = await readFile(join(assets.ApiAuthorizer ?? '', 'index.mjs'), 'utf8');
    expect(bundle).not.toMatch(MEDIA_MODULES);
    expect((await stat(join(assets.ApiAuthorizer ?? '', 'index.mjs'))).size).toBeLessThan(1_500_000);
  });
});
