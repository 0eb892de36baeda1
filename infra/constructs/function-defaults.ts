import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Architecture, type ILayerVersion, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * What an ESM bundle lacks and its CommonJS dependencies use: require() (most), and `__filename`
 * and `__dirname` (tfjs-backend-wasm's emscripten glue, to find its .wasm).
 */
export const BUNDLE_BANNER = [
  "import { createRequire as __cr } from 'node:module';",
  "import { fileURLToPath as __fu } from 'node:url';",
  'const require = __cr(import.meta.url);',
  'const __filename = __fu(import.meta.url);',
  "const __dirname = __fu(new URL('.', import.meta.url));",
].join(' ');

/** Lambda's architecture; sharp and ffmpeg are packaged for the same one. */
export const ARCHITECTURE = Architecture.ARM_64;
const NPM_PLATFORM = { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' };

/** Packages with native or wasm parts: installed beside the bundle for Lambda's platform, not bundled. */
export const MEDIA_MODULES = ['sharp', 'heic-decode'];

export interface DarkroomFunctionProps {
  entry: string;
  environment: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  nodeModules?: string[];
  layers?: ILayerVersion[];
  ephemeralStorageMiB?: number;
  /** Processes photos, so names their places: the place index is built into the bundle. */
  placeIndex?: boolean;
  /** Looks for faces: face-api's weights and tfjs's wasm are copied beside the bundle. */
  faceModels?: boolean;
}

/**
 * Where a bundle carries the place index and the geocoder's own module (Lambda unpacks the
 * bundle into LAMBDA_TASK_ROOT, /var/task).
 */
const BUNDLED_PLACE_INDEX = 'places.bin';
const BUNDLED_GEOCODER = 'geocoder.mjs';
const PLACE_INDEX_BUILDER = join(import.meta.dirname, '../build/place-index.ts');
/** The networks the detector loads (face-models.ts), and where a bundle keeps them and the wasm. */
const FACE_NETWORKS = ['ssd_mobilenetv1_model', 'face_landmark_68_model', 'face_recognition_model'];
const BUNDLED_FACE_MODELS = 'face-models';
const BUNDLED_TFJS_WASM = 'tfjs-wasm';
const packageDir = (name: string) => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
const GEOCODER_MODULE = join(import.meta.dirname, '../../shared/geo/geocoder-module.ts');

/**
 * Every function alike: Node.js 22 on arm64, ESM bundled by the local esbuild (no Docker), JSON
 * logs kept 30 days, source maps on.
 */
export const darkroomFunction = (scope: Construct, id: string, props: DarkroomFunctionProps): NodejsFunction => {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new NodejsFunction(scope, id, {
    entry: props.entry,
    handler: 'handler',
    runtime: Runtime.NODEJS_22_X,
    architecture: ARCHITECTURE,
    memorySize: props.memorySize ?? 1024,
    timeout: props.timeout ?? Duration.seconds(29),
    ...(props.ephemeralStorageMiB && { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB) }),
    layers: props.layers ?? [],
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'darkroom',
      ...(props.placeIndex && {
        DARKROOM_PLACE_INDEX: `/var/task/${BUNDLED_PLACE_INDEX}`,
        DARKROOM_GEOCODER_MODULE: `file:///var/task/${BUNDLED_GEOCODER}`,
      }),
      ...(props.faceModels && {
        DARKROOM_FACE_MODEL_DIR: `/var/task/${BUNDLED_FACE_MODELS}`,
        DARKROOM_FACE_WASM_DIR: `/var/task/${BUNDLED_TFJS_WASM}`,
      }),
      ...props.environment,
    },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      banner: BUNDLE_BANNER,
      // The AWS SDK is bundled rather than taken from the runtime: pinned to the tested version, and
      // a minified bundle loads about 100 ms faster than the SDK's files (bench/cold-start.ts).
      externalModules: [],
      nodeModules: props.nodeModules ?? [],
      environment: NPM_PLATFORM,
      forceDockerBundling: false,
      ...((props.placeIndex || props.faceModels) && {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [
            ...(props.placeIndex ? placeIndexCommands(output) : []),
            ...(props.faceModels ? faceModelCommands(output) : []),
          ],
        },
      }),
    },
  });
};

/** Compiled from the GeoNames packages on the deploying machine, like the bundle itself. */
const placeIndexCommands = (output: string) => [
  `npx tsx "${PLACE_INDEX_BUILDER}" "${join(output, BUNDLED_PLACE_INDEX)}"`,
  `npx esbuild "${GEOCODER_MODULE}" --bundle --platform=node --format=esm --target=node22 --minify --outfile="${join(output, BUNDLED_GEOCODER)}" --log-level=warning`,
];

/** The three networks' weights (12 MB; face-api's other models stay out) and tfjs's wasm files. */
const faceModelCommands = (output: string) => {
  const models = join(packageDir('@vladmandic/face-api'), 'model');
  const wasm = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  return [
    `mkdir -p "${join(output, BUNDLED_FACE_MODELS)}" "${join(output, BUNDLED_TFJS_WASM)}"`,
    ...FACE_NETWORKS.map(
      (n) => `cp "${models}/${n}.bin" "${models}/${n}-weights_manifest.json" "${join(output, BUNDLED_FACE_MODELS)}/"`,
    ),
    `cp "${wasm}"/*.wasm "${join(output, BUNDLED_TFJS_WASM)}/"`,
  ];
};
