import { open } from 'node:fs/promises';

/**
 * Walks the top-level boxes of an ISO-BMFF file (HEIC, AVIF, MP4, MOV) and answers why it is
 * truncated, or undefined when every box ends within the file. Decoders do not tell: libheif
 * paints the missing part green and a truncated MOV still probes.
 */
type ReadAt = (offset: number) => Promise<Buffer>;

export const bmffTruncation = async (path: string, fileSize: number): Promise<string | undefined> => {
  const handle = await open(path, 'r');
  try {
    return await walk(fileSize, async (offset) => {
      const header = Buffer.alloc(16);
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      return header.subarray(0, bytesRead);
    });
  } finally {
    await handle.close();
  }
};

/** The same walk over HTTP range requests, for originals too large to keep on disk. */
export const bmffTruncationAt = (url: string, fileSize: number): Promise<string | undefined> =>
  walk(fileSize, async (offset) => {
    const res = await fetch(url, { headers: { range: `bytes=${offset}-${offset + 15}` } });
    return Buffer.from(await res.arrayBuffer()).subarray(0, 16);
  });

const walk = async (fileSize: number, readAt: ReadAt): Promise<string | undefined> => {
  {
    let offset = 0;
    let boxes = 0;
    while (offset < fileSize) {
      const header = await readAt(offset);
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
  }
};
