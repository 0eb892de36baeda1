import { MediaRejected } from '#shared/domain/errors.ts';
import { isImageType, isVideoType } from '#shared/domain/media-types.ts';
import type { Inspection, MediaProcessor, Original, Rendition } from '#shared/domain/ports.ts';
import { displaySize, videoReading } from '#shared/domain/video-metadata.ts';
import { bmffTruncationOf } from './bmff.ts';
import { FfmpegVideo } from './ffmpeg-video.ts';
import { imageDecodeError } from './media-errors.ts';
import { SharpImage } from './sharp-image.ts';
import { sniffType } from './sniff.ts';

/** Containers whose top-level boxes are walked for truncation: decoders do not notice it. */
const BMFF = new Set([
  'image/heic',
  'image/heif',
  'image/avif',
  'video/mp4',
  'video/quicktime',
  'video/3gpp',
  'video/x-m4v',
]);

/** A path or a signed URL, whichever copy of the original there is. */
const readable = (file: Original) => (file.kind === 'disk' ? file.path : file.url);

/**
 * The MediaProcessor port over the media adapters: file-type sniffs, the ISO-BMFF walk checks
 * containers, ffprobe/ffmpeg probe videos and take their poster frame, sharp renders. From the
 * frame on a video is rendered like a photo.
 */
export class MediaPipeline implements MediaProcessor {
  constructor(
    private readonly video = new FfmpegVideo(),
    private readonly image = new SharpImage(),
  ) {}

  sniff(file: Original): Promise<string | undefined> {
    return sniffType(file);
  }

  async inspect(file: Original): Promise<Inspection> {
    if (file.size === 0) throw new MediaRejected('the file is empty');
    const mimeType = await this.sniff(file);
    if (!mimeType || !(isImageType(mimeType) || isVideoType(mimeType))) {
      throw new MediaRejected(`${mimeType ?? 'the content'} is not an image or video format Darkroom accepts`);
    }
    if (BMFF.has(mimeType)) {
      const truncated = await bmffTruncationOf(file);
      if (truncated) throw new MediaRejected(truncated);
    }
    if (isVideoType(mimeType)) {
      const probed = await this.video.probe(readable(file));
      const { width, height } = displaySize(probed);
      return {
        mimeType,
        kind: 'video',
        width,
        height,
        durationSeconds: probed.durationSeconds,
        reading: videoReading(probed),
      };
    }
    if (file.kind !== 'disk') throw new MediaRejected('the image is too large to process');
    return this.image.inspect(file, mimeType);
  }

  /** Decodes once; whatever a decoder throws becomes the asset's MediaRejected reason. */
  async render(file: Original, inspection: Inspection): Promise<Rendition> {
    try {
      const source =
        inspection.kind === 'video'
          ? { frame: await this.video.poster(readable(file), inspection.durationSeconds ?? 0) }
          : { path: readable(file) };
      return await this.image.render(source, inspection);
    } catch (error) {
      if (error instanceof MediaRejected) throw error;
      throw imageDecodeError(error);
    }
  }
}
