import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LocalFile } from '../domain/ports.ts';

/** Enough of the file to sniff it and to find EXIF (Samsung HEICs keep it past 256 KiB). */
export const HEAD_BYTES = 1024 * 1024;

/**
 * Streams bytes to a temporary file once, hashing them (SHA-256 and SHA-1) and keeping the head
 * on the way: the original is never held whole in memory. With `keep: false` nothing is written.
 */
export const spoolToDisk = async (
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  options: { keep?: boolean } = {},
): Promise<{ file: LocalFile; release(): Promise<void> }> => {
  const keep = options.keep ?? true;
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-'));
  const release = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'original');
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  const head: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sha256.update(chunk);
      sha1.update(chunk);
      size += chunk.length;
      if (headSize < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headSize);
        head.push(part);
        headSize += part.length;
      }
      done(null, chunk);
    },
  });
  try {
    // Too large to keep: hash on the way past and drop the bytes.
    await pipeline(
      source,
      tap,
      keep ? createWriteStream(path) : new Writable({ write: (_chunk, _encoding, done) => done() }),
    );
  } catch (error) {
    await release();
    throw error;
  }
  return {
    file: {
      ...(keep && { path }),
      size,
      head: Buffer.concat(head),
      sha256: sha256.digest('base64'),
      sha1: sha1.digest('base64'),
    },
    release,
  };
};
