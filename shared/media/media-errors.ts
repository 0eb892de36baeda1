import { MediaRejected } from '#shared/domain/errors.ts';
import { logger } from '#shared/logger.ts';

/**
 * Decoder failures in words a person can act on. libvips, libheif and ffmpeg speak of their own
 * internals (`[matroska,webm @ 0x5b3b1c0] …`, `VipsJpeg: Bogus DQT index 15`) and ffmpeg echoes
 * its input, a temporary path or a signed URL: that detail goes to the log, the sentence to the record.
 */

const CAUSES: [RegExp, string][] = [
  [/premature end|ended prematurely|truncat|unexpected end|end of file|not enough data/i, 'the file is truncated'],
  [/moov atom not found/i, 'its index (the moov box) is missing, so the upload is incomplete'],
  // Before "unsupported": libjpeg calls a garbled marker an "Unsupported marker type".
  [/corrupt|bogus|invalid|unsupported marker/i, 'its data is corrupt'],
  [
    /unsupported|not supported|not implemented|no decoder|decoder .* not found|unknown codec|could not find codec/i,
    'its format or codec is not supported',
  ],
  [/pixel limit/i, 'it has more pixels than Darkroom decodes'],
];

const because = (detail: string) => CAUSES.find(([pattern]) => pattern.test(detail))?.[1] ?? 'its data is corrupt';

const rejected = (reason: string, detail: string): MediaRejected => {
  logger.warn('media rejected', { reason, detail: detail.slice(0, 2000) });
  return new MediaRejected(reason);
};

export const imageDecodeError = (error: unknown): MediaRejected => {
  const detail = error instanceof Error ? error.message : String(error);
  return /timeout/i.test(detail)
    ? rejected('the image cannot be decoded in the time allowed', detail)
    : rejected(`the image cannot be decoded: ${because(detail)}`, detail);
};

/** `stage` is what ffmpeg was doing: reading the container (ffprobe) or decoding a frame. */
export const videoError = (stage: 'read' | 'decoded', detail: string, timedOut = false): MediaRejected =>
  timedOut
    ? rejected(`the video cannot be ${stage} in the time allowed`, detail)
    : rejected(`the video cannot be ${stage}: ${because(detail)}`, detail);
