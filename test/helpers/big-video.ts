import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binary } from '#shared/media/binaries.ts';

/**
 * A real 2-second MP4 (moov first) followed by a `free` box of random bytes, so the file is a
 * valid video of `totalBytes` that ffprobe reads instantly: large uploads without minutes of encoding.
 */
export const paddedVideo = async (totalBytes: number): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'big-video-'));
  const clip = join(dir, 'clip.mp4');
  await promisify(execFile)(await binary('ffmpeg'), [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=30',
    '-t',
    '2',
    '-c:v',
    'mpeg4',
    '-movflags',
    '+faststart',
    clip,
  ]);
  const head = await readFile(clip);
  const padding = totalBytes - head.length;
  const path = join(dir, 'big.mp4');
  const out = createWriteStream(path);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(padding, 0);
  header.write('free', 4, 'latin1');
  out.write(head);
  out.write(header);
  for (let left = padding - 8; left > 0; left -= 1 << 20) {
    if (!out.write(randomBytes(Math.min(left, 1 << 20)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(() => resolve());
  });
  if ((await stat(path)).size !== totalBytes) throw new Error('padded video has the wrong size');
  return path;
};

/** Base64 SHA-256 and SHA-1 of a file, streamed. */
export const fileDigests = async (path: string) => {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('base64'), sha1: sha1.digest('base64') };
};
