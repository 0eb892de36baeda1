import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSequencers } from '#shared/domain/asset.ts';
import { sanitiseFileName } from '#shared/domain/uploads.ts';
import { bmffTruncation } from '#shared/media/bmff.ts';
import { parseOriginalKey } from '#shared/object-keys.ts';
import { attachment } from '#shared/storage/s3-storage.ts';

describe('sequencers', () => {
  it('compare as right-zero-padded hex', () => {
    expect(compareSequencers('0A', '0A00')).toBe(0);
    expect(compareSequencers('0B', '0A99')).toBe(1);
    expect(compareSequencers('0064D3901D00059242', '0064D3901D00059243')).toBe(-1);
    expect(compareSequencers('ff', 'FF')).toBe(0);
  });

  // As S3 writes them: hex digits, of either case, of varying length.
  const sequencer = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 24 });
  const sign = (n: number) => Math.sign(n) + 0;
  /** An oracle that shares no code with the comparator: right-padding is scaling by 16 per digit. */
  const scaled = (hex: string, width: number) => BigInt(`0x${hex}`) * 16n ** BigInt(width - hex.length);

  it('order like the numbers they are once right-padded with zeros to the same width', () => {
    fc.assert(
      fc.property(sequencer, sequencer, (a, b) => {
        const width = Math.max(a.length, b.length);
        const [x, y] = [scaled(a, width), scaled(b, width)];
        expect(compareSequencers(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });

  it('are a total order: reflexive, antisymmetric and transitive', () => {
    fc.assert(
      fc.property(sequencer, sequencer, sequencer, (a, b, c) => {
        expect(compareSequencers(a, a)).toBe(0);
        expect(sign(compareSequencers(a, b))).toBe(sign(-compareSequencers(b, a)));
        const [p, q, r] = [a, b, c].sort(compareSequencers);
        expect(compareSequencers(p as string, r as string)).toBeLessThanOrEqual(0);
        if (compareSequencers(p as string, q as string) < 0 || compareSequencers(q as string, r as string) < 0) {
          expect(compareSequencers(p as string, r as string)).toBeLessThan(0);
        }
      }),
    );
  });

  it('ignore trailing zeros and letter case', () => {
    fc.assert(
      fc.property(sequencer, sequencer, fc.nat({ max: 8 }), (a, b, zeros) => {
        expect(compareSequencers(a, a + '0'.repeat(zeros))).toBe(0);
        expect(compareSequencers(a + '0'.repeat(zeros), b)).toBe(compareSequencers(a, b));
        expect(compareSequencers(a.toLowerCase(), b.toUpperCase())).toBe(compareSequencers(a, b));
      }),
    );
  });

  it('a later event of the same key, which S3 gives a longer or larger sequencer, sorts after', () => {
    fc.assert(
      fc.property(
        sequencer,
        fc.string({ unit: fc.constantFrom(...'123456789ABCDEF'), minLength: 1, maxLength: 4 }),
        (a, more) => {
          expect(compareSequencers(a, a + more)).toBe(-1);
          expect(compareSequencers(a + more, a)).toBe(1);
        },
      ),
    );
  });
});

describe('file names and keys', () => {
  it('keep a display name only: no path, no control characters, at most 255 characters', () => {
    expect(sanitiseFileName('../../t2/x.jpg')).toBe('x.jpg');
    expect(sanitiseFileName('C:\\photos\\y.jpg')).toBe('y.jpg');
    expect(sanitiseFileName('a\u0000b\nc.jpg')).toBe('abc.jpg');
    expect(sanitiseFileName('..')).toBe('original');
    expect(sanitiseFileName(`${'n'.repeat(1000)}.jpg`)).toHaveLength(255);
  });

  it('parse only keys the API made', () => {
    expect(parseOriginalKey('originals/user_abc/asset_def')).toEqual({ owner: 'user_abc', assetId: 'asset_def' });
    expect(parseOriginalKey('originals/user_abc/asset_def/x')).toBeUndefined();
    expect(parseOriginalKey('derived/user_abc/asset_def')).toBeUndefined();
  });

  it('serve originals as attachments with an ASCII fallback and the UTF-8 name', () => {
    expect(attachment('été "x".jpg')).toBe(
      `attachment; filename="_t_ _x_.jpg"; filename*=UTF-8''%C3%A9t%C3%A9%20%22x%22.jpg`,
    );
  });
});

describe('ISO-BMFF truncation', () => {
  const box = (type: string, payload: number) => {
    const b = Buffer.alloc(8 + payload);
    b.writeUInt32BE(8 + payload, 0);
    b.write(type, 4, 'latin1');
    return b;
  };
  const file = async (bytes: Buffer) => {
    const path = join(await mkdtemp(join(tmpdir(), 'bmff-')), 'f');
    await writeFile(path, bytes);
    return path;
  };

  it('accepts boxes that end within the file', async () => {
    const bytes = Buffer.concat([box('ftyp', 16), box('meta', 100), box('mdat', 1000)]);
    expect(await bmffTruncation(await file(bytes), bytes.length)).toBeUndefined();
  });

  it('names the box that runs past the end', async () => {
    const whole = Buffer.concat([box('ftyp', 16), box('mdat', 1000)]);
    const cut = whole.subarray(0, 500);
    expect(await bmffTruncation(await file(cut), cut.length)).toMatch(/box "mdat" needs 1032 bytes, the file has 500/);
  });

  it('refuses impossible sizes', async () => {
    const bytes = Buffer.concat([box('ftyp', 16), Buffer.from([0, 0, 0, 3, 0x6d, 0x64, 0x61, 0x74])]);
    expect(await bmffTruncation(await file(bytes), bytes.length)).toMatch(/impossible size/);
  });
});
