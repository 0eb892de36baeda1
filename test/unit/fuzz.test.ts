import { Readable } from 'node:stream';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '#shared/domain/errors.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { AssetProcessor } from '#shared/domain/process-asset.ts';
import { parseMultipart } from '#shared/http/multipart.ts';
import { MediaPipeline } from '#shared/media/media-pipeline.ts';
import { spoolToDisk } from '#shared/storage/spool.ts';
import { MemoryAssets, MemoryStorage, memoryLedger, NOWHERE, pendingAsset } from '#test/helpers/fakes.ts';

// Random and mutated bytes through the real media code: every input ends ready or failed, in
// bounded time, and nothing but a MediaRejected (turned into `failed`) ever comes out.

let seeds: Buffer[] = [];
beforeAll(async () => {
  const base = sharp({ create: { width: 48, height: 32, channels: 3, background: '#3366cc' } });
  seeds = [
    await base.clone().jpeg().toBuffer(),
    await base.clone().png().toBuffer(),
    await base.clone().webp().toBuffer(),
  ];
});

const mutated = () =>
  fc
    .tuple(
      fc.nat({ max: 2 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([which, flips, cut]) => {
      const bytes = Buffer.from(seeds[which] ?? Buffer.alloc(0));
      for (const [at, value] of flips) if (bytes.length) bytes[at % bytes.length] = value;
      return cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
    });

const inputs = () =>
  fc.oneof(
    fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)),
    mutated(),
  );

const process = async (bytes: Buffer) => {
  const assets = new MemoryAssets();
  const processor = new AssetProcessor({
    assets,
    storage: new MemoryStorage(),
    media: new MediaPipeline(),
    places: NOWHERE,
    ledger: memoryLedger().ledger,
    clock: systemClock,
  });
  const { file, release } = await spoolToDisk(Readable.from([bytes]));
  try {
    const asset = pendingAsset(file);
    await assets.create(asset);
    const started = Date.now();
    const { outcome } = await processor.processFile(asset, file, { etag: 'e' });
    return { outcome, state: (await assets.get(asset.id))?.state, ms: Date.now() - started };
  } finally {
    await release();
  }
};

describe('fuzzing', () => {
  it('the processor always reaches a terminal state, quickly', async () => {
    await fc.assert(
      fc.asyncProperty(inputs(), async (bytes) => {
        const { outcome, state, ms } = await process(bytes);
        expect(['ready', 'failed']).toContain(outcome);
        expect(state).toBe(outcome);
        expect(ms).toBeLessThan(10_000);
      }),
      { numRuns: 150 },
    );
  }, 300_000);

  it('the multipart parser answers or refuses, never hangs or crashes', async () => {
    const boundary = 'XyZ';
    const part = (name: string, body: string, file = false) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? '; filename="a.jpg"' : ''}\r\n\r\n${body}\r\n`;
    const valid = `${part('device_id', 'd')}${part('asset_data', 'bytes', true)}--${boundary}--\r\n`;
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
      fc
        .tuple(fc.nat({ max: valid.length }), fc.string({ maxLength: 20 }))
        .map(([at, junk]) => Buffer.from(valid.slice(0, at) + junk + valid.slice(at))),
    );
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom(`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', 'text/plain'),
        async (body, type) => {
          try {
            const parsed = await parseMultipart(type, body);
            await parsed.file?.release();
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
