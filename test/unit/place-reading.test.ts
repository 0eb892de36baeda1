import { describe, expect, it } from 'vitest';
import { EMPTY_EXIF, type ExifReading } from '#shared/domain/exif.ts';
import { placeReading } from '#shared/domain/place-reading.ts';
import type { Gazetteer, Place } from '#shared/domain/ports.ts';

const KATHMANDU: Place = {
  city: 'Kathmandu',
  state: 'Bagmati Province',
  country: 'Nepal',
  countryCode: 'NP',
  timezone: 'Asia/Kathmandu',
};
const SEA: Place = { city: null, state: null, country: null, countryCode: null, timezone: 'Etc/GMT+3' };
const gazetteer = (place: Place): Gazetteer & { asked: number } => {
  const g = {
    asked: 0,
    placeAt: async () => {
      g.asked++;
      return place;
    },
  };
  return g;
};

const reading = (exif: Partial<ExifReading['exif']>, captured?: ExifReading['captured']): ExifReading => ({
  exif: { ...EMPTY_EXIF, latitude: 27.7172, longitude: 85.324, ...exif },
  ...(captured && { captured }),
});

describe('placing a reading', () => {
  it('names the place and gives capture times without an offset the zone’s', async () => {
    const placed = await placeReading(
      reading(
        {
          original_datetime: '2024-05-01T09:00:00Z',
          digitized_datetime: '2024-05-01T09:00:00Z',
          modified_datetime: '2024-05-02T10:00:00Z',
        },
        { local: '2024-05-01T09:00:00' },
      ),
      gazetteer(KATHMANDU),
    );
    expect(placed.reading.exif).toMatchObject({
      city: 'Kathmandu',
      state: 'Bagmati Province',
      country: 'Nepal',
      original_datetime: '2024-05-01T09:00:00+05:45',
      digitized_datetime: '2024-05-01T09:00:00+05:45',
      // Software, not the camera, may have written it, anywhere: left as it was.
      modified_datetime: '2024-05-02T10:00:00Z',
    });
    expect(placed).toMatchObject({ countryCode: 'NP', timezone: 'Asia/Kathmandu' });
    // The camera's wall clock (local_datetime) stays what it showed.
    expect(placed.reading.captured).toEqual({ local: '2024-05-01T09:00:00' });
  });

  it('keeps an offset the camera recorded', async () => {
    const placed = await placeReading(
      reading({ original_datetime: '2024-05-01T09:00:00+01:00' }, { local: '2024-05-01T09:00:00', offset: '+01:00' }),
      gazetteer(KATHMANDU),
    );
    expect(placed.reading.exif.original_datetime).toBe('2024-05-01T09:00:00+01:00');
    expect(placed.reading.captured).toEqual({ local: '2024-05-01T09:00:00', offset: '+01:00' });
  });

  it('turns a UTC-only capture time into the zone’s wall clock', async () => {
    const video = await placeReading(
      reading(
        { original_datetime: '2024-05-01T03:15:00+00:00' },
        { local: '2024-05-01T03:15:00', offset: '+00:00', universal: true },
      ),
      gazetteer(KATHMANDU),
    );
    expect(video.reading.captured).toEqual({ local: '2024-05-01T09:00:00', offset: '+05:45' });
    expect(video.reading.exif.original_datetime).toBe('2024-05-01T09:00:00+05:45');
  });

  it('drops the file’s own place names for the position’s, at sea for none', async () => {
    const placed = await placeReading(reading({ city: 'Atlantis', country: 'Ocean' }), gazetteer(SEA));
    expect(placed.reading.exif).toMatchObject({ city: null, state: null, country: null });
    expect(placed).toEqual({ reading: placed.reading, timezone: 'Etc/GMT+3' });
  });

  it('asks nothing of a photo without a position, and keeps its own names', async () => {
    const places = gazetteer(KATHMANDU);
    const own = reading({ latitude: null, longitude: null, city: 'Lyon', original_datetime: '2024-05-01T09:00:00Z' });
    const placed = await placeReading(own, places);
    expect(placed).toEqual({ reading: own });
    expect(places.asked).toBe(0);
  });

  it('leaves the times alone when the zone is one the runtime does not know', async () => {
    const placed = await placeReading(
      reading({ original_datetime: '2024-05-01T09:00:00Z' }, { local: '2024-05-01T09:00:00' }),
      gazetteer({ ...KATHMANDU, timezone: 'Mars/Olympus_Mons' }),
    );
    expect(placed.reading.exif.original_datetime).toBe('2024-05-01T09:00:00Z');
    expect(placed.timezone).toBeUndefined();
  });
});
