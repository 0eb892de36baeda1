import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { BUNDLE_BANNER, MEDIA_MODULES } from '#infra/constructs/function-defaults.ts';
import { type Comparison, compare, median, record } from './harness.ts';

// Each function bundled as the CDK does (esbuild, ESM, minified, media packages external), then
// imported in a fresh Node process, against a fresh process importing an empty module.

const run = promisify(execFile);
const FUNCTIONS = {
  api: 'functions/api/handler.ts',
  authorizer: 'functions/authorizer/handler.ts',
  process: 'functions/process/handler.ts',
  faces: 'functions/faces/handler.ts',
};
const env = {
  ...process.env,
  TABLE_NAME: 't',
  ORIGINALS_BUCKET: 'o',
  DERIVED_BUCKET: 'd',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};
// Inside the project, so the external media packages resolve from its node_modules.
const out = await mkdtemp(join(import.meta.dirname, 'results/.cold-'));

const importTime = async (file: string) => {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  return Number(stdout);
};

try {
  const empty = join(out, 'empty.mjs');
  await writeFile(empty, 'export const handler = () => {};\n');
  const results: Comparison[] = [];
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const outfile = join(out, `${name}.mjs`);
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      mainFields: ['module', 'main'],
      // As the CDK bundles: the AWS SDK inside (faster to load than the runtime's copy), media beside.
      external: MEDIA_MODULES,
      banner: { js: BUNDLE_BANNER },
      logLevel: 'error',
    });
    const size = (await stat(outfile)).size;
    const timed: { ours: number[]; floor: number[] } = { ours: [], floor: [] };
    const comparison = await compare(
      `cold start: ${name} function`,
      { name: `import ${name} bundle`, run: async () => void timed.ours.push(await importTime(outfile)) },
      { name: 'import empty module', run: async () => void timed.floor.push(await importTime(empty)) },
      { runs: 9, target: name === 'api' ? 'bundle < 1.5 MB, import < 150 ms' : '' },
    );
    // The harness times whole processes; the notes carry the import itself, measured inside them.
    results.push({
      ...comparison,
      notes: `bundle ${(size / 1024).toFixed(0)} KiB; import itself ${median(timed.ours.slice(2)).toFixed(0)} ms (empty module ${median(timed.floor.slice(2)).toFixed(1)} ms)`,
    });
  }
  await record(results);
} finally {
  await rm(out, { recursive: true, force: true });
}
