import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaRejected } from '#shared/domain/errors.ts';
import type { OriginalOnDisk } from '#shared/domain/ports.ts';
import { binary } from '#shared/media/binaries.ts';
import { MediaPipeline } from '#shared/media/media-pipeline.ts';
import { spoolToDisk } from '#shared/storage/spool.ts';
import { jpeg } from '#test/helpers/images.ts';

const media = new MediaPipeline();
const releases: (() => Promise<void>)[] = [];

const local = async (bytes: Buffer): Promise<OriginalOnDisk> => {
  const { file, release } = await spoolToDisk(Readable.from([bytes]));
  releases.push(release);
  return file;
};

/** The reason a person reads for these bytes: what inspect or render refused them with. */
const reason = async (bytes: Buffer) => {
  const file = await local(bytes);
  const error = await media
    .inspect(file)
    .then((inspection) => media.render(file, inspection))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(MediaRejected);
  const message = (error as MediaRejected).message;
  // Never a decoder's internals: heap addresses, demuxer prefixes, library names or the temporary path.
  expect(message).not.toMatch(/0x|\[|@|vips|jpeg:|matroska|darkroom-/i);
  return message;
};

let webm: Buffer;

beforeAll(async () => {
  const file = await local(Buffer.alloc(1));
  const out = `${file.path}.webm`;
  await promisify(execFile)(await binary('ffmpeg'), [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10', '-t', '1'],
    ...['-c:v', 'libvpx', '-y', out],
  ]);
  webm = await readFile(out);
});

afterAll(async () => {
  await Promise.all(releases.map((release) => release()));
});

describe('the reasons a broken file gives', () => {
  it('a WebM whose clusters are garbage says the data is corrupt', async () => {
    const junk = Buffer.alloc(5000, 0xa5);
    expect(await reason(Buffer.concat([webm.subarray(0, 40), junk]))).toBe(
      'the video cannot be read: its data is corrupt',
    );
  });

  it('a WebM cut after its header says it is truncated', async () => {
    expect(await reason(webm.subarray(0, 60))).toBe('the video cannot be read: the file is truncated');
  });

  it('a JPEG with a garbled header says the data is corrupt', async () => {
    const bytes = await jpeg({ width: 64, height: 64 });
    const garbled = Buffer.from(bytes);
    // The quantisation tables follow the JFIF header: every byte of them turned to 0xff.
    garbled.fill(0xff, 30, 120);
    expect(await reason(garbled)).toBe('the image cannot be decoded: its data is corrupt');
  });

  it('a JPEG cut in half says it is truncated', async () => {
    const bytes = await jpeg({ width: 640, height: 480 });
    expect(await reason(bytes.subarray(0, bytes.length / 2))).toBe(
      'the image cannot be decoded: the file is truncated',
    );
  });
});
