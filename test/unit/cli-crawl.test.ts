import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrawlError, crawl, SKIP_REASONS } from '#infra/cli/darkroom/crawl.ts';
import { MEDIA_EXTENSIONS, mediaTypeOfName } from '#infra/cli/darkroom/media-extensions.ts';
import { IMAGE_TYPES, VIDEO_TYPES } from '#shared/domain/media-types.ts';

let root: string;
const at = (...parts: string[]) => join(root, ...parts);
const put = async (relativePath: string, bytes: string | Buffer = 'bytes') => {
  await mkdir(dirname(at(relativePath)), { recursive: true });
  await writeFile(at(relativePath), bytes);
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-crawl-'));
  await put('a.jpg');
  await put('B.JPEG');
  await put('clip.MOV');
  await put('sub/deep/c.heic');
  await put('sub/d.3gp');
  await put('notes.txt');
  await put('Makefile');
  await put('empty.png', '');
  await put('.DS_Store');
  await put('.hidden/inside.jpg');
  await put('sub/.secret.jpg');
  await put('raw/r.jpg');
  await put('sub/raw/kept.jpg');
  await put('sub/e.tmp');
  await put('sub/scratch.jpg');
  await symlink(root, at('sub/loop'));
  await symlink(at('a.jpg'), at('link.jpg'));
  await symlink(at('nowhere.jpg'), at('broken.jpg'));
});

describe('crawling a folder', () => {
  it('offers media by extension, case-insensitively, with the API media types, sorted by path', async () => {
    const { files } = await crawl([root]);
    expect(files.map((f) => [f.relativePath, f.mimeType])).toEqual([
      ['B.JPEG', 'image/jpeg'],
      ['a.jpg', 'image/jpeg'],
      ['clip.MOV', 'video/quicktime'],
      ['link.jpg', 'image/jpeg'],
      ['raw/r.jpg', 'image/jpeg'],
      ['sub/d.3gp', 'video/3gpp'],
      ['sub/deep/c.heic', 'image/heic'],
      ['sub/raw/kept.jpg', 'image/jpeg'],
      ['sub/scratch.jpg', 'image/jpeg'],
    ]);
    expect(files[0]).toEqual({
      path: at('B.JPEG'),
      relativePath: 'B.JPEG',
      size: 5,
      mtimeMs: expect.any(Number),
      mimeType: 'image/jpeg',
    });
  });

  it('reports unsupported and empty files, and links it will not follow, instead of dropping them', async () => {
    const { skipped } = await crawl([root]);
    expect(skipped).toEqual([
      { path: at('Makefile'), reason: SKIP_REASONS.unsupported },
      { path: at('broken.jpg'), reason: SKIP_REASONS.brokenLink },
      { path: at('empty.png'), reason: SKIP_REASONS.empty },
      { path: at('notes.txt'), reason: SKIP_REASONS.unsupported },
      { path: at('sub/e.tmp'), reason: SKIP_REASONS.unsupported },
      { path: at('sub/loop'), reason: SKIP_REASONS.directoryLink },
    ]);
  });

  it('leaves hidden files and hidden folders out without a word', async () => {
    const { files, skipped } = await crawl([root]);
    const seen = [...files, ...skipped].map((f) => f.path).join('\n');
    expect(seen).not.toMatch(/\.DS_Store|\.hidden|\.secret/);
  });

  it('follows a symlink to a file but not one to a folder, so a loop ends', async () => {
    const { files } = await crawl([root]);
    expect(files.find((f) => f.relativePath === 'link.jpg')).toMatchObject({ path: at('link.jpg'), size: 5 });
    expect(files.some((f) => f.relativePath.includes('loop'))).toBe(false);
  });

  it('ignores globs matched against the path under the argument and against the basename', async () => {
    const { files, skipped } = await crawl([root], { ignore: ['raw/**', '**/*.tmp', 'scratch.jpg'] });
    const relative = files.map((f) => f.relativePath);
    expect(relative).not.toContain('raw/r.jpg');
    expect(relative).not.toContain('sub/scratch.jpg');
    // `raw/**` is anchored at the argument: a deeper folder named raw is kept.
    expect(relative).toContain('sub/raw/kept.jpg');
    expect(skipped.map((s) => s.path)).not.toContain(at('sub/e.tmp'));
  });

  it('prunes an ignored folder by its name', async () => {
    const { files } = await crawl([root], { ignore: ['sub'] });
    expect(files.some((f) => f.relativePath.startsWith('sub/'))).toBe(false);
  });
});

describe('crawling the paths given', () => {
  it('takes a named file as given, hidden or not, under its basename', async () => {
    const { files } = await crawl([at('.hidden/inside.jpg'), at('sub/.secret.jpg')], { ignore: ['**/*.jpg'] });
    expect(files.map((f) => [f.path, f.relativePath])).toEqual([
      [at('.hidden/inside.jpg'), 'inside.jpg'],
      [at('sub/.secret.jpg'), '.secret.jpg'],
    ]);
  });

  it('still reports a named file of another type or of no bytes', async () => {
    const { files, skipped } = await crawl([at('notes.txt'), at('empty.png')]);
    expect(files).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([SKIP_REASONS.empty, SKIP_REASONS.unsupported]);
  });

  it('lists a file once when it is named twice or reached from two arguments', async () => {
    const { files } = await crawl([at('sub'), `${root}/sub/../sub/d.3gp`, at('sub/d.3gp'), root]);
    const paths = files.map((f) => f.path);
    expect(paths).toEqual([...new Set(paths)].sort());
    // The first argument that reaches a file names it.
    expect(files.find((f) => f.path === at('sub/d.3gp'))?.relativePath).toBe('d.3gp');
    expect(files.find((f) => f.path === at('a.jpg'))?.relativePath).toBe('a.jpg');
  });

  it('throws a CrawlError naming a path that does not exist', async () => {
    const missing = at('no/such/folder');
    const error = await crawl([root, missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrawlError);
    expect(error).toMatchObject({ path: missing, message: expect.stringContaining(missing) });
  });
});

describe('the extension map', () => {
  it('names every media type the API accepts, and only those', () => {
    const mapped = new Set(Object.values(MEDIA_EXTENSIONS));
    expect([...mapped].sort()).toEqual([...IMAGE_TYPES, ...VIDEO_TYPES].sort());
  });

  it('reads extensions case-insensitively and refuses names without one', () => {
    expect(mediaTypeOfName('IMG_0001.HeIc')).toBe('image/heic');
    expect(mediaTypeOfName('movie.m4v')).toBe('video/x-m4v');
    expect(mediaTypeOfName('jpg')).toBeUndefined();
    expect(mediaTypeOfName('x.constructor')).toBeUndefined();
  });
});
