import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { SKIP_REASONS, type SkipReason } from '#infra/cli/darkroom/crawl.ts';
import { paddedVideo } from './big-video.ts';

export interface MediaFolderOptions {
  photos: number;
  videos: number;
  /** Files that must not become assets, cycling through six kinds; six or more shows each kind. */
  junk: number;
  /** Spread files over year/month folders instead of one flat folder. */
  nested?: boolean;
  /** Another seed, other bytes: two folders of different seeds share no asset. */
  seed?: number;
}

/** What a `darkroom upload` of the folder should end with. */
export interface MediaFolderManifest {
  root: string;
  photos: string[];
  videos: string[];
  /** Every photo and video: new assets after the first upload, duplicates after the second. */
  uploaded: string[];
  /** Reported by the crawler and never sent. */
  skipped: { path: string; reason: SkipReason }[];
  /** Hidden files and files in hidden folders: left out without a word. */
  hidden: string[];
  /** Offered by the crawler (a media extension) and refused by the server for its bytes. */
  refused: string[];
}

// The video every test video is a variant of, encoded once per process.
let baseVideo: Promise<{ bytes: Buffer; paddingAt: number }> | undefined;
const VIDEO_BYTES = 384 * 1024;

/** Where the `free` box paddedVideo appends starts: its bytes are free to vary. */
const lastBoxPayload = (bytes: Buffer): number => {
  let at = 0;
  let last = 0;
  while (at + 8 <= bytes.length) {
    last = at;
    at += bytes.readUInt32BE(at);
  }
  if (bytes.toString('latin1', last + 4, last + 8) !== 'free') throw new Error('padded video ends in no free box');
  return last + 8;
};

const distinctVideo = async (seed: number, i: number): Promise<Buffer> => {
  baseVideo ??= paddedVideo(VIDEO_BYTES).then(async (path) => {
    const bytes = await readFile(path);
    return { bytes, paddingAt: lastBoxPayload(bytes) };
  });
  const { bytes, paddingAt } = await baseVideo;
  const video = Buffer.from(bytes);
  // Zeros and a hash of (seed, i) instead of paddedVideo's random bytes: the same seed, the same files.
  video.fill(0, paddingAt);
  createHash('sha256')
    .update(`media-folder ${seed} video ${i}`)
    .digest()
    .copy(video, video.length - 32);
  return video;
};

/** A 32–64 px JPEG of its own colour, and its own EXIF description so no two can share bytes. */
const distinctPhoto = (seed: number, i: number): Promise<Buffer> => {
  const [r, g, b] = createHash('sha256').update(`${seed}/${i}`).digest();
  return sharp({
    create: {
      width: 32 + (i % 33),
      height: 32 + ((i * 7) % 33),
      channels: 3,
      background: { r: r ?? 0, g: g ?? 0, b: b ?? 0 },
    },
  })
    .withExif({ IFD0: { ImageDescription: `media-folder seed ${seed} photo ${i}` } })
    .jpeg({ quality: 80 })
    .toBuffer();
};

const inBatches = async (count: number, batch: number, make: (i: number) => Promise<void>) => {
  for (let start = 0; start < count; start += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, k) => make(start + k)));
  }
};

/** A folder of distinct photos and videos among the junk a real one holds, and what should become of each. */
export const mediaFolder = async (root: string, options: MediaFolderOptions): Promise<MediaFolderManifest> => {
  const seed = options.seed ?? 1;
  const folderOf = (i: number) =>
    options.nested ? join(String(2020 + (i % 3)), String(1 + (i % 12)).padStart(2, '0')) : '';
  const put = async (relativePath: string, bytes: Buffer | string) => {
    const path = join(root, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    return path;
  };
  const manifest: MediaFolderManifest = {
    root,
    photos: [],
    videos: [],
    uploaded: [],
    skipped: [],
    hidden: [],
    refused: [],
  };

  await inBatches(options.photos, 16, async (i) => {
    manifest.photos[i] = await put(
      join(folderOf(i), `IMG_${String(i).padStart(5, '0')}.jpg`),
      await distinctPhoto(seed, i),
    );
  });
  await inBatches(options.videos, 8, async (i) => {
    const folder = options.nested ? join('videos', folderOf(i)) : '';
    manifest.videos[i] = await put(join(folder, `VID_${String(i).padStart(4, '0')}.mp4`), await distinctVideo(seed, i));
  });

  for (let j = 0; j < options.junk; j++) {
    const n = Math.floor(j / 6);
    const folder = options.nested ? join('misc', folderOf(j)) : '';
    const at = (name: string) => join(folder, name);
    switch (j % 6) {
      case 0:
        manifest.skipped.push({ path: await put(at(`notes-${n}.txt`), 'not media'), reason: SKIP_REASONS.unsupported });
        break;
      case 1:
        manifest.hidden.push(await put(at(n === 0 ? '.DS_Store' : `._IMG_${n}.JPG`), 'Bud1 Finder metadata'));
        break;
      case 2:
        // A real photo, hidden by its folder: proof that hidden folders are not walked.
        manifest.hidden.push(await put(at(`.thumbnails-${n}/thumb.jpg`), await distinctPhoto(seed, -1 - n)));
        break;
      case 3:
        manifest.skipped.push({ path: await put(at(`empty-${n}.jpg`), ''), reason: SKIP_REASONS.empty });
        break;
      case 4:
        manifest.refused.push(await put(at(`not-an-image-${n}.jpg`), `plain text ${seed}/${n}, named like a photo`));
        break;
      case 5:
        manifest.skipped.push({
          path: await put(at(`document-${n}.pdf`), '%PDF-1.4\n%%EOF\n'),
          reason: SKIP_REASONS.unsupported,
        });
        break;
    }
  }
  manifest.uploaded = [...manifest.photos, ...manifest.videos].sort();
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  manifest.skipped.sort(byPath);
  manifest.hidden.sort();
  manifest.refused.sort();
  return manifest;
};
