import { formatExifDate, parseWallClock, type WallClock } from './datetime.ts';
import type { ExifReading } from './exif.ts';
import type { Gazetteer } from './ports.ts';
import { isKnownZone, offsetAtWallClock, wallClockAt } from './zone-offset.ts';

export interface PlacedReading {
  reading: ExifReading;
  countryCode?: string;
  timezone?: string;
}

/** The capture times a camera writes in its own wall clock: an offset they lack is the zone's. */
export const ZONE_INFERRED_FIELDS = ['original_datetime', 'digitized_datetime'] as const;

/**
 * Where a photo with a position was taken, and what that says of its times. The names are the
 * gazetteer's, all three or none (a file's own place names are kept only without a position). A
 * capture time without an offset gets the zone's at that wall clock; a UTC-only one (GPS time, a
 * video's creation time) becomes the zone's wall clock, which is what `local_datetime` shows.
 */
export const placeReading = async (reading: ExifReading, gazetteer: Gazetteer): Promise<PlacedReading> => {
  const { latitude, longitude } = reading.exif;
  if (latitude === null || longitude === null) return { reading };
  const place = await gazetteer.placeAt(latitude, longitude);
  const exif = { ...reading.exif, city: place.city, state: place.state, country: place.country };
  const zone = place.timezone && isKnownZone(place.timezone) ? place.timezone : undefined;
  let captured = reading.captured;
  if (zone) {
    for (const field of ZONE_INFERRED_FIELDS) {
      // "…Z" is how a time without a known offset is written (formatExifDate).
      const clock = exif[field]?.endsWith('Z') ? parseWallClock(exif[field]?.slice(0, -1)) : undefined;
      if (clock) exif[field] = formatExifDate({ ...clock, offset: offsetAtWallClock(zone, clock.local) });
    }
    if (captured?.universal) {
      const local: WallClock = wallClockAt(zone, Date.parse(`${captured.local}Z`));
      if (exif.original_datetime === formatExifDate(captured)) exif.original_datetime = formatExifDate(local);
      captured = local;
    }
  }
  return {
    reading: captured ? { exif, captured } : { exif },
    ...(place.countryCode && { countryCode: place.countryCode }),
    ...(zone && { timezone: zone }),
  };
};
