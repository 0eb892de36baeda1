import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { assetResponse } from '#functions/api/routes/asset-outputs.ts';
import { api } from '#test/helpers/api.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, hasSamples, newKey, presignedUpload, SAMPLES_DIR, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

// What ffprobe reports of each sample (display size after the rotation matrix).
const VIDEOS = [
  { file: 'h263-352x288.3gp', mime: 'video/3gpp', width: 352, height: 288, duration: 5.574, fps: 30, original: null },
  {
    file: 'h264-imovie.mp4',
    mime: 'video/mp4',
    width: 640,
    height: 356,
    duration: 0.066655,
    fps: 15.003,
    original: '2015-09-17T16:26:22+00:00',
  },
  {
    file: 'mjpeg-640x480-2008.mov',
    mime: 'video/quicktime',
    width: 640,
    height: 480,
    duration: 1.5,
    fps: 10,
    original: '2008-09-04T11:28:54+00:00',
  },
  {
    file: 'synthetic-h264-1080p-4s.mp4',
    mime: 'video/mp4',
    width: 1920,
    height: 1080,
    duration: 4,
    fps: 30,
    // The container's creation_time is UTC (18:30Z); filmed in Tokyo, that is 03:30 there.
    original: '2023-08-16T03:30:00+09:00',
    local: '2023-08-16T03:30:00Z',
    gps: [35.6762, 139.6503, null],
    place: { city: 'Motoyoyogichō', country: 'Japan', country_code: 'JP', timezone: 'Asia/Tokyo' },
  },
  {
    file: 'synthetic-hevc-2160p-rot90-apple-meta.mov',
    mime: 'video/quicktime',
    width: 2160,
    height: 3840,
    duration: 3,
    fps: 30,
    original: '2024-06-01T12:15:30+02:00',
    local: '2024-06-01T12:15:30Z',
    gps: [48.8584, 2.2945, 35],
    // The Eiffel Tower: GeoNames has Paris as one point 4 km east, Neuilly's is 3.4 km north-west.
    // The nearest-town rule (Immich's) names Neuilly; see the README's limits.
    place: { city: 'Neuilly-sur-Seine', country: 'France', country_code: 'FR', timezone: 'Europe/Paris' },
    make: 'Apple',
    model: 'iPhone 15 Pro (synthetic)',
  },
];

describe.skipIf(!hasSamples).concurrent('every sample video', () => {
  for (const video of VIDEOS) {
    it(`${video.file} comes out ready with its duration, fps, display size, time and a poster`, async () => {
      const bytes = await readFile(join(SAMPLES_DIR, 'video', video.file));
      const key = await newKey();
      const { created } = await presignedUpload(stack().apiUrl, key, bytes, video.file, video.mime);
      const asset = await settled(stack().apiUrl, key, created.body.asset_id, 60_000);
      expect(asset.state, asset.error).toBe('ready');
      const full = assetResponse.parse(
        (await api(stack().apiUrl, key).get(`/api/assets/${asset.id}?include=metadata,variants`)).body,
      );
      expect(Object.keys(full.asset_urls).sort()).toEqual(['original', 'preview_image', 'thumbnail_image']);
      expect(full.metadata?.fps).toBe(asset.exif.fps);
      expect(asset).toMatchObject({
        mime_type: video.mime,
        width: video.width,
        height: video.height,
        checksum: b64('sha256', bytes),
      });
      expect(asset.duration).toBeCloseTo(video.duration, 3);
      expect(asset.exif.fps).toBeCloseTo(video.fps, 1);
      expect(asset.exif.original_datetime).toBe(video.original);
      if (video.local) expect(asset.local_datetime).toBe(video.local);
      if (video.gps) expect([asset.exif.latitude, asset.exif.longitude, asset.exif.altitude]).toEqual(video.gps);
      if (video.make) expect([asset.exif.make, asset.exif.model]).toEqual([video.make, video.model]);
      if (video.place) {
        const { city, country, country_code, timezone } = full.metadata ?? {};
        expect({ city, country, country_code, timezone }).toEqual(video.place);
      }
      const poster = await sharp(Buffer.from(await (await fetch(asset.thumbnail_url)).arrayBuffer())).metadata();
      expect(poster.format).toBe('webp');
      expect(Math.min(poster.width ?? 0, poster.height ?? 0)).toBe(250);
      expect((poster.width ?? 0) > (poster.height ?? 0)).toBe(video.width > video.height);
      expect(asset.thumbhash).toEqual(expect.any(String));
    });
  }
});
