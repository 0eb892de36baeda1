// The single-table layout (DESIGN.md §4). The CDK table and the local table are both built from this.

export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

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
} as const;

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
] as const;
