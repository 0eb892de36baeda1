import tzLookup from '@photostructure/tz-lookup';
import { feature, iso1A2Code, iso1A2Codes } from '@rapideditor/country-coder';
import type { Gazetteer, Place } from '#shared/domain/ports.ts';
import type { PlaceIndex } from './place-index.ts';

/** A populated place names a photo taken up to this far from it (Immich's rule). */
export const PLACE_RADIUS_KM = 25;

const NOWHERE = { city: null, state: null, country: null, countryCode: null } as const;

/**
 * The place a point is in. The nearest GeoNames town within 25 km names it, unless the country
 * polygons (country-coder) put the point in another country than that town: then the nearest town
 * of the point's own country within 25 km, else the country alone. With no town near, the
 * polygon's country alone; at sea, no names. The time zone is the town's, else the zone polygons'.
 */
export class ReverseGeocoder implements Gazetteer {
  constructor(private readonly index: PlaceIndex) {}

  async placeAt(latitude: number, longitude: number): Promise<Place> {
    return this.lookup(latitude, longitude);
  }

  lookup(latitude: number, longitude: number): Place {
    if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) return { ...NOWHERE, timezone: null };
    const location: [number, number] = [longitude, latitude];
    // Every feature the point is in, territories and their countries both (IM and GB, PR and US).
    const containing = iso1A2Codes(location);
    let town = this.index.nearest(latitude, longitude, PLACE_RADIUS_KM);
    if (town && containing.length > 0 && !containing.includes(town.countryCode)) {
      town = this.index.nearest(latitude, longitude, PLACE_RADIUS_KM, (code) => containing.includes(code));
      if (!town) return this.countryAlone(latitude, longitude);
    }
    if (town) {
      return {
        city: town.name,
        state: town.region,
        country: town.country,
        countryCode: town.countryCode,
        timezone: town.timezone,
      };
    }
    return containing.length > 0
      ? this.countryAlone(latitude, longitude)
      : { ...NOWHERE, timezone: zoneAt(latitude, longitude) };
  }

  private countryAlone(latitude: number, longitude: number): Place {
    const location: [number, number] = [longitude, latitude];
    // The territory GeoNames would name (Greenland, Puerto Rico), but a country for the codes
    // ISO only reserves (Ceuta and Melilla are Spain's, as GeoNames has them).
    const territory = feature(location, { level: 'territory' })?.properties;
    const code = (territory?.isoStatus !== 'excRes' && territory?.iso1A2) || iso1A2Code(location);
    if (!code) return { ...NOWHERE, timezone: zoneAt(latitude, longitude) };
    return {
      city: null,
      state: null,
      country: this.index.countryName(code) ?? feature(code)?.properties.nameEn ?? null,
      countryCode: code,
      timezone: this.countryZoneAt(code, latitude, longitude),
    };
  }

  /**
   * The zone polygons are coarse near borders (a point in Bulgaria can read Europe/Belgrade): a
   * zone none of the country's towns is in gives way to the zone of its nearest town.
   */
  private countryZoneAt(code: string, latitude: number, longitude: number): string | null {
    const zone = zoneAt(latitude, longitude);
    const zones = this.index.zonesOf(code);
    if (zones.length === 0 || (zone && zones.includes(zone))) return zone;
    return this.index.nearest(latitude, longitude, Number.POSITIVE_INFINITY, (c) => c === code)?.timezone ?? zone;
  }
}

/** The zone polygons answer everywhere, the open sea included (its nautical zones, Etc/GMT±n). */
const zoneAt = (latitude: number, longitude: number): string | null => {
  try {
    return tzLookup(latitude, longitude);
  } catch {
    return null;
  }
};
