import { readFile } from 'node:fs/promises';
import exifr from 'exifr';
import type { LocalFile } from '../domain/ports.ts';
import { logger } from '../logger.ts';
import { loadSharp } from './native.ts';

const OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  xmp: true,
  icc: true,
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

/** Where each format's EXIF can be read from. */
const source = async (file: LocalFile, mimeType: string): Promise<Buffer | undefined> => {
  if (!file.path) return file.head;
  if (mimeType === 'image/webp') {
    // exifr cannot parse WebP containers; sharp hands over the raw EXIF block.
    const sharp = await loadSharp();
    const { exif } = await sharp(file.path).metadata();
    return exif && stripExifHeader(exif);
  }
  if (mimeType === 'image/png' && file.size <= PNG_WHOLE_LIMIT) return readFile(file.path);
  return file.head;
};

/**
 * Raw tags, or none: broken metadata never costs the photo. exifr is given a Buffer, not a path:
 * with a path it reads chunks and misses EXIF that sits after large APP segments.
 */
export const readTags = async (file: LocalFile, mimeType: string): Promise<Record<string, unknown>> => {
  try {
    const input = await source(file, mimeType);
    if (!input || input.length === 0) return {};
    const tags = (await exifr.parse(input, OPTIONS)) as Record<string, unknown> | undefined;
    return tags ?? {};
  } catch (error) {
    logger.warn('unreadable metadata; keeping the file without it', { error: (error as Error).message });
    return {};
  }
};
