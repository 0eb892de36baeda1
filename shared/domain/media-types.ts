// What Darkroom accepts, by content (the sniffed type), never by the client's claim or extension.

export const IMAGE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/avif',
  'image/heic',
  'image/heif',
  'image/tiff',
  'image/gif',
] as const;

export const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/3gpp', 'video/x-m4v', 'video/webm'] as const;

export type ImageType = (typeof IMAGE_TYPES)[number];
export type VideoType = (typeof VIDEO_TYPES)[number];
export type MediaType = ImageType | VideoType;

export const isImageType = (mime: string): mime is ImageType => (IMAGE_TYPES as readonly string[]).includes(mime);
export const isVideoType = (mime: string): mime is VideoType => (VIDEO_TYPES as readonly string[]).includes(mime);
export const isMediaType = (mime: string): mime is MediaType => isImageType(mime) || isVideoType(mime);

/** Upstream's `media_type`: the class of what the bytes are; undefined for bytes of no known type. */
export type MediaClass = 'image' | 'video';
export const mediaClassOf = (mime: string | undefined): MediaClass | undefined =>
  mime === undefined ? undefined : isImageType(mime) ? 'image' : isVideoType(mime) ? 'video' : undefined;

const MiB = 1024 * 1024;
/** Largest original accepted per kind: a photo over 200 MiB is not a photo we can decode in a Lambda. */
export const MAX_IMAGE_BYTES = 200 * MiB;
/** Largest video: a long 4K clip, uploaded in parts. */
export const MAX_VIDEO_BYTES = 50 * 1024 * MiB;

export const maxBytesFor = (mime: MediaType): number => (isImageType(mime) ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES);

/** Decoded pixels above this are refused from the header, before any decoder allocates. */
export const MAX_PIXELS = 120_000_000;
