import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { OriginalDigest, OriginalOnDisk } from '#shared/domain/ports.ts';

/** Enough of the file to sniff it and to find EXIF (Samsung HEICs keep it past 256 KiB). */
export const HEAD_BYTES = 1024 * 1024;

type Source = NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** A pass-through that hashes (SHA-256 and SHA-1), counts and keeps the head of what flows by. */
const digester = () => {
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
  const digest = (): OriginalDigest => ({
    size,
    head: Buffer.concat(head),
    sha256: sha256.digest('base64'),
    sha1: sha1.digest('base64'),
  });
  return { tap, digest };
};

/** Hashes bytes as they stream past and drops them: for originals too large to keep on disk. */
export const hashStream = async (source: Source): Promise<OriginalDigest> => {
  const { tap, digest } = digester();
  await pipeline(source, tap, new Writable({ write: (_chunk, _encoding, done) => done() }));
  return digest();
};

/** Streams bytes to a temporary file once, hashing them on the way: the original is never held whole in memory. */
export const spoolToDisk = async (source: Source): Promise<{ file: OriginalOnDisk; release(): Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-'));
  const release = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'original');
  const { tap, digest } = digester();
  try {
    await pipeline(source, tap, createWriteStream(path));
  } catch (error) {
    await release();
    throw error;
  }
  return { file: { kind: 'disk', path, ...digest() }, release };
};
