import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DigestOutcome, digestAll, digestFile } from '#infra/cli/darkroom/digest.ts';

const MiB = 1024 * 1024;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-digest-'));
});

const fileOf = async (name: string, bytes: Buffer) => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
};
const expected = (bytes: Buffer) => ({
  sha256: createHash('sha256').update(bytes).digest('base64'),
  sha1: createHash('sha1').update(bytes).digest('base64'),
  size: bytes.length,
});

describe('digesting a file', () => {
  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['exactly one read chunk', MiB],
    ['one byte past a chunk', MiB + 1],
    ['several chunks and a tail', 5 * MiB + 12_345],
  ])('equals both hashes of the whole buffer: %s', async (_name, size) => {
    const bytes = randomBytes(size);
    expect(await digestFile(await fileOf(`${size}.bin`, bytes))).toEqual(expected(bytes));
  });

  it('is base64 in the lengths the API checks: 44 for SHA-256, 28 for SHA-1', async () => {
    const digest = await digestFile(await fileOf('short.bin', Buffer.from('darkroom')));
    expect(digest.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(digest.sha1).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });
});

describe('digesting many files', () => {
  it('answers in the order given, whatever order they finish in', async () => {
    const contents = [3 * MiB, 10, 2 * MiB, 0, 5].map((size) => randomBytes(size));
    const files = await Promise.all(contents.map(async (bytes, i) => ({ path: await fileOf(`many-${i}`, bytes), i })));
    const done: number[] = [];
    const outcomes = await digestAll(files, 3, (outcome) => done.push(outcome.file.i));
    expect(outcomes.map((o) => ('digest' in o ? o.digest : o.error))).toEqual(contents.map(expected));
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('reports a file it cannot read and digests the rest', async () => {
    const bytes = randomBytes(100);
    const missing = { path: join(dir, 'gone.jpg') };
    const present = { path: await fileOf('here.jpg', bytes) };
    const [gone, here] = await digestAll([missing, present], 1);
    expect(gone).toMatchObject({ file: missing, error: expect.objectContaining({ code: 'ENOENT' }) });
    expect(here).toEqual({ file: present, digest: expected(bytes) } satisfies DigestOutcome<{ path: string }>);
  });

  it('digests nothing when given nothing, at any concurrency', async () => {
    expect(await digestAll([], 0)).toEqual([]);
  });
});
