import { chmod, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displaySize, parseIso6709, parseRate, videoReading } from '#shared/domain/video-metadata.ts';
import { binary, executable } from '#shared/media/binaries.ts';

const probed = (tags: Record<string, string>, rotation = 0) => ({
  durationSeconds: 3,
  width: 3840,
  height: 2160,
  rotation,
  fps: 30,
  tags,
});

describe('video metadata', () => {
  it('reads ISO 6709 positions, with and without altitude', () => {
    expect(parseIso6709('+48.8584+002.2945+035.000/')).toEqual({ latitude: 48.8584, longitude: 2.2945, altitude: 35 });
    expect(parseIso6709('-33.8688+151.2093/')).toEqual({ latitude: -33.8688, longitude: 151.2093, altitude: null });
    expect(parseIso6709('garbage')).toBeUndefined();
    expect(parseIso6709('+95.0+010.0/')).toBeUndefined();
  });

  it('reads frame rates as fractions', () => {
    expect(parseRate('30000/1001')).toBe(29.97);
    expect(parseRate('0/0')).toBeNull();
    expect(parseRate(undefined)).toBeNull();
  });

  it('swaps the display size for a quarter turn either way', () => {
    expect(displaySize(probed({}, -90))).toEqual({ width: 2160, height: 3840 });
    expect(displaySize(probed({}, 270))).toEqual({ width: 2160, height: 3840 });
    expect(displaySize(probed({}, 180))).toEqual({ width: 3840, height: 2160 });
  });

  it('prefers QuickTime creationdate, with its offset, over the UTC creation_time', () => {
    const reading = videoReading(
      probed({
        creation_time: '2024-06-01T10:15:30.000000Z',
        'com.apple.quicktime.creationdate': '2024-06-01T12:15:30+0200',
        'com.apple.quicktime.content.identifier': 'A1B2-C3',
      }),
    );
    expect(reading.exif.original_datetime).toBe('2024-06-01T12:15:30+02:00');
    expect(reading.captured).toEqual({ local: '2024-06-01T12:15:30', offset: '+02:00' });
    expect(reading.exif.live_photo_cid).toBe('A1B2-C3');
    expect(videoReading(probed({ creation_time: '2015-09-17T16:26:22.000000Z' })).exif.original_datetime).toBe(
      '2015-09-17T16:26:22+00:00',
    );
  });
});

describe('ffmpeg binaries', () => {
  it('are made executable for other users by copying when npm left them owner-only', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bin-test-')), 'tool');
    await writeFile(path, '#!/bin/sh\necho ok\n');
    await chmod(path, 0o744);
    const usable = await executable(path);
    expect(usable).not.toBe(path);
    expect((await stat(usable)).mode & 0o777).toBe(0o755);
    await chmod(path, 0o755);
    expect(await executable(path)).toBe(path);
  });

  it('resolve to executables anyone may run', async () => {
    for (const name of ['ffmpeg', 'ffprobe'] as const) {
      expect((await stat(await binary(name))).mode & 0o011).toBe(0o011);
    }
  });
});
