import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colourPlan, MAX_ATTACHED_PROFILE } from '#shared/media/colour-plan.ts';
import { iccDescription } from '#shared/media/icc-description.ts';
import { withIccProfile } from '#shared/media/jpeg-icc.ts';

/** The profile libvips embeds for one of its built-in names. */
const builtIn = async (name: 'srgb' | 'p3' | 'cmyk') => {
  const image = sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } });
  const encoded = await image.withIccProfile(name).jpeg().toBuffer();
  return (await sharp(encoded).metadata()).icc as Buffer;
};

/** A profile header of the given colour space, padded to `size` bytes. */
const header = (space: string, size: number) => {
  const icc = Buffer.alloc(size);
  icc.write(space, 16, 'latin1');
  return icc;
};

describe('colourPlan', () => {
  it('uses sRGB and untagged pixels as they are', async () => {
    expect(colourPlan(undefined)).toEqual({ kind: 'srgb' });
    expect(colourPlan(await builtIn('srgb'))).toEqual({ kind: 'srgb' });
    expect(colourPlan(Buffer.alloc(20))).toEqual({ kind: 'srgb' });
  });

  it('keeps a compact RGB profile such as Display P3 attached', async () => {
    const p3 = await builtIn('p3');
    expect(iccDescription(p3)).toMatch(/P3/);
    expect(colourPlan(p3)).toEqual({ kind: 'attach', icc: p3 });
  });

  it('converts CMYK, greyscale and oversized RGB profiles', async () => {
    expect(colourPlan(await builtIn('cmyk'))).toEqual({ kind: 'convert' });
    expect(colourPlan(header('GRAY', 512))).toEqual({ kind: 'convert' });
    expect(colourPlan(header('RGB ', MAX_ATTACHED_PROFILE + 1))).toEqual({ kind: 'convert' });
    expect(colourPlan(header('RGB ', MAX_ATTACHED_PROFILE))).toMatchObject({ kind: 'attach' });
  });
});

describe('withIccProfile (JPEG)', () => {
  const jpeg = () =>
    sharp({ create: { width: 8, height: 8, channels: 3, background: '#c8321e' } })
      .jpeg()
      .toBuffer();

  it('embeds a profile that libvips reads back byte for byte', async () => {
    const p3 = await builtIn('p3');
    const tagged = withIccProfile(await jpeg(), p3);
    expect((await sharp(tagged).metadata()).icc?.equals(p3)).toBe(true);
    await sharp(tagged).raw().toBuffer();
  });

  it('puts it after a JFIF header, which must come first', async () => {
    const plain = await jpeg();
    const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
    const withJfif = Buffer.concat([plain.subarray(0, 2), jfif, plain.subarray(2)]);
    const tagged = withIccProfile(withJfif, await builtIn('p3'));
    expect(tagged.subarray(2, 4)).toEqual(Buffer.from([0xff, 0xe0]));
    expect(tagged.subarray(2 + jfif.length, 4 + jfif.length)).toEqual(Buffer.from([0xff, 0xe2]));
    expect(iccDescription((await sharp(tagged).metadata()).icc)).toMatch(/P3/);
  });

  it('splits a profile larger than one segment across numbered segments', async () => {
    const large = Buffer.concat([await builtIn('p3'), Buffer.alloc(150_000, 7)]);
    large.writeUInt32BE(large.length, 0);
    const tagged = withIccProfile(await jpeg(), large);
    expect((await sharp(tagged).metadata()).icc?.equals(large)).toBe(true);
  });

  it('refuses what is not a JPEG', () => {
    expect(() => withIccProfile(Buffer.from('GIF89a'), Buffer.alloc(200))).toThrow(/not a JPEG/);
  });
});
