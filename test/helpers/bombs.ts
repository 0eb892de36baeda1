import { readFile, writeFile } from 'node:fs/promises';
import { crc32, createDeflate, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** One PNG chunk: length, type, data, CRC. */
export const pngChunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A valid 64×64 PNG with `chunks` right after IHDR, where metadata sits. */
export const pngWith = async (...chunks: Buffer[]) => {
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#446688' } })
    .png()
    .toBuffer();
  const afterHeader = 8 + 25;
  return Buffer.concat([png.subarray(0, afterHeader), ...chunks, png.subarray(afterHeader)]);
};

let gibibyte: Promise<Buffer> | undefined;

/**
 * A zlib stream of 1 GiB of zeros (about 1 MB), deflated a MiB at a time so the test never holds
 * the gibibyte; made once per test file.
 */
export const deflatedGibibyte = (): Promise<Buffer> => {
  gibibyte ??= new Promise((resolve, reject) => {
    const deflate = createDeflate({ level: 9 });
    const out: Buffer[] = [];
    deflate.on('data', (part: Buffer) => out.push(part));
    deflate.on('end', () => resolve(Buffer.concat(out)));
    deflate.on('error', reject);
    const block = Buffer.alloc(1024 * 1024);
    let written = 0;
    const write = () => {
      while (written < 1024) {
        written++;
        if (!deflate.write(block)) {
          deflate.once('drain', write);
          return;
        }
      }
      deflate.end();
    };
    write();
  });
  return gibibyte;
};

/** Peak resident memory of this process since the last reset (Linux VmHWM). */
export const ownPeakRss = async () => {
  const kb = /VmHWM:\s+(\d+) kB/.exec(await readFile('/proc/self/status', 'utf8'))?.[1];
  return Number(kb) * 1024;
};

/** Resets this process's peak to its current resident size (Linux: clear_refs 5). */
export const resetOwnPeak = () => writeFile('/proc/self/clear_refs', '5');

/** A PNG that promises 20000 × 20000 pixels and holds almost none: processing fails on it, terminally. */
export const hollowHugePng = (): Buffer => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(20_000, 0);
  header.writeUInt32BE(20_000, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(20_001))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
};
