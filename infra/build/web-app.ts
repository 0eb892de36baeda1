import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Builds the web app (Vite) into a cache folder named for its sources, so `npm start`, the tests,
// the benchmark and `cdk synth` build it once per change and a concurrent build never serves half.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_ROOT = join(ROOT, 'web');
const SOURCES = [WEB_ROOT, join(ROOT, 'shared/client'), join(ROOT, 'shared/web'), join(ROOT, 'package-lock.json')];
const CACHE = join(ROOT, 'node_modules/.cache/darkroom/web');

const files = (path: string): string[] =>
  statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => files(join(path, name))) : [path];

/** A digest of everything the build reads: a change to any of it is a new build. */
const sourceDigest = () => {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(files).sort()) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

/** The built app's folder (index.html and its assets), built now unless a build of these sources exists. */
export const ensureWebApp = async (): Promise<string> => {
  const out = join(CACHE, sourceDigest());
  if (existsSync(join(out, 'index.html'))) return out;
  const aside = `${out}.${process.pid}.tmp`;
  const { build } = await import('vite');
  await build({
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: aside, emptyOutDir: true },
  });
  try {
    renameSync(aside, out);
  } catch (error) {
    // Another process finished the same build first: theirs is as good as ours.
    rmSync(aside, { recursive: true, force: true });
    if (!existsSync(join(out, 'index.html'))) throw error;
  }
  return out;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await ensureWebApp());
