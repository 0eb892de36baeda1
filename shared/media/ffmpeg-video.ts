import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { MediaRejected } from '#shared/domain/errors.ts';
import { posterSeconds } from '#shared/domain/renditions.ts';
import { type ProbedVideo, parseRate } from '#shared/domain/video-metadata.ts';
import { type BinaryPaths, binary } from './binaries.ts';
import { videoError } from './media-errors.ts';

const run = promisify(execFile);
const TIMEOUT_MS = 60_000;
/** A poster frame is scaled to the preview's size inside ffmpeg, so it stays a few MB at most. */
const POSTER_EDGE = 1440;
const POSTER_MAX_BYTES = 64 * 1024 * 1024;
/**
 * How much of the input ffmpeg reads to find its streams: its defaults (5 MB, 5 s of media), spelled
 * out because they, with the kill after TIMEOUT_MS, are what bounds the work a hostile file can ask for.
 */
const PROBE_BOUNDS = ['-probesize', '5000000', '-analyzeduration', '5000000'];

interface FfprobeStream {
  codec_type?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  side_data_list?: { rotation?: number | string }[];
  tags?: Record<string, string>;
}

/** What a failed execFile says: ffprobe's stderr, and whether the timeout killed it. */
const failure = (error: unknown) => {
  const { stderr, killed, message } = error as { stderr?: string; killed?: boolean; message?: string };
  return { detail: String(stderr || message), timedOut: killed === true };
};

/** ffprobe and ffmpeg as child processes (the FfmpegVideo adapter); the input is a path or a signed URL. */
export class FfmpegVideo {
  constructor(private readonly paths: BinaryPaths = {}) {}

  async probe(input: string): Promise<ProbedVideo> {
    let output: string;
    try {
      ({ stdout: output } = await run(
        await binary('ffprobe', this.paths),
        ['-v', 'error', ...PROBE_BOUNDS, '-print_format', 'json', '-show_format', '-show_streams', input],
        { timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      ));
    } catch (error) {
      const { detail, timedOut } = failure(error);
      throw videoError('read', detail, timedOut);
    }
    const probed = JSON.parse(output) as {
      streams?: FfprobeStream[];
      format?: { duration?: string; tags?: Record<string, string> };
    };
    const video = probed.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
    if (!video?.width || !video.height) throw new MediaRejected('the file has no video stream');
    const duration = Number(probed.format?.duration ?? video.duration);
    if (!Number.isFinite(duration) || duration <= 0) throw new MediaRejected('the video has no duration');
    const rotation = Number(
      video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0,
    );
    return {
      durationSeconds: duration,
      width: video.width,
      height: video.height,
      rotation: Number.isFinite(rotation) ? rotation : 0,
      fps: parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate),
      tags: { ...video.tags, ...probed.format?.tags },
    };
  }

  /**
   * One frame about a second in (the first frame of shorter clips), upright (ffmpeg applies the
   * display matrix itself), as PNG no larger than the preview.
   */
  async poster(input: string, durationSeconds: number): Promise<Buffer> {
    const at = posterSeconds(durationSeconds);
    const args = [
      '-v',
      'error',
      '-nostdin',
      ...PROBE_BOUNDS,
      '-ss',
      String(at),
      '-i',
      input,
      '-frames:v',
      '1',
      '-vf',
      `scale=w='min(${POSTER_EDGE},iw)':h='min(${POSTER_EDGE},ih)':force_original_aspect_ratio=decrease`,
      '-f',
      'image2pipe',
      '-vcodec',
      'png',
      '-',
    ];
    const frame = await capture(await binary('ffmpeg', this.paths), args);
    if (frame.length === 0) throw new MediaRejected('the video has no frame that can be decoded');
    return frame;
  }
}

const capture = (command: string, args: string[]) =>
  new Promise<Buffer>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > POSTER_MAX_BYTES) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(chunks));
      reject(videoError('decoded', stderr.trim() || `ffmpeg exited ${code ?? signal}`, timedOut));
    });
  });
