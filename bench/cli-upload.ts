import './quiet.ts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, open, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { digestAll } from '#infra/cli/darkroom/digest.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { createClients } from '#shared/aws/clients.ts';
import { createDarkroomClient, unwrap } from '#shared/client/index.ts';
import { checksumClaim } from '#shared/table/keys.ts';
import { paddedVideo } from '#test/helpers/big-video.ts';
import { runCli } from '#test/helpers/cli.ts';
import { putAll } from '#test/helpers/seed-table.ts';
import { comparison, record } from './harness.ts';

// The CLI against the local stack, two ways:
// 1. Upload throughput: `darkroom upload` of FILES videos vs curl posting the same files to the
//    same kind of presigned targets at the same concurrency (the floor: bytes on the wire, no
//    hashing, no API calls, no state). The CLI's figure is its send phase (create + send every
//    file) from its own --json timings; each run is a new user, so nothing is a duplicate.
// 2. Skipping SKIP already-uploaded files: a whole `darkroom upload` run (crawl, hash, exist in
//    batches of 5000, nothing to send) vs hashing alone, in-process.

const FILES = Number(process.env.CLI_BENCH_FILES ?? 24);
const FILE_MIB = Number(process.env.CLI_BENCH_FILE_MIB ?? 8);
const SKIP = Number(process.env.CLI_BENCH_SKIP ?? 20_000);
const RUNS = Number(process.env.CLI_BENCH_RUNS ?? 3);
const CONCURRENCY = 4;
const MiB = 1024 * 1024;

const stack = await startLocalStack({ faceStage: false });
try {
  const accounts = composeAccounts(stack.config);
  const newKey = async () => (await accounts.createApiKey(`bench-${Date.now()}-${Math.random()}`)).key;
  const stateDir = await mkdtemp(join(tmpdir(), 'cli-bench-state-'));
  const env = (key: string) => ({ DARKROOM_URL: stack.apiUrl, DARKROOM_API_KEY: key, DARKROOM_STATE_DIR: stateDir });

  // 1. Throughput. Distinct videos: one clip, each copy's padding made unique.
  const dir = await mkdtemp(join(tmpdir(), 'cli-bench-files-'));
  const clip = await paddedVideo(FILE_MIB * MiB);
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const path = join(dir, `v${i}.mp4`);
    await copyFile(clip, path);
    const handle = await open(path, 'r+');
    await handle.write(randomBytes(32), 0, 32, FILE_MIB * MiB - 64);
    await handle.close();
    files.push(path);
  }
  const bytes = FILES * FILE_MIB * MiB;
  const cli = async () => {
    // A new user and a new state each run: nothing is known, nothing is a duplicate.
    const state = join(stateDir, `send-${Math.random()}.json`);
    const result = await runCli(
      ['upload', dir, '--json', '--concurrency', String(CONCURRENCY), '--state', state],
      env(await newKey()),
    );
    const report = JSON.parse(result.stdout) as { uploaded: unknown[]; timings: { send_ms: number } };
    if (report.uploaded.length !== FILES)
      throw new Error(`the CLI uploaded ${report.uploaded.length} of ${FILES}: ${result.stderr.slice(-2000)}`);
    return report.timings.send_ms;
  };
  const curl = async () => {
    const client = createDarkroomClient({ baseUrl: stack.apiUrl, apiKey: await newKey() });
    const targets = await Promise.all(
      files.map(async (path, i) => {
        const created = await unwrap(
          client.POST('/api/assets/uploads', {
            body: {
              device_asset_id: `curl-${i}`,
              device_id: 'bench',
              file_created_at: '2024-01-01T00:00:00Z',
              file_modified_at: '2024-01-01T00:00:00Z',
              file_name: `v${i}.mp4`,
              mime_type: 'video/mp4',
              file_size_bytes: FILE_MIB * MiB,
            },
          }),
        );
        if (!('upload' in created) || created.upload.type !== 'post') throw new Error('curl: no POST target');
        return { path, upload: created.upload };
      }),
    );
    const queue = [...targets];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const form = Object.entries(t.upload.fields).flatMap(([k, v]) => ['-F', `${k}=${v}`]);
          const { stdout } = await promisify(execFile)('curl', [
            '-s',
            '-o',
            '/dev/null',
            '-w',
            '%{http_code}',
            ...form,
            '-F',
            `file=@${t.path};type=video/mp4`,
            t.upload.url,
          ]);
          if (stdout !== '204') throw new Error(`curl: S3 answered ${stdout}`);
        }
      }),
    );
    return performance.now() - started;
  };
  const cliTimes: number[] = [];
  const curlTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    cliTimes.push(await cli());
    curlTimes.push(await curl());
  }
  const mbps = (ms: number) => (bytes / MiB / (ms / 1000)).toFixed(1);
  const throughput = comparison(
    `cli upload throughput (${FILES} × ${FILE_MIB} MiB, ${CONCURRENCY} at once)`,
    { name: 'darkroom upload (send phase)', samples: cliTimes },
    { name: 'curl to presigned POST targets', samples: curlTimes },
    {
      notes: `CLI ${mbps(cliTimes.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0)} MiB/s, curl ${mbps(curlTimes.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0)} MiB/s`,
    },
  );

  // 2. Skipping. Small distinct files, their checksums claimed in the user's library as uploads leave them.
  const skipDir = await mkdtemp(join(tmpdir(), 'cli-bench-skip-'));
  for (let i = 0; i < SKIP; i += 1000) {
    const sub = join(skipDir, String(i / 1000));
    await mkdir(sub);
    await Promise.all(
      Array.from({ length: Math.min(1000, SKIP - i) }, (_, j) =>
        writeFile(join(sub, `${i + j}.jpg`), randomBytes(4096)),
      ),
    );
  }
  const paths = (await readdir(skipDir, { recursive: true }))
    .filter((p) => p.endsWith('.jpg'))
    .map((p) => ({ path: join(skipDir, p) }));
  const digests = await digestAll(paths);
  const { key, record: made } = await accounts.createApiKey(`bench-skip-${Date.now()}`);
  const libraryId = await accounts.resolveLibrary(made.owner);
  const direct = createClients({ ...stack.config, DARKROOM_DYNAMODB_ENDPOINT: stack.dynamoUrl }).dynamo;
  const claims = digests.flatMap((d, i) =>
    'digest' in d
      ? [
          {
            ...checksumClaim(libraryId, d.digest.sha256),
            assetId: `asset_${String(i).padStart(22, 'Z')}`,
            checksum: d.digest.sha256,
            deviceAssetId: d.file.path,
            deviceId: 'bench',
          },
        ]
      : [],
  );
  await putAll(direct, stack.config.TABLE_NAME, claims);
  const skipTimes: number[] = [];
  const hashTimes: number[] = [];
  const resumedTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const state = join(stateDir, `skip-${i}.json`);
    let started = performance.now();
    const run = await runCli(['upload', skipDir, '--json', '--state', state], env(key));
    skipTimes.push(performance.now() - started);
    const report = JSON.parse(run.stdout) as { duplicates: unknown[]; uploaded: unknown[] };
    if (report.duplicates.length !== SKIP || report.uploaded.length)
      throw new Error(
        `skip: ${report.duplicates.length} of ${SKIP} found, ${report.uploaded.length} uploaded: ${run.stderr.slice(-1500)}`,
      );
    started = performance.now();
    await runCli(['upload', skipDir, '--json', '--state', state], env(key));
    resumedTimes.push(performance.now() - started);
    started = performance.now();
    await digestAll(paths);
    hashTimes.push(performance.now() - started);
  }
  const skip = comparison(
    `cli skip of ${SKIP} uploaded files`,
    { name: 'darkroom upload (crawl, hash, exist)', samples: skipTimes },
    { name: 'hashing alone (in-process)', samples: hashTimes },
    {
      notes: `the same command again, its state remembering the digests: ${Math.round(resumedTimes.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0)} ms`,
    },
  );
  for (const c of [throughput, skip]) {
    console.log(
      `${c.benchmark}: ${c.subject.median.toFixed(0)} ms vs ${c.baseline.median.toFixed(0)} ms (${c.ratio.toFixed(2)}×) — ${c.notes}`,
    );
  }
  await record([throughput, skip]);
} finally {
  await stack.stop();
}
