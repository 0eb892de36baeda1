import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '#test/helpers/api.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { hasSamples, newKey, presignedUpload, SAMPLES_DIR, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

const declared = (file: string) =>
  file.endsWith('.png')
    ? 'image/png'
    : file.endsWith('.heic')
      ? 'image/heic'
      : file.endsWith('.mov')
        ? 'video/quicktime'
        : file.endsWith('.mp4')
          ? 'video/mp4'
          : 'image/jpeg';

// Pixels that cannot be decoded (or no image at all): failed, with a reason a person can read.
const UNREADABLE: [string, RegExp][] = [
  ['bomb-30000x30000-gray.png', /900 megapixels/],
  ['file-type-corrupt.png', /not an image or video/],
  ['html-as.jpg', /not an image or video/],
  ['random-bytes.jpg', /not an image or video/],
  ['truncated-40KB-12mp.jpg', /cannot be decoded: the file is truncated/],
  ['truncated-50pct-iphone6.jpg', /cannot be decoded: the file is truncated/],
  ['truncated-60pct-iphone7.heic', /truncated: box "mdat"/],
  ['truncated-moov-at-end.mp4', /truncated: box "mdat"/],
  ['truncated-50pct-moov-first.mov', /truncated: box "mdat"/],
];
// Pixels fine, metadata broken or the name lying: the photo is kept.
const SURVIVORS: [string, string][] = [
  ['exif-samples-corrupted.jpg', 'image/jpeg'],
  ['exifr-RangeError-offset.jpg', 'image/jpeg'],
  ['exifr-broken1.jpg', 'image/jpeg'],
  ['png-named-as.jpg', 'image/png'],
];

describe.skipIf(!hasSamples)('the corrupt samples', () => {
  for (const [file, reason] of UNREADABLE) {
    it(`${file} ends failed with a reason and no thumbnail`, async () => {
      const bytes = await readFile(join(SAMPLES_DIR, 'corrupt', file));
      const key = await newKey();
      const { created, s3Status } = await presignedUpload(stack().apiUrl, key, bytes, file, declared(file));
      expect(s3Status).toBe(204);
      const asset = await settled(stack().apiUrl, key, created.body.asset_id);
      expect(asset.state).toBe('failed');
      expect(asset.error).toMatch(reason);
      expect(asset.thumbnail_url).toBeNull();
      // The original is still there for its owner, but only ever as a download.
      const original = await fetch(asset.download_url);
      expect(original.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(original.headers.get('content-type')).not.toMatch(/html|svg|xml/);
      expect((await api(stack().apiUrl).get('/api/health')).status).toBe(200);
    });
  }

  for (const [file, mime] of SURVIVORS) {
    it(`${file} ends ready as ${mime} with what could be read`, async () => {
      const bytes = await readFile(join(SAMPLES_DIR, 'corrupt', file));
      const key = await newKey();
      const { created } = await presignedUpload(stack().apiUrl, key, bytes, file, 'image/jpeg');
      const asset = await settled(stack().apiUrl, key, created.body.asset_id);
      expect(asset).toMatchObject({ state: 'ready', mime_type: mime, error: null });
      expect(asset.thumbnail_url).toEqual(expect.any(String));
    });
  }

  it('a zero-byte upload is refused before any target is made', async () => {
    const key = await newKey();
    const res = await api(stack().apiUrl, key).post('/api/assets/uploads', {
      device_asset_id: 'z',
      device_id: 'd',
      file_created_at: '2020-01-01T00:00:00Z',
      file_modified_at: '2020-01-01T00:00:00Z',
      file_name: 'zero.jpg',
      mime_type: 'image/jpeg',
      file_size_bytes: 0,
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/^file_size_bytes/);
  });
});
