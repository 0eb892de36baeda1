import { open } from 'node:fs/promises';
import type { Original } from '#shared/domain/ports.ts';

/**
 * Walks the top-level boxes of an ISO-BMFF file (HEIC, AVIF, MP4, MOV) and answers why it is
 * truncated, or undefined when every box ends within the file. Decoders do not tell: libheif
 * paints the missing part green and a truncated MOV still probes.
 */

/** Bytes read at once. Box headers are read from a window, so a run of tiny boxes costs one read per window, not per box. */
const WINDOW = 64 * 1024;
/**
 * A plain MP4 or HEIC has a handful of top-level boxes; a fragmented recording has two per
 * fragment (moof, mdat), so ten hours in one-second fragments is 72 000. More is not a camera's.
 */
export const MAX_TOP_LEVEL_BOXES = 100_000;
/** Over HTTP each box far from the last costs a range request; the walk gives up after this long. */
export const MAX_WALK_MS = 30_000;

type ReadAt = (offset: number, length: number) => Promise<Buffer>;

export const bmffTruncation = async (path: string, fileSize: number): Promise<string | undefined> => {
  const handle = await open(path, 'r');
  try {
    return await walk(fileSize, async (offset, length) => {
      const window = Buffer.alloc(length);
      const { bytesRead } = await handle.read(window, 0, length, offset);
      return window.subarray(0, bytesRead);
    });
  } finally {
    await handle.close();
  }
};

/** The same walk over HTTP range requests, for originals too large to keep on disk. */
export const bmffTruncationAt = (url: string, fileSize: number): Promise<string | undefined> =>
  walk(fileSize, async (offset, length) => {
    const res = await fetch(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` } });
    return Buffer.from(await res.arrayBuffer()).subarray(0, length);
  });

/** Sixteen bytes at `offset`: from the current window when it holds them, else from a new one. */
const windowed = (readAt: ReadAt) => {
  let start = 0;
  let window: Buffer = Buffer.alloc(0);
  return async (offset: number): Promise<Buffer> => {
    if (offset < start || offset + 16 > start + window.length) {
      start = offset;
      window = await readAt(offset, WINDOW);
    }
    return window.subarray(offset - start, offset - start + 16);
  };
};

const walk = async (fileSize: number, readAt: ReadAt): Promise<string | undefined> => {
  const headerAt = windowed(readAt);
  const deadline = Date.now() + MAX_WALK_MS;
  let offset = 0;
  let boxes = 0;
  while (offset < fileSize) {
    if (boxes === MAX_TOP_LEVEL_BOXES) {
      return `the file has more than ${MAX_TOP_LEVEL_BOXES.toLocaleString('en')} top-level boxes, more than any camera writes`;
    }
    if (Date.now() > deadline) return `the file's structure could not be read within ${MAX_WALK_MS / 1000} s`;
    const header = await headerAt(offset);
    const bytesRead = header.length;
    if (bytesRead < 8) return `the file ends inside a box header at byte ${offset}`;
    const type = header.toString('latin1', 4, 8);
    let size = header.readUInt32BE(0);
    if (size === 1) {
      if (bytesRead < 16) return `the file ends inside the header of box "${type}"`;
      size = Number(header.readBigUInt64BE(8));
    } else if (size === 0) {
      size = fileSize - offset;
    }
    if (size < 8) return `box "${type}" at byte ${offset} has an impossible size ${size}`;
    if (offset + size > fileSize) {
      return `the file is truncated: box "${type}" needs ${offset + size} bytes, the file has ${fileSize}`;
    }
    offset += size;
    boxes++;
  }
  return boxes === 0 ? 'the file is empty' : undefined;
};

/** The walk over whichever copy of the original there is: the file on disk, or the signed URL. */
export const bmffTruncationOf = (file: Original): Promise<string | undefined> =>
  file.kind === 'disk' ? bmffTruncation(file.path, file.size) : bmffTruncationAt(file.url, file.size);
