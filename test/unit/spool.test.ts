import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HEAD_BYTES, hashStream, spoolToDisk } from '#shared/storage/spool.ts';

const bytes = randomBytes(HEAD_BYTES * 2 + 12345);
const chunks = (size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
const expected = {
  size: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('base64'),
  sha1: createHash('sha1').update(bytes).digest('base64'),
};

describe('hashing an original as it streams', () => {
  it('hashes and counts what streams past, keeping the first MiB, whatever the chunking', async () => {
    for (const size of [4096, 65536, bytes.length]) {
      const digest = await hashStream(Readable.from(chunks(size)));
      expect(digest).toMatchObject(expected);
      expect(digest.head.equals(bytes.subarray(0, HEAD_BYTES))).toBe(true);
    }
    // Plain Uint8Array chunks (a web stream's) count the same.
    const plain = await hashStream(Readable.from(chunks(100_000).map((c) => new Uint8Array(c))));
    expect(plain).toMatchObject(expected);
  });

  it('spools to disk the same bytes it hashes', async () => {
    const { file, release } = await spoolToDisk(Readable.from(chunks(70_000)));
    try {
      expect(file).toMatchObject(expected);
      expect((await readFile(file.path)).equals(bytes)).toBe(true);
      expect(file.head.equals(bytes.subarray(0, HEAD_BYTES))).toBe(true);
    } finally {
      await release();
    }
  });
});
