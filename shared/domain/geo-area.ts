import { Invalid } from './errors.ts';
import type { PlainBox } from './geohash.ts';

// The area a location filter names, as the Gumnut SDK sends it: `bbox` as west,south,east,north
// (a west beyond the east crosses the antimeridian), or `center` as longitude,latitude with
// `radius` in metres.

/** A viewport; `west > east` is the band running east from `west` over ±180° to `east`. */
export interface GeoBox {
  kind: 'box';
  west: number;
  south: number;
  east: number;
  north: number;
}
export interface GeoCircle {
  kind: 'circle';
  latitude: number;
  longitude: number;
  /** Metres. */
  radius: number;
}
export type GeoArea = GeoBox | GeoCircle;

/** Upstream's ceiling: a radius filter is for "near here", a wider area is a viewport. */
export const MAX_RADIUS_METRES = 50_000;
/** The mean Earth radius (IUGG), what the distance and the circle's bounding box both use. */
const EARTH_RADIUS_METRES = 6_371_008.8;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const numbers = (param: string, text: string, count: number, shape: string): number[] => {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== count || parts.some((p) => !DECIMAL.test(p)))
    throw new Invalid(`query parameter ${param}: must be ${count} comma-separated decimal degrees (${shape})`);
  return parts.map(Number);
};

const checkLatitude = (param: string, value: number) => {
  if (!(value >= -90 && value <= 90))
    throw new Invalid(`query parameter ${param}: latitude ${value} is outside -90..90`);
};
const checkLongitude = (param: string, value: number) => {
  if (!(value >= -180 && value <= 180))
    throw new Invalid(`query parameter ${param}: longitude ${value} is outside -180..180`);
};

export const parseBbox = (text: string): GeoBox => {
  const [west, south, east, north] = numbers(
    'bbox',
    text,
    4,
    'min_longitude,min_latitude,max_longitude,max_latitude',
  ) as [number, number, number, number];
  for (const lon of [west, east]) checkLongitude('bbox', lon);
  for (const lat of [south, north]) checkLatitude('bbox', lat);
  // Longitudes in either order mean something (a crossing viewport); latitudes do not.
  if (south > north) throw new Invalid('query parameter bbox: min_latitude is north of max_latitude');
  return { kind: 'box', west, south, east, north };
};

export const parseCircle = (center: string, radius: number): GeoCircle => {
  const [longitude, latitude] = numbers('center', center, 2, 'longitude,latitude') as [number, number];
  checkLongitude('center', longitude);
  checkLatitude('center', latitude);
  if (!(radius > 0 && radius <= MAX_RADIUS_METRES))
    throw new Invalid(`query parameter radius: must be greater than 0 and at most ${MAX_RADIUS_METRES} metres`);
  return { kind: 'circle', latitude, longitude, radius };
};

/** The area of a list request's location parameters, if any; the two modes exclude each other. */
export const geoAreaOf = (params: { bbox?: string; center?: string; radius?: number }): GeoArea | undefined => {
  if (params.bbox !== undefined && (params.center !== undefined || params.radius !== undefined))
    throw new Invalid('query parameter bbox: give either bbox or center with radius, not both');
  if (params.bbox !== undefined) return parseBbox(params.bbox);
  if (params.center === undefined && params.radius === undefined) return undefined;
  if (params.center === undefined) throw new Invalid('query parameter center: required with radius');
  if (params.radius === undefined) throw new Invalid('query parameter radius: required with center');
  return parseCircle(params.center, params.radius);
};

const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export const distanceMetres = (lat1: number, lon1: number, lat2: number, lon2: number): number => {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
};

/** The smallest box holding the circle; it crosses the antimeridian when the circle does. */
export const circleBox = (circle: GeoCircle): GeoBox => {
  const angle = circle.radius / EARTH_RADIUS_METRES;
  const dLat = angle / RAD;
  const south = circle.latitude - dLat;
  const north = circle.latitude + dLat;
  // A circle over a pole holds every longitude near it.
  if (south <= -90 || north >= 90)
    return { kind: 'box', west: -180, east: 180, south: Math.max(-90, south), north: Math.min(90, north) };
  const dLon = Math.asin(Math.min(1, Math.sin(angle) / Math.cos(circle.latitude * RAD))) / RAD;
  let west = circle.longitude - dLon;
  let east = circle.longitude + dLon;
  if (west < -180) west += 360;
  if (east > 180) east -= 360;
  return { kind: 'box', west, south, east, north };
};

const boxOf = (area: GeoArea): GeoBox => (area.kind === 'box' ? area : circleBox(area));

/** The area's bounding box as boxes that do not cross the antimeridian: one, or two either side of it. */
export const plainBoxes = (area: GeoArea): PlainBox[] => {
  const { west, south, east, north } = boxOf(area);
  return west <= east
    ? [{ west, south, east, north }]
    : [
        { west, south, east: 180, north },
        { west: -180, south, east, north },
      ];
};

export const inArea = (area: GeoArea, latitude: number, longitude: number): boolean => {
  if (area.kind === 'circle') return distanceMetres(area.latitude, area.longitude, latitude, longitude) <= area.radius;
  if (latitude < area.south || latitude > area.north) return false;
  return area.west <= area.east
    ? longitude >= area.west && longitude <= area.east
    : longitude >= area.west || longitude <= area.east;
};
