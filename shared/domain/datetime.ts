// Capture times. EXIF stores the camera's wall clock ("2024:01:15 08:30:45") and, separately and
// optionally, its UTC offset ("+10:00"). We keep both meanings apart: `local_datetime` is the wall
// clock written as if it were UTC (what upstream does), the exif datetimes carry the real offset.

export interface WallClock {
  /** "2024-01-15T08:30:45" or with ".123" fraction. */
  local: string;
  /** "+10:00" when the file said so. */
  offset?: string;
  /** The clock is UTC (GPS time, a video container's creation time), not the camera's wall clock. */
  universal?: true;
}

const EXIF_DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

export const normaliseOffset = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = OFFSET.exec(value.trim());
  if (!match) return undefined;
  const [, sign, hh, mm] = match;
  if (Number(hh) > 14 || Number(mm) > 59) return undefined;
  return `${sign}${hh}:${mm}`;
};

/** Reads an EXIF/XMP date string; undefined for anything that is not a plausible date. */
export const parseWallClock = (value: unknown, offset?: unknown): WallClock | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = EXIF_DATE.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  if (year < 1800 || year > 2200 || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31)
    return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const millis = fraction ? `.${fraction.slice(1, 4).padEnd(3, '0')}` : '';
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}${millis === '.000' ? '' : millis}`;
  const zoneOffset = zone === 'Z' ? '+00:00' : normaliseOffset(zone);
  const chosen = zoneOffset ?? normaliseOffset(offset);
  return chosen ? { local, offset: chosen } : { local };
};

/** "2024-01-15T08:30:45+10:00" when the offset is known, else the wall clock as UTC ("…Z"). */
export const formatExifDate = (clock: WallClock): string => `${clock.local}${clock.offset ?? 'Z'}`;

/** The wall clock written as UTC, upstream's `local_datetime` convention. */
export const localDatetime = (clock: WallClock): string => `${clock.local}Z`;

/** An ISO 8601 instant as API output: no ".000" fraction. */
export const formatInstant = (date: Date): string => date.toISOString().replace('.000Z', 'Z');

/** Sortable form of an API timestamp: always with milliseconds, always UTC. */
export const sortableInstant = (iso: string): string => new Date(iso).toISOString();
