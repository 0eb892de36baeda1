import type { Asset } from './asset.ts';

// Numbers and dates as a person reads them.

/** `local_datetime` is the wall clock where the photo was taken, carried as UTC: read it as UTC. */
export const localDate = (iso: string, style: 'long' | 'month' = 'long'): string =>
  new Date(iso).toLocaleString(undefined, {
    timeZone: 'UTC',
    ...(style === 'month' ? { year: 'numeric', month: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }),
  });

export const bytes = (n: number): string => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
};

export const duration = (seconds: number): string => {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

export const placeName = (asset: Pick<Asset, 'exif'>): string | undefined => {
  const exif = asset.exif;
  const parts = [exif?.city, exif?.state, exif?.country].filter((p): p is string => Boolean(p));
  return parts.length ? [...new Set(parts)].join(', ') : undefined;
};

/** An EXIF date as the camera's wall clock, with its offset when it recorded one. */
export const wallClock = (value: string): string => {
  const offset = value.match(/([+-]\d{2}:\d{2}|Z)$/)?.[1];
  const clock = localDate(`${value.slice(0, 19)}Z`);
  return offset && offset !== 'Z' ? `${clock} (UTC${offset})` : clock;
};

const exposure = (seconds: number) => (seconds >= 1 ? `${seconds} s` : `1/${Math.round(1 / seconds)} s`);

/** The camera's settings, one line each, skipping what it did not record. */
export const cameraLines = (exif: NonNullable<Asset['exif']>): [string, string][] => {
  const lines: [string, string | undefined][] = [
    ['Camera', [exif.make, exif.model].filter(Boolean).join(' ') || undefined],
    ['Lens', exif.lens_model ?? undefined],
    ['Aperture', exif.f_number ? `ƒ/${exif.f_number}` : undefined],
    ['Shutter', exif.exposure_time ? exposure(exif.exposure_time) : undefined],
    ['Focal length', exif.focal_length ? `${exif.focal_length} mm` : undefined],
    ['ISO', exif.iso ? String(exif.iso) : undefined],
    ['Exposure bias', exif.exposure_bias ? `${exif.exposure_bias > 0 ? '+' : ''}${exif.exposure_bias} EV` : undefined],
    ['Frame rate', exif.fps ? `${exif.fps} fps` : undefined],
    ['Taken', exif.original_datetime ? wallClock(exif.original_datetime) : undefined],
    [
      'Position',
      exif.latitude != null && exif.longitude != null
        ? `${exif.latitude.toFixed(5)}, ${exif.longitude.toFixed(5)}${exif.altitude != null ? ` (${Math.round(exif.altitude)} m)` : ''}`
        : undefined,
    ],
    ['Colour profile', exif.profile_description ?? undefined],
  ];
  return lines.filter((line): line is [string, string] => line[1] !== undefined);
};

/** A metric's key (`sharpness`, `exposure_mean`) as words. */
export const metricName = (key: string): string => {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};
