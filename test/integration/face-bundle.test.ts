import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { packagedFaceModelPaths } from '#shared/faces/face-models.ts';

// A handler bundle with face-api and tfjs inside, the weights and the .wasm copied beside it, run
// from a folder with no node_modules: what a Lambda sees under /var/task. tfjs-backend-wasm's
// emscripten glue reads `__dirname`, which an ESM bundle lacks: the banner must define it.

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const NETS = ['ssd_mobilenetv1_model', 'face_landmark_68_model', 'face_recognition_model'];

describe('the face models in a bundle', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('load from the folders named beside the handler, with no node_modules', async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-faces-bundle-'));
    const entry = join(dir, 'entry.ts');
    await writeFile(
      entry,
      `import { loadFaceApi } from ${JSON.stringify(join(root, 'shared/faces/face-models.ts'))};
const here = new URL('.', import.meta.url).pathname;
const faceapi = await loadFaceApi({ modelDir: here + 'face-models', wasmDir: here + 'tfjs-wasm' });
process.stdout.write(JSON.stringify({ backend: faceapi.tf.getBackend(), loaded: faceapi.nets.faceRecognitionNet.isLoaded }));`,
    );
    const out = join(dir, 'task');
    await build({
      entryPoints: [entry],
      outfile: join(out, 'handler.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      mainFields: ['module', 'main'],
      external: ['sharp', 'heic-decode'],
      banner: {
        js: [
          "import { createRequire as __cr } from 'node:module';",
          "import { fileURLToPath as __fu } from 'node:url';",
          'const require = __cr(import.meta.url);',
          'const __filename = __fu(import.meta.url);',
          "const __dirname = __fu(new URL('.', import.meta.url));",
        ].join(' '),
      },
      logLevel: 'error',
    });
    const packaged = packagedFaceModelPaths();
    await mkdir(join(out, 'face-models'));
    for (const file of await readdir(packaged.modelDir)) {
      if (NETS.some((net) => file.startsWith(net)))
        await cp(join(packaged.modelDir, file), join(out, 'face-models', file));
    }
    await cp(packaged.wasmDir, join(out, 'tfjs-wasm'), { recursive: true, filter: (f) => !f.endsWith('.js') });
    const { stdout } = await run(process.execPath, [join(out, 'handler.mjs')], { cwd: out });
    expect(JSON.parse(stdout)).toEqual({ backend: 'wasm', loaded: true });
  });
});
