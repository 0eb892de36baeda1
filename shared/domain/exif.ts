import { formatExifDate, parseWallClock, type WallClock } from './datetime.ts';

/** The contract's EXIF fields (everything but asset_id and the timestamps); null when absent. */
/**
 * The contract's `exif` fields and what each holds, defined once: the Exif type, the empty
 * reading, the table's item schema and the API's response schema are all made from this.
 * `datetime` is ISO 8601 text (with its offset when the file has one).
 */
export const EXIF_FIELDS = {
  make: 'text',
  model: 'text',
  orientation: 'int',
  modified_datetime: 'datetime',
  original_datetime: 'datetime',
  digitized_datetime: 'datetime',
  lens_model: 'text',
  f_number: 'number',
  focal_length: 'number',
  iso: 'number',
  exposure_time: 'number',
  exposure_bias: 'number',
  latitude: 'number',
  longitude: 'number',
  altitude: 'number',
  city: 'text',
  state: 'text',
  country: 'text',
  description: 'text',
  fps: 'number',
  live_photo_cid: 'text',
  projection_type: 'text',
  profile_description: 'text',
  auto_stack_id: 'text',
  rating: 'number',
} as const;

export type ExifFieldKind = (typeof EXIF_FIELDS)[keyof typeof EXIF_FIELDS];

export type Exif = {
  -readonly [K in keyof typeof EXIF_FIELDS]: (typeof EXIF_FIELDS)[K] extends 'text' | 'datetime'
    ? string | null
    : number | null;
};

export const EMPTY_EXIF: Exif = Object.fromEntries(Object.keys(EXIF_FIELDS).map((name) => [name, null])) as Exif;

/** The exif fields as a schema shape: each field gets the schema given for its kind. */
export const exifShape = <M extends Record<ExifFieldKind, unknown>>(schemas: M) =>
  Object.fromEntries(Object.entries(EXIF_FIELDS).map(([name, kind]) => [name, schemas[kind]])) as {
    [K in keyof typeof EXIF_FIELDS]: M[(typeof EXIF_FIELDS)[K]];
  };

/** Text fields are capped so a hostile file cannot bloat the record towards DynamoDB's 400 KB. */
export const MAX_TEXT = 1024;

type Tags = Record<string, unknown>;

const text = (...values: unknown[]): string | null => {
  for (const value of values) {
    const candidate =
      typeof value === 'string'
        ? value
        : value && typeof value === 'object' && 'value' in value
          ? String((value as { value: unknown }).value)
          : undefined;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: EXIF strings are NUL-padded.
    const cleaned = candidate?.replace(/[\u0000-\u001f]+/g, ' ').trim();
    if (cleaned) return cleaned.slice(0, MAX_TEXT);
  }
  return null;
};

const rational = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const [n, d] = value.split('/').map(Number);
    if (n !== undefined && Number.isFinite(n))
      return d === undefined ? n : d !== 0 && Number.isFinite(d) ? n / d : undefined;
  }
  if (Array.isArray(value)) return rational(value[0]);
  return undefined;
};

const number = (...values: unknown[]): number | null => {
  for (const value of values) {
    const n = rational(value);
    if (n !== undefined && Number.isFinite(n)) return n;
  }
  return null;
};

/** A byte that exifr hands over as a number, an array or a typed array serialised as {0: n}. */
const firstByte = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object') return number((value as Record<string, unknown>)[0]) ?? undefined;
  return undefined;
};

const coordinate = (value: unknown, ref: unknown, negative: string): number | null => {
  let degrees: number | undefined;
  if (Array.isArray(value)) {
    const [d, m = 0, s = 0] = value.map(rational);
    if (d === undefined || m === undefined || s === undefined) return null;
    degrees = d + m / 60 + s / 3600;
  } else {
    degrees = rational(value);
  }
  if (degrees === undefined || !Number.isFinite(degrees)) return null;
  const sign = typeof ref === 'string' && ref.trim().toUpperCase().startsWith(negative) ? -1 : 1;
  return sign * Math.abs(degrees);
};

/**
 * An empty GPS IFD is "no location", and so is a point outside the globe or exactly 0,0 (what a
 * GPS block with zeroed fields reads as; nobody photographs the Gulf of Guinea's Null Island).
 */
export const isPosition = (latitude: number, longitude: number): boolean =>
  Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && !(latitude === 0 && longitude === 0);

const gps = (tags: Tags): Pick<Exif, 'latitude' | 'longitude' | 'altitude'> => {
  const latitude = coordinate(tags.GPSLatitude, tags.GPSLatitudeRef, 'S');
  const longitude = coordinate(tags.GPSLongitude, tags.GPSLongitudeRef, 'W');
  const valid = latitude !== null && longitude !== null && isPosition(latitude, longitude);
  const altitude = number(tags.GPSAltitude);
  return {
    latitude: valid ? latitude : null,
    longitude: valid ? longitude : null,
    altitude: altitude === null ? null : firstByte(tags.GPSAltitudeRef) === 1 ? -Math.abs(altitude) : altitude,
  };
};

const firstClock = (...clocks: (WallClock | undefined)[]) => clocks.find((c) => c !== undefined);

/** GPS time is UTC by definition: a fallback capture time when nothing else is recorded. */
const gpsClock = (tags: Tags): WallClock | undefined => {
  const date = typeof tags.GPSDateStamp === 'string' ? tags.GPSDateStamp : undefined;
  const time = tags.GPSTimeStamp;
  if (typeof time === 'string')
    return universal(parseWallClock(time.includes('T') ? time : date ? `${date} ${time}` : undefined, '+00:00'));
  if (!date || !Array.isArray(time)) return undefined;
  const [h, m, s] = time.map((v) => Math.floor(rational(v) ?? Number.NaN));
  if ([h, m, s].some((v) => v === undefined || Number.isNaN(v))) return undefined;
  const pad = (v: number | undefined) => String(v).padStart(2, '0');
  return universal(parseWallClock(`${date} ${pad(h)}:${pad(m)}:${pad(s)}`, '+00:00'));
};

export const universal = (clock: WallClock | undefined): WallClock | undefined =>
  clock && { ...clock, universal: true };

export interface ExifReading {
  exif: Exif;
  /** The capture wall clock, for `local_datetime`; undefined when the file records none. */
  captured?: WallClock;
}

/** Turns raw tags (exifr's merged output, values unrevived) into the contract's fields. */
export const normaliseExif = (tags: Tags): ExifReading => {
  // Sub-second tags are left out: the datetimes read as the camera wrote them, as exiftool shows them.
  const original = parseWallClock(tags.DateTimeOriginal, tags.OffsetTimeOriginal);
  const digitized = parseWallClock(tags.CreateDate ?? tags.DateTimeDigitized, tags.OffsetTimeDigitized);
  const modified = parseWallClock(tags.ModifyDate ?? tags.DateTime, tags.OffsetTime);
  const created = parseWallClock(tags.DateCreated) ?? parseWallClock(tags.DateTimeCreated);
  const orientation = number(tags.Orientation);
  const rating = number(tags.Rating);
  const exif: Exif = {
    ...EMPTY_EXIF,
    make: text(tags.Make),
    model: text(tags.Model),
    orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : null,
    original_datetime: original ? formatExifDate(original) : null,
    digitized_datetime: digitized ? formatExifDate(digitized) : null,
    modified_datetime: modified ? formatExifDate(modified) : null,
    lens_model: text(tags.LensModel, tags.Lens),
    f_number: number(tags.FNumber),
    focal_length: number(tags.FocalLength),
    iso: number(tags.ISO, tags.ISOSpeedRatings, tags.PhotographicSensitivity),
    exposure_time: number(tags.ExposureTime),
    exposure_bias: number(tags.ExposureCompensation, tags.ExposureBiasValue),
    ...gps(tags),
    city: text(tags.City),
    state: text(tags.State, tags['Province-State']),
    country: text(tags.Country, tags['Country-PrimaryLocationName'], tags.CountryName),
    description: text(tags.ImageDescription, tags.description, tags.Caption, tags['Caption-Abstract']),
    projection_type: text(tags.ProjectionType),
    profile_description: text(tags.ProfileDescription),
    rating: rating !== null && rating >= -1 && rating <= 5 ? rating : null,
  };
  const captured = firstClock(original, digitized, created, gpsClock(tags));
  return captured ? { exif, captured } : { exif };
};
