import { describe, expect, it } from 'vitest';
import { jpeg, orientedMarker, pixelAt } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

describe('photos made in the test', () => {
  it('keep an exact GPS position south and west, and an offset capture time', async () => {
    const bytes = await jpeg({
      exif: {
        IFD0: { Make: 'Darkroom', Model: 'Test Cam' },
        IFD2: { DateTimeOriginal: '2024:01:15 08:30:45', OffsetTimeOriginal: '+10:00' },
        IFD3: {
          GPSLatitudeRef: 'S',
          GPSLatitude: '33/1 51/1 3540/100',
          GPSLongitudeRef: 'W',
          GPSLongitude: '70/1 40/1 1200/100',
        },
      },
    });
    const key = await newKey();
    const { status, body } = await directUpload(stack().apiUrl, key, bytes, 'gps.jpg');
    expect(status).toBe(201);
    expect(body.exif.latitude).toBeCloseTo(-(33 + 51 / 60 + 35.4 / 3600), 8);
    expect(body.exif.longitude).toBeCloseTo(-(70 + 40 / 60 + 12 / 3600), 8);
    expect(body.exif).toMatchObject({
      make: 'Darkroom',
      model: 'Test Cam',
      original_datetime: '2024-01-15T08:30:45+10:00',
    });
    // The camera's wall clock, written as upstream does, not shifted by the offset.
    expect(body.local_datetime).toBe('2024-01-15T08:30:45Z');
  });

  it('display an orientation-6 photo upright: swapped size, upright thumbnail without EXIF', async () => {
    const bytes = await orientedMarker();
    const key = await newKey();
    const { created } = await presignedUpload(stack().apiUrl, key, bytes, 'rotated.jpg', 'image/jpeg');
    const asset = await settled(stack().apiUrl, key, created.body.asset_id);
    expect(asset).toMatchObject({ state: 'ready', width: 400, height: 300 });
    expect(asset.exif.orientation).toBe(6);
    const thumbnail = Buffer.from(await (await fetch(asset.thumbnail_url)).arrayBuffer());
    const [r1, g1, b1] = await pixelAt(thumbnail, 0.05, 0.05);
    const [r2, g2, b2] = await pixelAt(thumbnail, 0.95, 0.95);
    expect([r1 > 180, g1 < 80, b1 < 80]).toEqual([true, true, true]);
    expect([r2 < 80, g2 < 80, b2 > 180]).toEqual([true, true, true]);
    const sharp = (await import('sharp')).default;
    const meta = await sharp(thumbnail).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([333, 250, undefined]);
  });

  it('take a 1×1 image: thumbnail of the original size, no EXIF, capture time from the device', async () => {
    const bytes = await jpeg({ width: 1, height: 1 });
    const key = await newKey();
    const { status, body } = await directUpload(stack().apiUrl, key, bytes, 'dot.jpg', {
      device_asset_id: 'dot',
      device_id: 'phone',
      file_created_at: '2021-06-01T10:00:00+02:00',
      file_modified_at: '2021-06-01T10:00:00+02:00',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ state: 'ready', width: 1, height: 1, local_datetime: '2021-06-01T08:00:00Z' });
    expect(body.exif.original_datetime).toBeNull();
    const sharp = (await import('sharp')).default;
    const meta = await sharp(Buffer.from(await (await fetch(body.thumbnail_url)).arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1, 1]);
  });

  it('build a preview of at most 1440 pixels on the long edge', async () => {
    const bytes = await jpeg({ width: 3000, height: 1000 });
    const key = await newKey();
    const { body } = await directUpload(stack().apiUrl, key, bytes, 'wide.jpg');
    const { derivedKeys } = await import('#shared/object-keys.ts');
    const { createClients } = await import('#shared/aws/clients.ts');
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const config = stack().config;
    const owner = /originals\/(user_[^/]+)\//.exec(decodeURIComponent(body.download_url))?.[1] ?? '';
    const preview = await createClients(config).s3.send(
      new GetObjectCommand({ Bucket: config.DERIVED_BUCKET, Key: derivedKeys({ owner, id: body.id }).preview }),
    );
    const sharp = (await import('sharp')).default;
    const meta = await sharp(Buffer.from(await (preview.Body?.transformToByteArray() ?? new Uint8Array()))).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1440, 480]);
  });
});
