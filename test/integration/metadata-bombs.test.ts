import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '#test/helpers/api.ts';
import { deflatedGibibyte, ownPeakRss, pngChunk, pngWith, resetOwnPeak } from '#test/helpers/bombs.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

// The processor runs in its own process, so its peak memory is its own.
const stack = useLocalStack({ isolateProcessor: true });

const MB = 1000 * 1000;
/**
 * Growth while one file is processed. libvips holds a 27 MB XMP chunk a few times over (250–350 MB);
 * before the bounds, that XMP grew the processor by 830 MB and the iCCP bomb by 2.2 GB.
 */
const GROWTH_LIMIT = 500 * MB;
/** Only to tell a hang from work: each of these finishes in a few seconds. */
const HANG_MS = 120_000;

/** A camera's EXIF block (TIFF, without the `Exif\0\0` prefix), as libvips writes it. */
const cameraExif = async (make: string) => {
  const { exif } = await sharp(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .withExif({ IFD0: { Make: make } })
      .jpeg()
      .toBuffer(),
  ).metadata();
  return (exif ?? Buffer.alloc(0)).subarray(6);
};

/**
 * An EXIF block of just under 1 MiB whose IFD0 lists ImageDescription 65 535 times, every entry
 * pointing at the same 250 kB string: 16 GB of decoding for a parser that reads every entry.
 */
const repeatedTagExif = () => {
  const entries = 65_535;
  const stringAt = 8 + 2 + entries * 12 + 4;
  const length = 250_000;
  const tiff = Buffer.alloc(stringAt + length, 'A');
  tiff.write('MM\0*', 0, 'latin1');
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(entries, 8);
  for (let i = 0; i < entries; i++) {
    const at = 10 + i * 12;
    tiff.writeUInt16BE(0x010e, at);
    tiff.writeUInt16BE(2, at + 2); // ASCII
    tiff.writeUInt32BE(length, at + 4);
    tiff.writeUInt32BE(stringAt, at + 8);
  }
  tiff.writeUInt32BE(0, 10 + entries * 12);
  return tiff;
};

const xmpPacket = (items: number) =>
  Buffer.from(
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag>${'<rdf:li>x</rdf:li>'.repeat(items)}</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`,
  );

/** Uploads through the presigned flow; answers the settled asset, the time and how much the processor grew. */
const processed = async (bytes: Buffer, name: string, mime: string) => {
  const key = await newKey();
  const processor = stack().processorProcess;
  await processor?.resetPeak();
  const before = (await processor?.peakRssBytes()) ?? 0;
  const started = Date.now();
  const { created, s3Status } = await presignedUpload(stack().apiUrl, key, bytes, name, mime);
  expect(s3Status).toBe(204);
  const asset = await settled(stack().apiUrl, key, created.body.asset_id, HANG_MS);
  const ms = Date.now() - started;
  const grown = ((await processor?.peakRssBytes()) ?? Number.POSITIVE_INFINITY) - before;
  console.log(`${name}: ${asset.state} in ${ms} ms, processor grew ${(grown / MB).toFixed(0)} MB`);
  return { asset, ms, grown };
};

describe('metadata bombs', () => {
  // The processor process starts on first use: started here, so no test counts its start-up.
  beforeAll(async () => {
    await processed(await pngWith(), 'warm-up.png', 'image/png');
  });

  it('a PNG whose 1 MB iCCP chunk inflates to 1 GiB is kept without the profile, its EXIF still read', async () => {
    const iccp = pngChunk('iCCP', Buffer.concat([Buffer.from('bomb\0\0', 'latin1'), await deflatedGibibyte()]));
    const bytes = await pngWith(iccp, pngChunk('eXIf', await cameraExif('Bomb Camera')));
    const { asset, grown } = await processed(bytes, 'iccp-bomb.png', 'image/png');
    expect(asset).toMatchObject({ state: 'ready', error: null });
    expect(asset.exif).toMatchObject({ make: 'Bomb Camera', profile_description: null });
    expect(grown).toBeLessThan(GROWTH_LIMIT);
  });

  it('the same iCCP bomb posted directly is processed inline without the API process growing', async () => {
    const iccp = pngChunk('iCCP', Buffer.concat([Buffer.from('bomb\0\0', 'latin1'), await deflatedGibibyte()]));
    const bytes = await pngWith(iccp, pngChunk('tEXt', Buffer.from('direct\0flow')));
    const key = await newKey();
    // The API runs in this process; its growth while the request is handled is the API's.
    await resetOwnPeak();
    const before = await ownPeakRss();
    const res = await directUpload(stack().apiUrl, key, bytes, 'iccp-bomb-direct.png');
    const grown = (await ownPeakRss()) - before;
    console.log(`direct iCCP bomb: ${res.status}, API process grew ${(grown / MB).toFixed(0)} MB`);
    expect(res.status).toBe(201);
    expect((await api(stack().apiUrl, key).get(`/api/assets/${res.body.id}`)).body.state).toBe('ready');
    expect(grown).toBeLessThan(GROWTH_LIMIT);
  });

  for (const [name, chunk] of [
    [
      'zTXt',
      async () => pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), await deflatedGibibyte()])),
    ],
    [
      'compressed iTXt XMP',
      async () =>
        pngChunk(
          'iTXt',
          Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\x01\0\0\0', 'latin1'), await deflatedGibibyte()]),
        ),
    ],
  ] as const) {
    it(`a PNG whose ${name} chunk inflates to 1 GiB is kept, in bounded memory`, async () => {
      const { asset, grown } = await processed(await pngWith(await chunk()), `${name}-bomb.png`, 'image/png');
      expect(asset).toMatchObject({ state: 'ready', error: null });
      expect(grown).toBeLessThan(GROWTH_LIMIT);
    });
  }

  it('a PNG with 27 MB of XMP is kept without reading the XMP', async () => {
    const xmp = Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), xmpPacket(1_500_000)]);
    const { asset, grown } = await processed(await pngWith(pngChunk('iTXt', xmp)), 'huge-xmp.png', 'image/png');
    expect(asset).toMatchObject({ state: 'ready', error: null });
    expect(grown).toBeLessThan(GROWTH_LIMIT);
  });

  it('a PNG with a 30 MB eXIf chunk is kept without its EXIF', async () => {
    const exif = Buffer.concat([await cameraExif('Too Big'), Buffer.alloc(30 * 1024 * 1024)]);
    const { asset, grown } = await processed(await pngWith(pngChunk('eXIf', exif)), 'huge-exif.png', 'image/png');
    expect(asset).toMatchObject({ state: 'ready', error: null });
    expect(asset.exif.make).toBeNull();
    expect(grown).toBeLessThan(GROWTH_LIMIT);
  });

  it('EXIF that repeats one tag 65 535 times is read once, not 65 535 times', async () => {
    const bytes = await pngWith(pngChunk('eXIf', repeatedTagExif()));
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const { asset } = await processed(bytes, 'repeated-tag.png', 'image/png');
    expect(asset).toMatchObject({ state: 'ready', error: null });
    expect(asset.exif.description).toBe('A'.repeat(1024));
  });

  it('an MP4 of 4 MB of 8-byte boxes ends failed with the count in words, quickly', async () => {
    const ftyp = Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex');
    const free = Buffer.alloc(8);
    free.writeUInt32BE(8);
    free.write('free', 4, 'latin1');
    const bytes = Buffer.concat([ftyp, Buffer.alloc(4 * 1024 * 1024).fill(free)]);
    const { asset, ms } = await processed(bytes, 'tiny-boxes.mp4', 'video/mp4');
    expect(asset).toMatchObject({
      state: 'failed',
      error: 'the file has more than 100,000 top-level boxes, more than any camera writes',
    });
    expect(ms).toBeLessThan(HANG_MS);
  });

  it('the stack keeps serving', async () => {
    expect((await api(stack().apiUrl).get('/api/health')).status).toBe(200);
    expect(stack().deadLetterQueue.peek()).toEqual([]);
  });
});
