import { extname } from 'node:path';
import type { MediaType } from '#shared/domain/media-types.ts';

/**
 * The extensions the crawler offers for upload. The server decides by content, so this is only a
 * first sieve that keeps obvious junk off the wire; `satisfies` ties every value to what the API accepts.
 */
export const MEDIA_EXTENSIONS = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  heic: 'image/heic',
  heif: 'image/heif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  gif: 'image/gif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  '3gp': 'video/3gpp',
  m4v: 'video/x-m4v',
  webm: 'video/webm',
} as const satisfies Record<string, MediaType>;

// A media type the API accepts but no extension maps to fails to compile here.
type Unmapped = Exclude<MediaType, (typeof MEDIA_EXTENSIONS)[keyof typeof MEDIA_EXTENSIONS]>;
const everyTypeMapped: [Unmapped] extends [never] ? true : Unmapped = true;
void everyTypeMapped;

const isMediaExtension = (ext: string): ext is keyof typeof MEDIA_EXTENSIONS => Object.hasOwn(MEDIA_EXTENSIONS, ext);

/** The media type a file name claims, case-insensitively; undefined for any other extension. */
export const mediaTypeOfName = (name: string): MediaType | undefined => {
  const ext = extname(name).slice(1).toLowerCase();
  return isMediaExtension(ext) ? MEDIA_EXTENSIONS[ext] : undefined;
};
