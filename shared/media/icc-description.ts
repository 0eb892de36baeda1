import { MAX_TEXT } from '#shared/domain/exif.ts';

/**
 * The name an ICC profile gives itself (its `desc` tag), or undefined. Read here rather than by
 * exifr, whose ICC parser loops as often as the profile's own counts say (a 4-billion-entry `mluc`
 * record in a few bytes) and, for PNG, inflates the iCCP chunk with no limit. The profile comes from
 * libvips, which drops an iCCP that inflates past its own chunk limit.
 */

const TAG_COUNT_AT = 128;
const TAG_TABLE_AT = 132;
const TAG_ENTRY = 12;
/** Real profiles carry a few dozen tags; the table is searched no further than this. */
const MAX_TAGS = 1024;
/** A UTF-16 name of MAX_TEXT characters; any longer would be cut by the normaliser anyway. */
const MAX_NAME_BYTES = 2 * MAX_TEXT;

const within = (icc: Buffer, offset: number, length: number) =>
  offset >= 0 && length >= 0 && offset + length <= icc.length;

/** v4 `mluc`: localised UTF-16BE records; the first one names the profile. */
const mluc = (icc: Buffer, at: number): string | undefined => {
  if (!within(icc, at, 28) || icc.readUInt32BE(at + 8) === 0) return undefined;
  const length = Math.min(icc.readUInt32BE(at + 20), MAX_NAME_BYTES) & ~1;
  const start = at + icc.readUInt32BE(at + 24);
  if (!within(icc, start, length)) return undefined;
  // Copied before swapping: swap16 works in place, and the profile is libvips' buffer.
  return Buffer.from(icc.subarray(start, start + length))
    .swap16()
    .toString('utf16le');
};

/** v2 `desc`: an ASCII count (with its NUL), then the ASCII name. */
const textDescription = (icc: Buffer, at: number): string | undefined => {
  if (!within(icc, at, 12)) return undefined;
  const length = Math.min(icc.readUInt32BE(at + 8), MAX_NAME_BYTES);
  return within(icc, at + 12, length) ? icc.toString('latin1', at + 12, at + 12 + length) : undefined;
};

export const iccDescription = (icc: Buffer | undefined): string | undefined => {
  if (!icc || !within(icc, 0, TAG_TABLE_AT)) return undefined;
  const tags = Math.min(icc.readUInt32BE(TAG_COUNT_AT), MAX_TAGS);
  for (let i = 0; i < tags; i++) {
    const entry = TAG_TABLE_AT + i * TAG_ENTRY;
    if (!within(icc, entry, TAG_ENTRY)) return undefined;
    if (icc.toString('latin1', entry, entry + 4) !== 'desc') continue;
    const at = icc.readUInt32BE(entry + 4);
    if (!within(icc, at, 4)) return undefined;
    const type = icc.toString('latin1', at, at + 4);
    if (type === 'mluc') return mluc(icc, at);
    if (type === 'desc') return textDescription(icc, at);
    return undefined;
  }
  return undefined;
};
