import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// face-api's node-wasm build on tfjs's wasm backend: tfjs-node and onnxruntime-node are native
// builds that do not install here, and wasm needs nothing but the .wasm file beside the code.
// The weights and the .wasm are read from disk, never fetched: a Lambda bundle ships them and
// names their folders (e.g. /var/task/face-models, /var/task/tfjs-wasm).

export type FaceApi = typeof import('@vladmandic/face-api/dist/face-api.node-wasm.js');

export interface FaceModelPaths {
  /** Folder of face-api's `*-weights_manifest.json` and `.bin` files. */
  modelDir: string;
  /** Folder of tfjs-backend-wasm's `tfjs-backend-wasm*.wasm` files. */
  wasmDir: string;
}

/** Where the npm packages keep them: for tests, the bench and unbundled runs. */
export const packagedFaceModelPaths = (): FaceModelPaths => {
  const require = createRequire(import.meta.url);
  const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
  return {
    modelDir: join(packageDir('@vladmandic/face-api'), 'model'),
    wasmDir: join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist'),
  };
};

/** The weights and wasm could not be loaded: a deployment fault, not the photo's. */
export class FaceModelUnavailable extends Error {
  override readonly name = 'FaceModelUnavailable';
}

let loading: Promise<FaceApi> | undefined;

/**
 * Loads the backend and the three networks once per process (tfjs's backend is global, so the
 * first caller's paths win): a cold start pays ~0.4 s, later calls nothing. A failed load is
 * forgotten so that the next photo tries again.
 */
export const loadFaceApi = (paths: FaceModelPaths): Promise<FaceApi> => {
  loading ??= load(paths).catch((error: unknown) => {
    loading = undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FaceModelUnavailable(`face models could not be loaded from ${paths.modelDir}: ${reason}`, {
      cause: error,
    });
  });
  return loading;
};

const load = async ({ modelDir, wasmDir }: FaceModelPaths): Promise<FaceApi> => {
  const faceapi = await import('@vladmandic/face-api/dist/face-api.node-wasm.js');
  // The very tfjs instance face-api bundles re-exports the wasm backend's setup, which its
  // published types leave out; a second import of tfjs could be a second engine in a bundle.
  const tf: unknown = faceapi.tf;
  if (!isWasmRuntime(tf)) throw new Error('this face-api build does not carry the tfjs wasm backend');
  // The prefix is joined to the file name as a string, so it needs its trailing slash.
  tf.setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error(`the tfjs wasm backend did not start from ${wasmDir}`);
  await tf.ready();
  await Promise.all([
    faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir),
    faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir),
    faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir),
  ]);
  return faceapi;
};

interface WasmRuntime {
  setWasmPaths(prefix: string): void;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
}

const isWasmRuntime = (tf: unknown): tf is WasmRuntime =>
  typeof tf === 'object' &&
  tf !== null &&
  ['setWasmPaths', 'setBackend', 'ready'].every((name) => typeof Reflect.get(tf, name) === 'function');
