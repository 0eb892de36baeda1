// The single-table layout (DESIGN.md §4). The CDK table and the local table are both built from this.

export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * Copies of a geotagged asset's position at the top of its item: an index can project top-level
 * attributes only, and the geo index carries these so a query filters by area without the items.
 */
export const GEO_ATTRIBUTES = { latitude: 'geoLat', longitude: 'geoLon' } as const;

export const INDEXES = {
  /** A library's timeline: LIB#{library} / {local_datetime}#{asset_id}. */
  libraryTimeline: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** A user's timeline across their libraries: USER#{owner} / {local_datetime}#{asset_id}. */
  ownerTimeline: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /**
   * Sparse: only pending assets carry its keys, so the sweep reads the few uploads still waiting
   * instead of scanning the table. PENDING#{shard} / {created_at}#{asset_id}.
   */
  pendingUploads: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  /**
   * A library's timeline of one media class: LIB#{library}#{image|video} / {local_datetime}#{asset_id}.
   * One index (CloudFormation adds one GSI per update); across libraries its partitions are merged.
   */
  libraryMediaTimeline: { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  /**
   * Sparse: ready assets with a position. GEO#{library} / {geohash9}#{local_datetime}#{asset_id}, so
   * an area is a few key ranges of geohash prefixes. Projects only what the area, media and date
   * filters read (the sort key holds time and id; `mimeType` is the asset's own attribute), so a
   * dense viewport reads small entries and fetches whole items for one page only.
   */
  geo: {
    name: 'gsi5',
    partitionKey: 'gsi5pk',
    sortKey: 'gsi5sk',
    include: [GEO_ATTRIBUTES.latitude, GEO_ATTRIBUTES.longitude, 'mimeType'],
  },
} as const;

export type IndexDefinition = (typeof INDEXES)[keyof typeof INDEXES];

/** What an index projects, for the CDK table and the local table alike: all of the item, or the named attributes. */
export const projectionOf = (
  index: IndexDefinition,
): { type: 'ALL' } | { type: 'INCLUDE'; nonKeyAttributes: readonly string[] } =>
  'include' in index ? { type: 'INCLUDE', nonKeyAttributes: index.include } : { type: 'ALL' };

export const STRING_ATTRIBUTES = [
  TABLE_KEY.partitionKey,
  TABLE_KEY.sortKey,
  INDEXES.libraryTimeline.partitionKey,
  INDEXES.libraryTimeline.sortKey,
  INDEXES.ownerTimeline.partitionKey,
  INDEXES.ownerTimeline.sortKey,
  INDEXES.pendingUploads.partitionKey,
  INDEXES.pendingUploads.sortKey,
  INDEXES.libraryMediaTimeline.partitionKey,
  INDEXES.libraryMediaTimeline.sortKey,
  INDEXES.geo.partitionKey,
  INDEXES.geo.sortKey,
] as const;
