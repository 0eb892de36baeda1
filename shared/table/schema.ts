// The single-table layout (DESIGN.md §4). The CDK table and the local table are both built from this.

export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const INDEXES = {
  /** Timeline: LIB#{library} / {local_datetime}#{asset_id}. */
  timeline: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Lookup of any entity by its id: ID#{id}. */
  byId: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

export const STRING_ATTRIBUTES = [
  TABLE_KEY.partitionKey,
  TABLE_KEY.sortKey,
  INDEXES.timeline.partitionKey,
  INDEXES.timeline.sortKey,
  INDEXES.byId.partitionKey,
  INDEXES.byId.sortKey,
] as const;
