import { chmod, copyFile, mkdtemp, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * A path to `binary` that any user may execute. npm installs ffprobe 0744 and Lambda runs code as
 * a user that does not own it, so a binary without the others' execute bit is copied to /tmp once.
 */
export const executable = async (binary: string): Promise<string> => {
  const { mode } = await stat(binary);
  if ((mode & 0o011) === 0o011) return binary;
  const copy = join(await mkdtemp(join(tmpdir(), 'bin-')), basename(binary));
  await copyFile(binary, copy);
  await chmod(copy, 0o755);
  return copy;
};

const cache = new Map<string, Promise<string>>();

/** Where ffmpeg and ffprobe are, when not the binaries shipped in npm packages (FFMPEG_PATH / FFPROBE_PATH). */
export interface BinaryPaths {
  ffmpeg?: string;
  ffprobe?: string;
}

/** ffmpeg or ffprobe: the configured path when there is one, else the binary shipped in its npm package. */
export const binary = (name: 'ffmpeg' | 'ffprobe', paths: BinaryPaths = {}): Promise<string> => {
  const configured = paths[name];
  if (configured) return Promise.resolve(configured);
  let found = cache.get(name);
  if (!found) {
    found = executable((require(`@${name}-installer/${name}`) as { path: string }).path);
    cache.set(name, found);
  }
  return found;
};
