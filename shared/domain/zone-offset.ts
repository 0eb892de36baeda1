// UTC offsets of IANA time zones, from the runtime's own time-zone data (Intl), at an instant or at
// a wall clock. A wall clock is ambiguous twice a year in a zone with summer time; the choice is
// Temporal's "compatible" one: in the hour that repeats, its first pass (summer time); in the hour
// that is skipped, the offset in force before the skip (the clock had not been put forward yet).

const HOUR_MS = 3_600_000;
const formats = new Map<string, Intl.DateTimeFormat>();

const formatFor = (zone: string) => {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formats.set(zone, format);
  }
  return format;
};

/** Whether the runtime knows the zone. */
export const isKnownZone = (zone: string): boolean => {
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
};

/** Minutes east of UTC in `zone` at the instant `ms`. */
export const offsetMinutesAt = (zone: string, ms: number): number => {
  const name = formatFor(zone)
    .formatToParts(ms)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (!match) throw new Error(`no offset for ${zone}: ${name}`);
  const [, sign, hh, mm] = match;
  return sign ? (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) : 0;
};

/** "+05:45" */
export const formatOffset = (minutes: number): string => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** The offset `zone` had when its clocks showed `local` ("2024-03-31T02:30:00", no offset). */
export const offsetAtWallClock = (zone: string, local: string): string => {
  const wall = Date.parse(`${local}Z`);
  if (Number.isNaN(wall)) throw new Error(`not a wall clock: ${local}`);
  // A zone changes offset at most once in any two days: the offsets a day either side are the
  // only candidates, and a candidate fits if the instant it gives has that very offset.
  const before = offsetMinutesAt(zone, wall - 24 * HOUR_MS);
  const after = offsetMinutesAt(zone, wall + 24 * HOUR_MS);
  const fits = [before, after].filter((offset) => offsetMinutesAt(zone, wall - offset * 60_000) === offset);
  // Two fits: the repeated hour, whose first pass has the larger offset. None: the skipped hour.
  return formatOffset(fits.length > 0 ? Math.max(...fits) : before);
};

/** The wall clock `zone` showed at the UTC instant `ms`, and its offset then. */
export const wallClockAt = (zone: string, ms: number): { local: string; offset: string } => {
  const offset = offsetMinutesAt(zone, ms);
  const local = new Date(ms + offset * 60_000).toISOString().replace(/\.000Z$|Z$/, '');
  return { local, offset: formatOffset(offset) };
};
