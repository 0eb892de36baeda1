import { join } from 'node:path';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Architecture, type ILayerVersion, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

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
}

/**
 * Where a bundle carries the place index and the geocoder's own module (Lambda unpacks the
 * bundle into LAMBDA_TASK_ROOT, /var/task).
 */
const BUNDLED_PLACE_INDEX = 'places.bin';
const BUNDLED_GEOCODER = 'geocoder.mjs';
const PLACE_INDEX_BUILDER = join(import.meta.dirname, '../build/place-index.ts');
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
      ...props.environment,
    },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      // Bundled CommonJS dependencies still call require().
      banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      // The AWS SDK is bundled rather than taken from the runtime: pinned to the tested version, and
      // a minified bundle loads about 100 ms faster than the SDK's files (bench/cold-start.ts).
      externalModules: [],
      nodeModules: props.nodeModules ?? [],
      environment: NPM_PLATFORM,
      forceDockerBundling: false,
      ...(props.placeIndex && {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Compiled from the GeoNames packages on the deploying machine, like the bundle itself.
          afterBundling: (_input: string, output: string) => [
            `npx tsx "${PLACE_INDEX_BUILDER}" "${join(output, BUNDLED_PLACE_INDEX)}"`,
            `npx esbuild "${GEOCODER_MODULE}" --bundle --platform=node --format=esm --target=node22 --minify --outfile="${join(output, BUNDLED_GEOCODER)}" --log-level=warning`,
          ],
        },
      }),
    },
  });
};
