import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { iccDescription } from '#shared/media/icc-description.ts';

const profileOf = async (profile: string) => {
  const image = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
    .withIccProfile(profile)
    .png()
    .toBuffer();
  return (await sharp(image).metadata()).icc;
};

/** A profile header and one `desc` tag of type `mluc` whose record count is 4 294 967 295. */
const hostileMluc = () => {
  const icc = Buffer.alloc(256);
  icc.writeUInt32BE(1, 128);
  icc.write('desc', 132, 'latin1');
  icc.writeUInt32BE(144, 136);
  icc.writeUInt32BE(112, 140);
  icc.write('mluc', 144, 'latin1');
  icc.writeUInt32BE(0xffffffff, 152); // records
  icc.writeUInt32BE(0, 156); // record size 0: every record is the first
  icc.write('enUS', 160, 'latin1');
  icc.writeUInt32BE(8, 164);
  icc.writeUInt32BE(28, 168);
  icc.write('\0B\0o\0m\0b', 172, 'latin1');
  return icc;
};

describe('the ICC profile name', () => {
  it('is read from v2 (desc) and v4 (mluc) profiles', async () => {
    expect(iccDescription(await profileOf('p3'))).toMatch(/P3/);
    expect(iccDescription(await profileOf('srgb'))).toMatch(/sRGB/);
  });

  it('is read once from a record that claims four billion entries', () => {
    expect(iccDescription(hostileMluc())).toBe('Bomb');
  });

  it('is absent from a profile whose tag table claims more tags than it holds', () => {
    const icc = Buffer.alloc(200);
    icc.writeUInt32BE(0xffffffff, 128);
    expect(iccDescription(icc)).toBeUndefined();
    expect(iccDescription(undefined)).toBeUndefined();
  });
});
