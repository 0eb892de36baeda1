import { around } from 'geokdbush';
import KDBush from 'kdbush';

// The populated places of GeoNames, compiled at build time (infra/build/place-index.ts) into one
// file that loads without parsing: a kd-tree of the coordinates and, per place, its name and the
// indexes of its region, country and time zone. Loading is a read and a few typed-array views.
//
// Layout: "DRPLACE1", a u32 header length, the JSON header, then the sections it lists, each at an
// 8-byte-aligned offset of the file.

const MAGIC = 'DRPLACE1';
/** Regions are u16 indexes; this one means "no region known". */
export const NO_REGION = 0xffff;

export interface PlaceTables {
  /** The data and rules it was built from, so a stale cached copy can be told apart. */
  source: string;
  /** `${country code}` for each country index. */
  countries: string[];
  /** English country name by the same index. */
  countryNames: string[];
  regions: string[];
  zones: string[];
  /** The zones each country's places are in, by country index. */
  countryZones: number[][];
}

interface Header extends PlaceTables {
  count: number;
  sections: Record<SectionName, { offset: number; length: number }>;
}

const SECTIONS = ['tree', 'nameLengths', 'names', 'region', 'country', 'zone'] as const;
type SectionName = (typeof SECTIONS)[number];

export interface PlaceRecord {
  name: string;
  latitude: number;
  longitude: number;
  country: number;
  region: number;
  zone: number;
}

export interface NearPlace {
  name: string;
  region: string | null;
  countryCode: string;
  country: string;
  timezone: string;
}

/** Writes the file's bytes. Coordinates are float32: within 2 m anywhere on Earth. */
export const encodePlaceIndex = (places: PlaceRecord[], tables: PlaceTables): Buffer => {
  const tree = new KDBush(places.length, 64, Float32Array);
  for (const place of places) tree.add(place.longitude, place.latitude);
  tree.finish();
  const encoded = places.map((p) => Buffer.from(p.name, 'utf8'));
  if (encoded.some((name) => name.length > 255)) throw new Error('place index: a name is over 255 bytes');
  const bodies: Record<SectionName, Uint8Array> = {
    tree: new Uint8Array(tree.data),
    nameLengths: Uint8Array.from(encoded, (name) => name.length),
    names: Buffer.concat(encoded),
    region: bytesOf(Uint16Array.from(places, (p) => p.region)),
    country: Uint8Array.from(places, (p) => p.country),
    zone: bytesOf(Uint16Array.from(places, (p) => p.zone)),
  };
  let offset = 0;
  const sections = {} as Header['sections'];
  for (const name of SECTIONS) {
    sections[name] = { offset, length: bodies[name].byteLength };
    offset = align(offset + bodies[name].byteLength);
  }
  const header = Buffer.from(JSON.stringify({ count: places.length, sections, ...tables } satisfies Header));
  const start = align(MAGIC.length + 4 + header.length);
  const file = Buffer.alloc(start + offset);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(header.length, MAGIC.length);
  header.copy(file, MAGIC.length + 4);
  for (const name of SECTIONS) file.set(bodies[name], start + sections[name].offset);
  return file;
};

const align = (n: number) => Math.ceil(n / 8) * 8;
const bytesOf = (array: Uint16Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** The compiled places, searchable by great-circle distance. */
export class PlaceIndex {
  private readonly tree: KDBush;
  private readonly nameStarts: Uint32Array;
  private readonly names: Buffer;
  private readonly region: Uint16Array;
  private readonly country: Uint8Array;
  private readonly zone: Uint16Array;
  private readonly decoder = new TextDecoder();

  private constructor(
    file: Buffer,
    private readonly header: Header,
    start: number,
  ) {
    const section = (name: SectionName) => {
      const { offset, length } = header.sections[name];
      return { at: file.byteOffset + start + offset, length };
    };
    const slice = (name: SectionName) => {
      const { at, length } = section(name);
      return file.buffer.slice(at, at + length);
    };
    // The tree and the u16 columns get buffers of their own: typed views need aligned offsets.
    this.tree = KDBush.from(slice('tree'));
    this.region = new Uint16Array(slice('region'));
    this.zone = new Uint16Array(slice('zone'));
    const country = section('country');
    this.country = new Uint8Array(file.buffer, country.at, country.length);
    const names = section('names');
    this.names = Buffer.from(file.buffer, names.at, names.length);
    const lengths = section('nameLengths');
    const nameLengths = new Uint8Array(file.buffer, lengths.at, lengths.length);
    this.nameStarts = new Uint32Array(header.count + 1);
    for (let i = 0; i < header.count; i++) this.nameStarts[i + 1] = (this.nameStarts[i] ?? 0) + (nameLengths[i] ?? 0);
  }

  static decode(file: Buffer): PlaceIndex {
    if (file.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a Darkroom place index');
    const headerLength = file.readUInt32LE(MAGIC.length);
    const header = JSON.parse(file.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as Header;
    return new PlaceIndex(file, header, align(MAGIC.length + 4 + headerLength));
  }

  get source(): string {
    return this.header.source;
  }

  get size(): number {
    return this.header.count;
  }

  /** The nearest place within `maxKm` that `accept`s the country code, if any. */
  nearest(latitude: number, longitude: number, maxKm: number, accept?: (countryCode: string) => boolean) {
    const filter = accept && ((i: number) => accept(this.header.countries[this.country[i] ?? 0] ?? ''));
    const [id] = around(this.tree, longitude, latitude, 1, maxKm, filter);
    return id === undefined ? undefined : this.place(id);
  }

  /** The time zones the country's places are in (none for a country the index does not know). */
  zonesOf(code: string): string[] {
    const i = this.header.countries.indexOf(code);
    return (this.header.countryZones[i] ?? []).map((zone) => this.header.zones[zone] ?? '');
  }

  /** The English name of a country code the index knows. */
  countryName(code: string): string | undefined {
    const i = this.header.countries.indexOf(code);
    return i < 0 ? undefined : this.header.countryNames[i];
  }

  private place(id: number): NearPlace {
    const country = this.country[id] ?? 0;
    const region = this.region[id] ?? NO_REGION;
    return {
      name: this.decoder.decode(this.names.subarray(this.nameStarts[id], this.nameStarts[id + 1])),
      region: region === NO_REGION ? null : (this.header.regions[region] ?? null),
      countryCode: this.header.countries[country] ?? '',
      country: this.header.countryNames[country] ?? '',
      timezone: this.header.zones[this.zone[id] ?? 0] ?? '',
    };
  }
}
