import { logger } from '#shared/logger.ts';

/**
 * A PNG cut down to the metadata exifr may read, each chunk within a bound. exifr walks every chunk,
 * inflates iCCP with no limit (a 1 MB file became 1 GiB), and parses XMP and eXIf of any size (27 MB
 * of XMP took 10 s and 1 GB). Chunks are length-prefixed, so the walk reads headers only and copies
 * the few chunks kept; nothing here inflates.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const XMP_KEYWORD = 'XML:com.adobe.xmp\0';
/** A chunk is length, type, data and CRC. */
const FRAME = 12;

/** Past XMP's own 64 KB JPEG segment many times over; larger XMP is skipped, the photo kept. */
const MAX_XMP_BYTES = 1024 * 1024;
/** A camera's EXIF fits JPEG's 64 KB segment; an eXIf chunk sixteen times that is not a camera's. */
export const MAX_EXIF_BYTES = 1024 * 1024;
/** tEXt only ever adds free-form keys the contract does not read; a few are kept, not thousands. */
const MAX_TEXT_BYTES = 64 * 1024;
/**
 * Encoders write IDAT in 8–64 KB pieces, so a 32 MB PNG has a few thousand chunks; past this many
 * the walk stops and keeps what it found.
 */
const MAX_PNG_CHUNKS = 100_000;
/** Metadata worth a log line when left out; iCCP is always left out, since libvips reads the profile. */
const NOTED = new Set(['eXIf', 'iTXt', 'tEXt', 'zTXt']);

type Kept = (type: string, data: Buffer, budget: { text: number }) => boolean;

const keep: Kept = (type, data, budget) => {
  if (type === 'IHDR') return true;
  if (type === 'eXIf') return data.length <= MAX_EXIF_BYTES;
  if (type === 'tEXt') {
    budget.text -= data.length;
    return budget.text >= 0;
  }
  // Only uncompressed XMP: exifr cannot read the compressed form, and reading it would mean inflating.
  if (type === 'iTXt' && data.toString('latin1', 0, XMP_KEYWORD.length) === XMP_KEYWORD) {
    return data[XMP_KEYWORD.length] === 0 && data.length <= MAX_XMP_BYTES;
  }
  return false;
};

export const pngMetadata = (png: Buffer): Buffer => {
  const parts: Buffer[] = [SIGNATURE];
  const budget = { text: MAX_TEXT_BYTES };
  const skipped = new Set<string>();
  let offset = SIGNATURE.length;
  for (let chunks = 0; offset + FRAME <= png.length && chunks < MAX_PNG_CHUNKS; chunks++) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + FRAME + length;
    if (end > png.length) break;
    if (keep(type, png.subarray(offset + 8, end - 4), budget)) parts.push(png.subarray(offset, end));
    else if (NOTED.has(type)) skipped.add(type);
    if (type === 'IEND') break;
    offset = end;
  }
  if (skipped.size > 0) logger.info('PNG metadata left unread', { chunks: [...skipped] });
  return Buffer.concat(parts);
};
