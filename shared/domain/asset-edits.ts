import type { Asset } from './asset.ts';
import { ownedAsset } from './asset-queries.ts';
import { formatExifDate, localDatetime, type WallClock } from './datetime.ts';
import { Conflict, NotFound } from './errors.ts';
import type { ExifReading } from './exif.ts';
import { placeReading } from './place-reading.ts';
import type { AssetRepository, Clock, Gazetteer } from './ports.ts';

/**
 * What a user set by hand, over what the file says (the Gumnut SDK's `update_asset`): kept apart
 * from the file's own reading, so clearing one (null) brings the file's value back and
 * reprocessing never loses one.
 */
export interface AssetOverrides {
  description?: string;
  position?: { latitude: number; longitude: number };
  originalDatetime?: WallClock;
}

/** One edit: a field absent is unchanged, null clears the override. */
export interface AssetChange {
  description?: string | null;
  position?: { latitude: number; longitude: number } | null;
  originalDatetime?: WallClock | null;
}

/** The file's reading with the overrides on top: what naming the place and the timeline start from. */
export const withOverrides = (reading: ExifReading, overrides: AssetOverrides | undefined): ExifReading => {
  if (!overrides) return reading;
  const exif = { ...reading.exif };
  if (overrides.description !== undefined) exif.description = overrides.description;
  if (overrides.position) {
    exif.latitude = overrides.position.latitude;
    exif.longitude = overrides.position.longitude;
  }
  const captured = overrides.originalDatetime ?? reading.captured;
  if (overrides.originalDatetime) exif.original_datetime = formatExifDate(overrides.originalDatetime);
  return captured ? { exif, captured } : { exif };
};

export const applyChange = (overrides: AssetOverrides = {}, change: AssetChange): AssetOverrides | undefined => {
  const next: AssetOverrides = { ...overrides };
  for (const key of ['description', 'position', 'originalDatetime'] as const) {
    const value = change[key];
    if (value === null) delete next[key];
    else if (value !== undefined) Object.assign(next, { [key]: value });
  }
  return Object.keys(next).length > 0 ? next : undefined;
};

/**
 * An asset's fields from a reading: its EXIF (places named by the gazetteer where it has a
 * position), its zone, and its timeline position. What the processor writes, and an edit.
 */
export const placedFields = async (asset: Asset, reading: ExifReading, places: Gazetteer) => {
  const placed = await placeReading(withOverrides(reading, asset.overrides), places);
  const { countryCode: _c, timezone: _t, ...rest } = asset;
  return {
    ...rest,
    exif: placed.reading.exif,
    localDatetime: placed.reading.captured ? localDatetime(placed.reading.captured) : asset.fileCreatedAt,
    ...(placed.countryCode && { countryCode: placed.countryCode }),
    ...(placed.timezone && { timezone: placed.timezone }),
  } satisfies Asset;
};

/** The reading an asset was processed from; a record from before readings were kept rebuilds one from its EXIF. */
const fileReadingOf = (asset: Asset): ExifReading | undefined => {
  if (asset.fileReading) return asset.fileReading;
  if (!asset.exif) return undefined;
  const local = asset.localDatetime.replace(/Z$/, '');
  return { exif: asset.exif, captured: { local } };
};

const EDIT_ATTEMPTS = 3;

/** Edits of assets' description, position and capture time (`PATCH /api/assets/{id}`, bulk-update). */
export class AssetEdits {
  constructor(
    private readonly deps: {
      assets: AssetRepository;
      places: Gazetteer;
      clock: Clock;
      /** The asset moved on the timeline: its albums' orders follow. */
      moved?: (asset: Asset) => Promise<void>;
    },
  ) {}

  async update(owner: string, id: string, change: AssetChange): Promise<Asset> {
    for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
      const asset = await ownedAsset(this.deps.assets, owner, id);
      const edited = await this.edited(asset, change);
      // Only over the record just read: a processor or another edit that wrote meanwhile is read again.
      if (await this.deps.assets.save(edited, { updatedAt: asset.updatedAt })) {
        if (edited.localDatetime !== asset.localDatetime) await this.deps.moved?.(edited);
        return edited;
      }
    }
    throw new Conflict(`asset ${id} kept changing while it was edited; try again`);
  }

  /** All or nothing before any write: every id must be the caller's (bulk-update). */
  async updateMany(owner: string, updates: { id: string; change: AssetChange }[]): Promise<void> {
    const found = await this.deps.assets.getMany([...new Set(updates.map((u) => u.id))]);
    const mine = new Set(found.filter((a) => a.owner === owner && a.state !== 'duplicate').map((a) => a.id));
    const missing = updates.find((u) => !mine.has(u.id));
    // The same words for someone else's asset as for none at all.
    if (missing) throw new NotFound('asset not found');
    for (const { id, change } of updates) await this.update(owner, id, change);
  }

  private async edited(asset: Asset, change: AssetChange): Promise<Asset> {
    const overrides = applyChange(asset.overrides, change);
    const { overrides: _o, ...rest } = asset;
    const next: Asset = {
      ...rest,
      ...(overrides && { overrides }),
      editVersion: (asset.editVersion ?? 0) + 1,
      updatedAt: this.deps.clock.now().toISOString(),
    };
    const reading = fileReadingOf(asset);
    // A pending asset gets its overrides applied when it is processed. A record from before
    // readings were kept keeps the one rebuilt now, so a later clear brings these values back.
    return reading ? placedFields({ ...next, fileReading: reading }, reading, this.deps.places) : next;
  }
}
