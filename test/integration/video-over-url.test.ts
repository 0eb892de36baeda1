import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, hasSamples, newKey, presignedUpload, SAMPLES_DIR, settled } from '#test/helpers/uploads.ts';

// Originals above the disk limit are hashed as they stream past and read by ffmpeg over a signed
// URL; here the limit is tiny so an ordinary sample takes that path.
process.env.DARKROOM_DISK_LIMIT_BYTES = String(64 * 1024);
const stack = useLocalStack();

describe.skipIf(!hasSamples)('originals too large for local disk', () => {
  it('a video is probed, checked for truncation and given a poster over its signed URL', async () => {
    const bytes = await readFile(join(SAMPLES_DIR, 'video/synthetic-hevc-2160p-rot90-apple-meta.mov'));
    const key = await newKey();
    const { created } = await presignedUpload(stack().apiUrl, key, bytes, 'clip.mov', 'video/quicktime');
    const asset = await settled(stack().apiUrl, key, created.body.asset_id, 60_000);
    expect(asset).toMatchObject({ state: 'ready', width: 2160, height: 3840, checksum: b64('sha256', bytes) });
    expect(asset.duration).toBeCloseTo(3, 2);
  });

  it('a truncated video is still found truncated, by range requests', async () => {
    const bytes = await readFile(join(SAMPLES_DIR, 'corrupt/truncated-50pct-moov-first.mov'));
    const key = await newKey();
    const { created } = await presignedUpload(stack().apiUrl, key, bytes, 'cut.mov', 'video/quicktime');
    const asset = await settled(stack().apiUrl, key, created.body.asset_id, 60_000);
    expect(asset).toMatchObject({ state: 'failed', error: expect.stringMatching(/truncated: box "mdat"/) });
  });

  it('a photo that large is refused, not half-read', async () => {
    const { randomBytes } = await import('node:crypto');
    const sharp = (await import('sharp')).default;
    const bytes = await sharp(randomBytes(400 * 400 * 3), { raw: { width: 400, height: 400, channels: 3 } })
      .jpeg()
      .toBuffer();
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const key = await newKey();
    const { created } = await presignedUpload(stack().apiUrl, key, bytes, 'big.jpg', 'image/jpeg');
    const asset = await settled(stack().apiUrl, key, created.body.asset_id);
    expect(asset).toMatchObject({ state: 'failed', error: 'the image is too large to process' });
  });
});
