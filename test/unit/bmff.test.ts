import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bmffTruncation, MAX_TOP_LEVEL_BOXES } from '#shared/media/bmff.ts';

const dir = mkdtemp(join(tmpdir(), 'bmff-'));
afterAll(async () => rm(await dir, { recursive: true, force: true }));

const FTYP = Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex');

/** ftyp, then `count` empty `free` boxes of 8 bytes, as a file. */
const tinyBoxes = async (count: number) => {
  const free = Buffer.from('0000000866726565', 'hex');
  const bytes = Buffer.concat([FTYP, Buffer.alloc(count * 8).fill(free)]);
  const path = join(await dir, `boxes-${count}`);
  await writeFile(path, bytes);
  return { path, size: bytes.length };
};

describe('the box walk', () => {
  it('walks a file of as many boxes as a long fragmented recording', async () => {
    const { path, size } = await tinyBoxes(MAX_TOP_LEVEL_BOXES - 1);
    expect(await bmffTruncation(path, size)).toBeUndefined();
  });

  it('refuses one box more, in words', async () => {
    const { path, size } = await tinyBoxes(MAX_TOP_LEVEL_BOXES);
    expect(await bmffTruncation(path, size)).toBe(
      'the file has more than 100,000 top-level boxes, more than any camera writes',
    );
  });

  it('still finds a box that runs past the end of the file', async () => {
    const { path, size } = await tinyBoxes(3);
    expect(await bmffTruncation(path, size + 100)).toMatch(/ends inside a box header at byte 48/);
  });
});
