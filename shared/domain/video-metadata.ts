import { formatExifDate, parseWallClock } from './datetime.ts';
import { EMPTY_EXIF, type ExifReading, isPosition, MAX_TEXT, universal } from './exif.ts';

/** What ffprobe says of a file, reduced to what we read. */
export interface ProbedVideo {
  durationSeconds: number;
  /** Coded size of the video stream. */
  width: number;
  height: number;
  /** Degrees from the display matrix (or the legacy `rotate` tag). */
  rotation: number;
  fps: number | null;
  tags: Record<string, string>;
}

/** "+37.7749-122.4194+010.000/" → latitude, longitude and optional altitude. */
export const parseIso6709 = (value: string | undefined) => {
  const match = /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?/.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [latitude, longitude] = [Number(match[1]), Number(match[2])];
  if (!isPosition(latitude, longitude)) return undefined;
  return { latitude, longitude, altitude: match[3] === undefined ? null : Number(match[3]) };
};

/** "30000/1001" → 29.97; undefined for 0/0 and the like. */
export const parseRate = (value: string | undefined): number | null => {
  const [n, d] = (value ?? '').split('/').map(Number);
  return n && d && Number.isFinite(n / d) ? Math.round((n / d) * 1000) / 1000 : null;
};

const text = (value: string | undefined) => value?.trim().slice(0, MAX_TEXT) || null;

/** Display size: a quarter turn swaps the coded width and height. */
export const displaySize = (video: ProbedVideo) =>
  Math.abs(video.rotation) % 180 === 90
    ? { width: video.height, height: video.width }
    : { width: video.width, height: video.height };

/**
 * The contract's EXIF fields from container tags. QuickTime's `creationdate` carries the camera's
 * offset ("+0200") and wins over the container's `creation_time`, which is UTC.
 */
export const videoReading = (video: ProbedVideo): ExifReading => {
  const tags = Object.fromEntries(Object.entries(video.tags).map(([k, v]) => [k.toLowerCase(), v]));
  const local = parseWallClock(tags['com.apple.quicktime.creationdate']);
  const utc = universal(parseWallClock(tags.creation_time, '+00:00'));
  const captured = local ?? utc;
  const place = parseIso6709(tags['com.apple.quicktime.location.iso6709'] ?? tags.location ?? tags['location-eng']);
  const exif = {
    ...EMPTY_EXIF,
    make: text(tags['com.apple.quicktime.make'] ?? tags['com.android.manufacturer'] ?? tags.make),
    model: text(tags['com.apple.quicktime.model'] ?? tags['com.android.model'] ?? tags.model),
    original_datetime: captured ? formatExifDate(captured) : null,
    latitude: place?.latitude ?? null,
    longitude: place?.longitude ?? null,
    altitude: place?.altitude ?? null,
    fps: video.fps,
    live_photo_cid: text(tags['com.apple.quicktime.content.identifier']),
    description: text(tags.description ?? tags.comment),
  };
  return captured ? { exif, captured } : { exif };
};
