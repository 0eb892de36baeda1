import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLACE_INDEX } from '#shared/config.ts';
import { encodePlaceIndex, NO_REGION, PlaceIndex } from '#shared/geo/place-index.ts';
import { ReverseGeocoder } from '#shared/geo/reverse-geocoder.ts';

// The compiled GeoNames index (built by the test run's global setup) and the real polygons. Every
// expected name is written here by hand, after checking it on a map.
const geocoder = new ReverseGeocoder(PlaceIndex.decode(readFileSync(DEFAULT_PLACE_INDEX)));
const at = (latitude: number, longitude: number) => geocoder.lookup(latitude, longitude);

describe('reverse geocoding', () => {
  it('names a city centre on every inhabited continent', () => {
    expect(at(48.8566, 2.3522)).toEqual({
      city: 'Paris',
      state: 'Île-de-France',
      country: 'France',
      countryCode: 'FR',
      timezone: 'Europe/Paris',
    });
    expect(at(40.7128, -74.006)).toEqual({
      city: 'New York City',
      state: 'New York',
      country: 'United States of America',
      countryCode: 'US',
      timezone: 'America/New_York',
    });
    expect(at(-23.5505, -46.6333)).toEqual({
      city: 'São Paulo',
      state: 'São Paulo',
      country: 'Brazil',
      countryCode: 'BR',
      timezone: 'America/Sao_Paulo',
    });
    expect(at(35.6812, 139.7671)).toEqual({
      city: 'Tokyo',
      state: 'Tokyo',
      country: 'Japan',
      countryCode: 'JP',
      timezone: 'Asia/Tokyo',
    });
    expect(at(-1.2864, 36.8172)).toEqual({
      city: 'Nairobi',
      state: 'Nairobi County',
      country: 'Kenya',
      countryCode: 'KE',
      timezone: 'Africa/Nairobi',
    });
    expect(at(-33.8688, 151.2093)).toEqual({
      city: 'Sydney',
      state: 'New South Wales',
      country: 'Australia',
      countryCode: 'AU',
      timezone: 'Australia/Sydney',
    });
  });

  it('names the town of the country the point is in, not the nearer one across the border', () => {
    // 2.3 km inside Belgium north of Antwerp; the nearest town is Putte on the Dutch side.
    expect(at(51.3444, 4.4282)).toMatchObject({ city: 'Kapellen', state: 'Flanders', country: 'Belgium' });
    // 3.2 km inside Austria at the Scharnitz pass; Krün in Bavaria is nearer.
    expect(at(47.4579, 11.4538)).toMatchObject({ city: 'Scharnitz', state: 'Tyrol', country: 'Austria' });
  });

  it('falls back to the country alone when none of its towns is within 25 km', () => {
    // 2.8 km inside Bulgaria, whose nearest town is Bosilegrad in Serbia; the zone is Bulgaria's
    // although the zone polygons put the point in Serbia's.
    expect(at(42.602, 22.4864)).toEqual({
      city: null,
      state: null,
      country: 'Bulgaria',
      countryCode: 'BG',
      timezone: 'Europe/Sofia',
    });
    // The Libyan desert, far from any town.
    expect(at(23, 22)).toEqual({
      city: null,
      state: null,
      country: 'Libya',
      countryCode: 'LY',
      timezone: 'Africa/Tripoli',
    });
  });

  it('names nothing at sea, but still knows the nautical time zone', () => {
    expect(at(30, -40)).toEqual({ city: null, state: null, country: null, countryCode: null, timezone: 'Etc/GMT+3' });
    expect(at(-30, -140)).toMatchObject({ city: null, state: null, country: null, countryCode: null });
  });

  it('names a territory as GeoNames does, and a reserved code as its country', () => {
    expect(at(64.18, -51.72)).toMatchObject({ city: 'Nuuk', country: 'Greenland', countryCode: 'GL' });
    expect(at(72, -40)).toMatchObject({ city: null, country: 'Greenland', countryCode: 'GL' });
    // Ceuta's polygon carries the exceptionally reserved code EA; GeoNames and ISO have it as Spain.
    expect(at(35.8894, -5.3213)).toMatchObject({ city: 'Ceuta', countryCode: 'ES', country: 'Spain' });
  });

  it('finds places on both sides of the antimeridian', () => {
    expect(at(-16.85, 179.99)).toMatchObject({ country: 'Fiji', timezone: 'Pacific/Fiji' });
    expect(at(-16.85, -179.99)).toMatchObject({ country: 'Fiji', timezone: 'Pacific/Fiji' });
  });

  it('gives nothing for a point off the globe', () => {
    expect(at(91, 0)).toEqual({ city: null, state: null, country: null, countryCode: null, timezone: null });
    expect(at(0, Number.NaN)).toMatchObject({ city: null, timezone: null });
  });
});

describe('the place index', () => {
  const tiny = () =>
    PlaceIndex.decode(
      encodePlaceIndex(
        [
          { name: 'East', latitude: -16.8, longitude: 179.95, country: 0, region: 0, zone: 0 },
          { name: 'Ünïcödé — 東京', latitude: 10, longitude: 10, country: 1, region: NO_REGION, zone: 1 },
        ],
        {
          source: 'test',
          countries: ['FJ', 'XX'],
          countryNames: ['Fiji', 'Nowhere'],
          regions: ['Northern'],
          zones: ['Pacific/Fiji', 'Etc/GMT'],
          countryZones: [[0], [1]],
        },
      ),
    );

  it('searches across the antimeridian by great-circle distance', () => {
    // A point 5.3 km east of the date line, a town 5.3 km west of it: 10.6 km apart.
    expect(tiny().nearest(-16.8, -179.95, 25)).toEqual({
      name: 'East',
      region: 'Northern',
      countryCode: 'FJ',
      country: 'Fiji',
      timezone: 'Pacific/Fiji',
    });
    expect(tiny().nearest(-16.8, -179.7, 25)).toBeUndefined();
  });

  it('keeps names byte for byte, and a place without a region has none', () => {
    expect(tiny().nearest(10, 10.01, 5)).toMatchObject({ name: 'Ünïcödé — 東京', region: null });
  });

  it('refuses a file that is not an index', () => {
    expect(() => PlaceIndex.decode(Buffer.from('not an index at all'))).toThrow('not a Darkroom place index');
  });
});
