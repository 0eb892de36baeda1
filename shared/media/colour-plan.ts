import { iccDescription } from './icc-description.ts';

/**
 * What rendering does with an image's ICC profile. Converting between profiles is the costly step
 * of a preview (libvips converts at the decoded size, before the resize: 130 ms of a 12 MP JPEG's
 * 220), so it is done only where the outputs would otherwise show the wrong colours:
 * - `srgb`: no profile, or one that names itself sRGB: the pixels are sRGB already and are used
 *   as they are; the outputs carry no profile, which every viewer reads as sRGB.
 * - `attach`: a compact RGB profile (Display P3 from iPhones and newer cameras, Adobe RGB): the
 *   pixels stay in it and the profile goes on the preview and thumbnail, as Immich keeps P3. Every
 *   browser and phone colour-manages JPEG and WebP, and wide-gamut screens keep the wide gamut.
 * - `convert`: anything else (CMYK, greyscale or Lab profiles, RGB profiles too large to repeat
 *   on every thumbnail): libvips converts the pixels to sRGB.
 */
export type ColourPlan = { kind: 'srgb' } | { kind: 'attach'; icc: Buffer } | { kind: 'convert' };

/** Display P3 is 548 bytes, Adobe RGB 560; camera profiles of tens of KB would outweigh a thumbnail. */
export const MAX_ATTACHED_PROFILE = 8 * 1024;
/** An ICC header is 128 bytes; anything shorter is not a profile libvips could use. */
const ICC_HEADER = 128;

export const colourPlan = (icc: Buffer | undefined): ColourPlan => {
  if (!icc || icc.length < ICC_HEADER) return { kind: 'srgb' };
  if (icc.toString('latin1', 16, 20) !== 'RGB ') return { kind: 'convert' };
  if (/srgb/i.test(iccDescription(icc) ?? '')) return { kind: 'srgb' };
  return icc.length <= MAX_ATTACHED_PROFILE ? { kind: 'attach', icc } : { kind: 'convert' };
};
