import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ARCHITECTURE } from './function-defaults.ts';

// The npm-shipped binaries, pinned to the versions the project uses: installed with npm's
// --os/--cpu, the installers' optional dependencies resolve to Lambda's platform.
const PACKAGES = { ffmpeg: '@ffmpeg-installer/ffmpeg@1.1.0', ffprobe: '@ffprobe-installer/ffprobe@2.1.2' };
/** Where the functions find them: layers are unpacked under /opt. */
export const FFMPEG_ENV = { FFMPEG_PATH: '/opt/bin/ffmpeg', FFPROBE_PATH: '/opt/bin/ffprobe' };

/** ffmpeg and ffprobe (about 100 MB together) as a layer, built locally with npm, without Docker. */
export class FfmpegLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      description: `ffmpeg and ffprobe for Lambda arm64 (${Object.values(PACKAGES).join(', ')})`,
      compatibleArchitectures: [ARCHITECTURE],
      code: Code.fromAsset(join(import.meta.dirname, '../layers/ffmpeg'), {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: Object.values(PACKAGES).join('|'),
        bundling: {
          image: DockerImage.fromRegistry('docker-is-not-used'),
          local: {
            tryBundle(outputDir) {
              const work = mkdtempSync(join(tmpdir(), 'ffmpeg-layer-'));
              try {
                execFileSync(
                  'npm',
                  [
                    'install',
                    '--prefix',
                    work,
                    '--no-save',
                    '--no-audit',
                    '--no-fund',
                    '--os=linux',
                    '--cpu=arm64',
                    ...Object.values(PACKAGES),
                  ],
                  { stdio: 'ignore' },
                );
                mkdirSync(join(outputDir, 'bin'), { recursive: true });
                for (const name of ['ffmpeg', 'ffprobe'] as const) {
                  const target = join(outputDir, 'bin', name);
                  copyFileSync(join(work, 'node_modules', `@${name}-installer`, 'linux-arm64', name), target);
                  // Lambda runs code as a user that owns nothing here: everyone must be able to execute.
                  chmodSync(target, 0o755);
                }
              } finally {
                rmSync(work, { recursive: true, force: true });
              }
              return true;
            },
          },
        },
      }),
    });
  }
}
