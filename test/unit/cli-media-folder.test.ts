import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { crawl } from '#infra/cli/darkroom/crawl.ts';
import { digestAll } from '#infra/cli/darkroom/digest.ts';
import { type MediaFolderManifest, mediaFolder } from '#test/helpers/media-folder.ts';

const folder = async (options: Parameters<typeof mediaFolder>[1]) =>
  mediaFolder(await mkdtemp(join(tmpdir(), 'cli-media-folder-')), options);
const sha256s = async (paths: string[]) =>
  (await digestAll(paths.map((path) => ({ path })))).map((o) => ('digest' in o ? o.digest.sha256 : o.error.message));

let manifest: MediaFolderManifest;
beforeAll(async () => {
  manifest = await folder({ photos: 60, videos: 3, junk: 12, nested: true });
});

describe('the test media folder', () => {
  it('is crawled as its manifest says: media and refused offered, junk reported, hidden unseen', async () => {
    const { files, skipped } = await crawl([manifest.root]);
    expect(files.map((f) => f.path)).toEqual([...manifest.uploaded, ...manifest.refused].sort());
    expect(skipped).toEqual(manifest.skipped);
    const seen = new Set([...files, ...skipped].map((f) => f.path));
    expect(manifest.hidden.filter((path) => seen.has(path))).toEqual([]);
    expect(manifest.hidden).toHaveLength(4);
    expect(manifest.refused).toHaveLength(2);
  });

  it('holds photos that decode, 32 to 64 pixels a side, no two alike', async () => {
    for (const path of manifest.photos.slice(0, 10)) {
      const { format, width, height } = await sharp(path).metadata();
      expect(format).toBe('jpeg');
      expect(Math.min(width ?? 0, height ?? 0)).toBeGreaterThanOrEqual(32);
      expect(Math.max(width ?? 0, height ?? 0)).toBeLessThanOrEqual(64);
    }
    expect(new Set(await sha256s(manifest.photos)).size).toBe(60);
  });

  it('holds MP4 videos, no two alike', async () => {
    for (const path of manifest.videos) expect((await readFile(path)).toString('latin1', 4, 8)).toBe('ftyp');
    expect(new Set(await sha256s(manifest.videos)).size).toBe(3);
  });

  it('makes the same bytes from the same seed and other bytes from another', async () => {
    const again = await folder({ photos: 5, videos: 1, junk: 0 });
    const other = await folder({ photos: 5, videos: 1, junk: 0, seed: 2 });
    const first = await sha256s([...manifest.photos.slice(0, 5), ...manifest.videos.slice(0, 1)]);
    expect(await sha256s([...again.photos, ...again.videos])).toEqual(first);
    const others = new Set(await sha256s(other.uploaded));
    expect(first.filter((digest) => others.has(digest))).toEqual([]);
  });

  it('lays files flat unless asked to nest them', async () => {
    const flat = await folder({ photos: 3, videos: 0, junk: 1 });
    expect(flat.uploaded.every((path) => path.startsWith(`${flat.root}/IMG_`))).toBe(true);
  });
});
