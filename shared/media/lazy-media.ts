import type { Inspection, MediaProcessor, Original, Rendition } from '#shared/domain/ports.ts';
import type { BinaryPaths } from './binaries.ts';
import { FfmpegVideo } from './ffmpeg-video.ts';

/**
 * The media stack (sharp, libheif's wasm, exifr, file-type) costs about 200 ms to load; most API
 * calls never touch it, so it is loaded on first use instead of at cold start.
 */
export class LazyMedia implements MediaProcessor {
  private loaded?: Promise<MediaProcessor>;

  constructor(private readonly binaries: BinaryPaths = {}) {}

  private media(): Promise<MediaProcessor> {
    this.loaded ??= import('./media-pipeline.ts').then(
      ({ MediaPipeline }) => new MediaPipeline(new FfmpegVideo(this.binaries)),
    );
    return this.loaded;
  }

  async sniff(file: Original): Promise<string | undefined> {
    return (await this.media()).sniff(file);
  }

  async inspect(file: Original): Promise<Inspection> {
    return (await this.media()).inspect(file);
  }

  async render(file: Original, inspection: Inspection): Promise<Rendition> {
    return (await this.media()).render(file, inspection);
  }
}
