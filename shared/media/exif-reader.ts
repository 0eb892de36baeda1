import { readFile } from 'node:fs/promises';
import exifr from 'exifr';
import type { Original } from '#shared/domain/ports.ts';
import { logger } from '#shared/logger.ts';
import { MAX_EXIF_BYTES, pngMetadata } from './png-metadata.ts';

/**
 * Only the tags the contract reads are picked, each once: exifr decodes every entry of an IFD, so
 * 65 535 entries all pointing at the same 1 MB string made minutes of work out of a 30 MB chunk.
 * IFD0 also points at a TIFF's XMP (0x02bc) and IPTC (0x83bb).
 */
const PICKED = {
  ifd0: [0x010e, 0x010f, 0x0110, 0x0112, 0x0132, 0x4746, 0x02bc, 0x83bb],
  exif: [0x829a, 0x829d, 0x8827, 0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9204, 0x920a, 0xa434, 0xfdea],
  gps: [0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x001d],
};

export const EXIFR_OPTIONS = {
  tiff: true,
  ifd0: { pick: PICKED.ifd0 },
  exif: { pick: PICKED.exif },
  gps: { pick: PICKED.gps },
  xmp: true,
  // The profile's name is read from libvips' copy (icc-description.ts): exifr's ICC parser is unbounded.
  icc: false,
  iptc: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  mergeOutput: true,
  // Unrevived and untranslated: Orientation stays a number, dates stay the camera's text.
  reviveValues: false,
  translateValues: false,
};

/** PNG keeps eXIf wherever it likes, so small PNGs are read whole. */
const PNG_WHOLE_LIMIT = 32 * 1024 * 1024;

const stripExifHeader = (exif: Buffer) =>
  exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;

/**
 * Where each format's EXIF can be read from, never more than a bounded amount: the head (1 MiB)
 * for most formats, which also bounds the HEIF item data exifr looks at.
 */
const source = async (file: Original, mimeType: string, sharpExif?: Buffer): Promise<Buffer | undefined> => {
  if (file.kind !== 'disk') return file.head;
  // exifr cannot parse WebP containers; libvips hands over the raw EXIF block.
  if (mimeType === 'image/webp')
    return sharpExif && sharpExif.length <= MAX_EXIF_BYTES ? stripExifHeader(sharpExif) : undefined;
  if (mimeType === 'image/png')
    return pngMetadata(file.size <= PNG_WHOLE_LIMIT ? await readFile(file.path) : file.head);
  return file.head;
};

/**
 * Raw tags, or none: broken metadata never costs the photo. exifr is given a Buffer, not a path:
 * with a path it reads chunks and misses EXIF that sits after large APP segments. `sharpExif` is
 * the EXIF block libvips found, for the formats exifr cannot read itself.
 */
export const readTags = async (
  file: Original,
  mimeType: string,
  sharpExif?: Buffer,
): Promise<Record<string, unknown>> => {
  try {
    const input = await source(file, mimeType, sharpExif);
    if (!input || input.length === 0) return {};
    const tags = (await exifr.parse(input, EXIFR_OPTIONS)) as Record<string, unknown> | undefined;
    return tags ?? {};
  } catch (error) {
    logger.warn('unreadable metadata; keeping the file without it', { error: (error as Error).message });
    return {};
  }
};
