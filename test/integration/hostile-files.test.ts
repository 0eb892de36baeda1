import { deflateSync } from 'node:zlib';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { assetItem } from '#shared/table/keys.ts';
import { api } from '#test/helpers/api.ts';
import { pngChunk as chunk } from '#test/helpers/bombs.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

const SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** A PNG of a few hundred bytes whose header promises width × height pixels. */
const pixelBomb = (width: number, height: number) => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, no interlace
  const row = Buffer.alloc(1 + width);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat([row, row]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

const upload = async (bytes: Buffer, name: string, mime: string) => {
  const key = await newKey();
  const { created, s3Status } = await presignedUpload(stack().apiUrl, key, bytes, name, mime);
  expect(s3Status).toBe(204);
  const started = Date.now();
  const asset = await settled(stack().apiUrl, key, created.body.asset_id);
  return { asset, ms: Date.now() - started, key };
};

describe('hostile files', () => {
  for (const [name, bytes] of [
    ['svg-as.jpg', SVG],
    ['html-as.jpg', HTML],
    ['pdf-as.jpg', PDF],
  ] as const) {
    it(`${name} posted as image/jpeg ends failed and is never served inline`, async () => {
      const { asset } = await upload(bytes, name, 'image/jpeg');
      expect(asset).toMatchObject({
        state: 'failed',
        thumbnail_url: null,
        error: expect.stringMatching(/not an image or video/),
      });
      const original = await fetch(asset.download_url);
      expect(original.headers.get('content-type')).toBe('application/octet-stream');
      expect(original.headers.get('content-disposition')).toMatch(/^attachment/);
    });
  }

  it('a 20000×20000 PNG bomb (400 MP) is refused from its header, quickly', async () => {
    const bytes = pixelBomb(20_000, 20_000);
    expect(bytes.length).toBeLessThan(1024);
    const { asset, ms } = await upload(bytes, 'bomb.png', 'image/png');
    expect(asset).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/400 megapixels, over the 120 MP limit/),
    });
    expect(ms).toBeLessThan(10_000);
  });

  it('a photo with 200 KB of XMP is kept, and its record stays small', async () => {
    // WebP, since JPEG caps an XMP segment at 64 KB and libvips drops larger ones.
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">${'A'.repeat(200_000)}</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>`;
    const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#446688' } })
      .withXmp(xmp)
      .webp()
      .toBuffer();
    expect(bytes.length).toBeGreaterThan(200_000);
    const { asset } = await upload(bytes, 'xmp.webp', 'image/webp');
    expect(asset.state).toBe('ready');
    const config = stack().config;
    const { Item } = await createClients(config).dynamo.send(
      new GetCommand({ TableName: config.TABLE_NAME, Key: assetItem(asset.id) }),
    );
    expect(JSON.stringify(Item).length).toBeLessThan(16 * 1024);
    expect(asset.exif.description?.length ?? 0).toBeLessThanOrEqual(1024);
  });

  it('the stack keeps serving', async () => {
    expect((await api(stack().apiUrl).get('/api/health')).status).toBe(200);
    expect(stack().deadLetterQueue.peek()).toEqual([]);
  });
});
