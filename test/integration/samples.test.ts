import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { assetResponse } from '#functions/api/routes/asset-outputs.ts';
import { SAMPLES, type SampleExpectation } from '#test/fixtures/samples.ts';
import { api } from '#test/helpers/api.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, directUpload, hasSamples, newKey, presignedUpload, SAMPLES_DIR, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON.
const expectAsset = async (asset: any, sample: SampleExpectation, bytes: Buffer) => {
  expect(asset.state, asset.error).toBe('ready');
  // Real cameras' EXIF (offsets, odd values) still fits the response schema.
  assetResponse.parse(asset);
  expect(asset.checksum).toBe(b64('sha256', bytes));
  expect(asset.checksum_sha1).toBe(b64('sha1', bytes));
  expect(asset.file_size_bytes).toBe(bytes.length);
  expect(asset.mime_type).toBe(sample.mime);
  expect([asset.width, asset.height]).toEqual([sample.width, sample.height]);
  expect(asset.thumbhash).toMatch(/^[A-Za-z0-9+/]+=*$/);
  const exif = asset.exif ?? {};
  if (sample.make) expect(exif.make?.trim()).toBe(sample.make);
  if (sample.model) expect(exif.model?.trim()).toBe(sample.model);
  if (sample.latitude === null) {
    expect([exif.latitude, exif.longitude]).toEqual([null, null]);
  } else {
    expect(exif.latitude).toBeCloseTo(sample.latitude, 5);
    expect(exif.longitude).toBeCloseTo(sample.longitude ?? Number.NaN, 5);
  }
  if (sample.altitude !== undefined) expect(exif.altitude).toBeCloseTo(sample.altitude, 1);
  if (sample.orientation !== undefined) expect(exif.orientation).toBe(sample.orientation);
  if (sample.wallClock) expect(asset.local_datetime.startsWith(sample.wallClock)).toBe(true);
  if (sample.original) expect(Date.parse(exif.original_datetime)).toBe(Date.parse(sample.original));
  if (sample.original) expect(exif.original_datetime.slice(-6)).toBe(sample.original.slice(-6));
  // Named from the position (or nothing without one), and the offsets the zone gave.
  expect({ city: exif.city, state: exif.state, country: exif.country }).toEqual({
    city: sample.place?.city ?? null,
    state: sample.place?.state ?? null,
    country: sample.place?.country ?? null,
  });

  const original = await fetch(asset.download_url);
  expect(original.headers.get('content-disposition')).toMatch(/^attachment/);
  expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);

  const thumbnail = Buffer.from(await (await fetch(asset.thumbnail_url)).arrayBuffer());
  const meta = await sharp(thumbnail).metadata();
  expect(meta.format).toBe('webp');
  expect(Math.min(meta.width ?? 0, meta.height ?? 0)).toBe(Math.min(250, sample.width, sample.height));
  // Upright: the thumbnail has the display orientation's shape.
  expect((meta.width ?? 0) >= (meta.height ?? 0)).toBe(sample.width >= sample.height);
  const gps = meta.exif ? await exifr.gps(meta.exif).catch(() => undefined) : undefined;
  expect(gps?.latitude).toBeUndefined();
};

describe.skipIf(!hasSamples).concurrent('every sample photo', () => {
  for (const sample of SAMPLES) {
    it(`${sample.file} comes out ready through both flows`, async () => {
      const bytes = await readFile(join(SAMPLES_DIR, sample.file));
      const [alice, bob] = [await newKey(), await newKey()];

      const direct = await directUpload(stack().apiUrl, alice, bytes, basename(sample.file));
      expect(direct.status, JSON.stringify(direct.body)).toBe(201);
      await expectAsset(direct.body, sample, bytes);
      const { body } = await api(stack().apiUrl, alice).get(`/api/assets/${direct.body.id}?include=metadata`);
      expect({ country_code: body.metadata.country_code, timezone: body.metadata.timezone }).toEqual({
        country_code: sample.place?.country_code ?? null,
        timezone: sample.place?.timezone ?? null,
      });

      const { created, s3Status } = await presignedUpload(
        stack().apiUrl,
        bob,
        bytes,
        basename(sample.file),
        sample.mime,
      );
      expect(created.status).toBe(201);
      expect(s3Status).toBe(204);
      await expectAsset(await settled(stack().apiUrl, bob, created.body.asset_id), sample, bytes);
    });
  }
});
