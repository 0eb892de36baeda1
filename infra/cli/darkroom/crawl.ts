import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { MediaType } from '#shared/domain/media-types.ts';
import { mediaTypeOfName } from './media-extensions.ts';

/** A file the crawler offers for upload. */
export interface CrawledFile {
  /** Absolute; the key of the resume state. */
  path: string;
  /** From the argument it was found under, with `/` separators; the basename for a file argument. */
  relativePath: string;
  size: number;
  mtimeMs: number;
  /** Claimed by the extension only: the server sniffs the bytes and has the last word. */
  mimeType: MediaType;
}

/** Why a file found was not offered; shown to the user so junk is seen to be left out. */
export const SKIP_REASONS = {
  unsupported: 'unsupported type',
  empty: 'empty file',
  directoryLink: 'symlink to a directory (not followed)',
  brokenLink: 'broken symlink',
  unreadable: 'unreadable',
} as const;
export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];

export interface SkippedFile {
  path: string;
  reason: SkipReason;
}

export interface CrawlResult {
  /** Sorted by path, each path once. */
  files: CrawledFile[];
  skipped: SkippedFile[];
}

export interface CrawlOptions {
  /**
   * picomatch globs. One with a `/` is tested against the path relative to its argument (`raw/**`),
   * one without against each name (`*.tmp`, `Thumbs`), as .gitignore reads them.
   */
  ignore?: string[];
}

/** A path argument that cannot be crawled: a usage error, named so the user can fix the command. */
export class CrawlError extends Error {
  override readonly name = 'CrawlError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const isHidden = (name: string) => name.startsWith('.');
const posix = (path: string) => path.split(sep).join('/');
const describe = (error: unknown) => {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'no such file or directory';
  return error instanceof Error ? error.message : String(error);
};

/**
 * Every media file under `paths`. Directories are walked, skipping hidden entries, ignored globs and
 * directory symlinks (which could loop); file symlinks are followed. A file argument is taken as
 * given: neither hidden nor ignored applies to what the user named.
 */
export const crawl = async (paths: string[], options: CrawlOptions = {}): Promise<CrawlResult> => {
  const globs = (options.ignore ?? []).map((glob) => glob.replace(/^\.\//, ''));
  const pathIgnored = picomatch(
    globs.filter((g) => g.includes('/')),
    { dot: true },
  );
  const nameIgnored = picomatch(
    globs.filter((g) => !g.includes('/')),
    { dot: true },
  );
  const isIgnored = (relativePath: string) => pathIgnored(relativePath) || nameIgnored(basename(relativePath));
  const files = new Map<string, CrawledFile>();
  const skipped = new Map<string, SkippedFile>();

  const consider = (path: string, relativePath: string, stats: Stats) => {
    if (files.has(path) || skipped.has(path)) return;
    const mimeType = mediaTypeOfName(path);
    if (!mimeType) skipped.set(path, { path, reason: SKIP_REASONS.unsupported });
    else if (stats.size === 0) skipped.set(path, { path, reason: SKIP_REASONS.empty });
    else files.set(path, { path, relativePath, size: stats.size, mtimeMs: stats.mtimeMs, mimeType });
  };

  const visit = async (root: string, entry: Dirent, dir: string): Promise<void> => {
    const path = join(dir, entry.name);
    const relativePath = posix(relative(root, path));
    if (isHidden(entry.name) || isIgnored(relativePath)) return;
    if (entry.isDirectory()) return walk(root, path);
    if (entry.isFile()) return consider(path, relativePath, await lstat(path));
    if (!entry.isSymbolicLink()) return;
    const target = await stat(path).catch(() => undefined);
    if (!target) skipped.set(path, { path, reason: SKIP_REASONS.brokenLink });
    else if (target.isDirectory()) skipped.set(path, { path, reason: SKIP_REASONS.directoryLink });
    else if (target.isFile()) consider(path, relativePath, target);
  };

  const walk = async (root: string, dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      skipped.set(dir, { path: dir, reason: SKIP_REASONS.unreadable });
      return;
    }
    // A file removed or locked between readdir and stat is reported, not a reason to stop the crawl.
    const visitOrReport = (entry: Dirent) =>
      visit(root, entry, dir).catch(() => {
        const path = join(dir, entry.name);
        skipped.set(path, { path, reason: SKIP_REASONS.unreadable });
      });
    await Promise.all(entries.map(visitOrReport));
  };

  // Arguments one after another, so the first argument that reaches a file names its relativePath.
  for (const path of [...new Set(paths.map((p) => resolve(p)))]) {
    let stats: Stats;
    try {
      stats = await stat(path);
    } catch (error) {
      throw new CrawlError(path, describe(error));
    }
    if (stats.isDirectory()) await walk(path, path);
    else if (stats.isFile()) consider(path, basename(path), stats);
    else throw new CrawlError(path, 'not a file or directory');
  }

  const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { files: [...files.values()].sort(byPath), skipped: [...skipped.values()].sort(byPath) };
};
