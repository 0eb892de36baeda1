// Key builders for every item kind in the table. Each returns the full primary key.

import type { MediaClass } from '#shared/domain/media-types.ts';

export const keyItem = (hash: string) => ({ pk: `KEY#${hash}`, sk: 'KEY' });
/** One partition lists every key (few and small), so `keys list` and `keys revoke` need no scan. */
export const KEY_LISTING_PK = 'KEYS';
export const keyListing = (keyId: string) => ({ pk: KEY_LISTING_PK, sk: `KEY#${keyId}` });
export const userNameClaim = (name: string) => ({ pk: `USERNAME#${name}`, sk: 'USERNAME' });
export const userItem = (owner: string) => ({ pk: `USER#${owner}`, sk: 'USER' });
export const libraryItem = (owner: string, libraryId: string) => ({
  pk: `USER#${owner}`,
  sk: `LIB#${libraryId}`,
});
export const LIBRARY_SK_PREFIX = 'LIB#';
/** The owner's storage counters and quota, beside the user item. */
export const ownerUsageItem = (owner: string) => ({ pk: `USER#${owner}`, sk: 'USAGE' });
/** One asset's place in the counters; its own partition, so nothing that reads `ASSET#` items meets it. */
export const assetUsageItem = (assetId: string) => ({ pk: `USAGE#${assetId}`, sk: 'USAGE' });
/** The sort key every asset record has, so a scan can tell assets from the other item kinds. */
export const ASSET_SK = 'ASSET';
export const assetItem = (id: string) => ({ pk: `ASSET#${id}`, sk: ASSET_SK });
export const checksumClaim = (libraryId: string, checksum: string) => ({
  pk: `LIB#${libraryId}`,
  sk: `SHA256#${checksum}`,
});
export const sha1Entry = (libraryId: string, sha1: string) => ({ pk: `LIB#${libraryId}`, sk: `SHA1#${sha1}` });
export const deviceEntry = (libraryId: string, deviceId: string, deviceAssetId: string) => ({
  pk: `LIB#${libraryId}`,
  sk: `DEV#${deviceId}#${deviceAssetId}`,
});
/** The partitions of the two timeline indexes: a library's, and its owner's across libraries. */
export const libraryTimelinePartition = (libraryId: string) => `LIB#${libraryId}`;
export const ownerTimelinePartition = (owner: string) => `USER#${owner}`;
export const libraryMediaPartition = (libraryId: string, media: MediaClass) => `LIB#${libraryId}#${media}`;
/** A timeline position: capture time, then id, in every timeline index. */
export const timelinePosition = (sortableLocal: string, id: string) => `${sortableLocal}#${id}`;
/** Timeline positions in the library's, the owner's and (for images and videos) the media class's index. */
export const timelineKeys = (
  libraryId: string,
  owner: string,
  sortableLocal: string,
  id: string,
  media?: MediaClass,
) => ({
  gsi1pk: libraryTimelinePartition(libraryId),
  gsi1sk: timelinePosition(sortableLocal, id),
  gsi2pk: ownerTimelinePartition(owner),
  gsi2sk: timelinePosition(sortableLocal, id),
  ...(media && { gsi4pk: libraryMediaPartition(libraryId, media), gsi4sk: timelinePosition(sortableLocal, id) }),
});
/** A library's partition of the geo index. */
export const geoPartition = (libraryId: string) => `GEO#${libraryId}`;
/** A position in the geo index: the place's geohash first (areas are prefix ranges), then the timeline position. */
export const geoKeys = (libraryId: string, geohash: string, sortableLocal: string, id: string) => ({
  gsi5pk: geoPartition(libraryId),
  gsi5sk: `${geohash}#${timelinePosition(sortableLocal, id)}`,
});
/** The timeline position (time, then id) inside a geo sort key; a geohash never holds '#'. */
export const timelinePositionOfGeo = (geoSortKey: string) => geoSortKey.slice(geoSortKey.indexOf('#') + 1);
/** The asset id at the end of a timeline or geo sort key. */
export const assetIdOfPosition = (position: string) => position.slice(position.lastIndexOf('#') + 1);
/**
 * Every new upload writes the pending index and every processed one removes itself from it; with
 * a time-ordered sort key those writes all land at the end of one partition, so they are spread
 * over a few partitions the sweep reads in turn.
 */
export const PENDING_UPLOAD_SHARDS = 4;
export const pendingUploadPartition = (shard: number) => `PENDING#${shard}`;
const shardOf = (id: string) => [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0) % PENDING_UPLOAD_SHARDS;
/** A pending asset's place in the pending index, oldest first. */
export const pendingUploadKeys = (createdAt: string, id: string) => ({
  gsi3pk: pendingUploadPartition(shardOf(id)),
  gsi3sk: `${createdAt}#${id}`,
});

// The trash (asset-trash.ts): a trashed asset leaves every timeline, geo and pending partition
// and takes these instead, on the same indexes: its library's trash by trash time (gsi1), and
// the purge's queue by trash time, sharded like the pending index (gsi3).
export const libraryTrashPartition = (libraryId: string) => `TRASH#${libraryId}`;
export const trashPosition = (trashedAt: string, id: string) => `${trashedAt}#${id}`;
export const purgePartition = (shard: number) => `PURGE#${shard}`;
export const trashKeys = (libraryId: string, trashedAt: string, id: string) => ({
  gsi1pk: libraryTrashPartition(libraryId),
  gsi1sk: trashPosition(trashedAt, id),
  gsi3pk: purgePartition(shardOf(id)),
  gsi3sk: trashPosition(trashedAt, id),
});

/**
 * A trashed library's place in the library purge's queue (library-trash.ts), on the pending
 * index too (gsi3): one partition, since an owner trashes a library rarely, by purge time.
 */
export const LIBRARY_PURGE_PARTITION = 'LIBPURGE';
export const libraryPurgeKeys = (purgeAfter: string, libraryId: string) => ({
  gsi3pk: LIBRARY_PURGE_PARTITION,
  gsi3sk: `${purgeAfter}#${libraryId}`,
});
/** A library's own partition: its checksum claims, `exist` entries and clustering lease. */
export const libraryPartition = (libraryId: string) => `LIB#${libraryId}`;

// Faces and people (the faces issue) live in their own items and reuse the generic indexes
// under partitions of their own, so no query of assets ever meets them.
export const faceItem = (id: string) => ({ pk: `FACE#${id}`, sk: 'FACE' });
export const personItem = (id: string) => ({ pk: `PERSON#${id}`, sk: 'PERSON' });
/** gsi1: an asset's faces. */
export const assetFacesPartition = (assetId: string) => `FACES#ASSET#${assetId}`;
/** gsi2: a person's faces, or a library's faces no one has placed yet. */
export const personFacesPartition = (personId: string) => `FACES#PERSON#${personId}`;
export const unassignedFacesPartition = (libraryId: string) => `FACES#UNASSIGNED#${libraryId}`;
/** gsi4: every face of a library. */
export const libraryFacesPartition = (libraryId: string) => `FACES#LIB#${libraryId}`;
/** gsi1: a library's people. */
export const libraryPeoplePartition = (libraryId: string) => `PEOPLE#${libraryId}`;
/** The lease that keeps one clustering run per library at a time. */
export const clusteringLease = (libraryId: string) => ({ pk: `LIB#${libraryId}`, sk: 'CLUSTERING' });
/** An asset's stage records, beside nothing else of it. */
export const taskItem = (assetId: string, type: string) => ({ pk: `TASKS#${assetId}`, sk: `TASK#${type}` });
export const TASK_SK_PREFIX = 'TASK#';

// Albums (the library management issue) live in their own items, like faces: the album under
// ALBUM#{id}, and beside it one membership item per asset (sk ASSET#{asset}), so a conditional
// put or delete of the membership says whether it was really added or removed, and counting the
// partition's ASSET# items is the album's exact asset count. Their index partitions are their own.
export const albumItem = (id: string) => ({ pk: `ALBUM#${id}`, sk: 'ALBUM' });
export const ALBUM_MEMBER_SK_PREFIX = 'ASSET#';
export const albumMemberItem = (albumId: string, assetId: string) => ({
  pk: `ALBUM#${albumId}`,
  sk: `${ALBUM_MEMBER_SK_PREFIX}${assetId}`,
});
/** gsi1: a library's albums, newest first by {created_at}#{album_id}. */
export const libraryAlbumsPartition = (libraryId: string) => `ALBUMS#${libraryId}`;
/** gsi1: an album's assets in timeline order, by the asset's timelinePosition. */
export const albumAssetsPartition = (albumId: string) => `ALBUMASSETS#${albumId}`;
/** gsi2: the albums an asset is in, by album id; what deleting the asset walks. */
export const assetAlbumsPartition = (assetId: string) => `ASSETALBUMS#${assetId}`;
/** gsi4: a library's album-asset links by link id; a link's own id is a key of it. */
export const libraryAlbumLinksPartition = (libraryId: string) => `ALBUMLINKS#${libraryId}`;
// The change feed (feed-kinds.ts, dynamo-feed.ts): an owner's entries under one partition, at
// gapless ordinals; and per changed item, the last stream record written to it (its claim).
export const feedPartition = (owner: string) => `FEED#${owner}`;
/** Ordinals are zero-padded, so the sort key orders as the numbers do and the cursor is the sort key. */
export const FEED_ORDINAL_DIGITS = 16;
export const feedOrdinal = (n: number) => String(n).padStart(FEED_ORDINAL_DIGITS, '0');
export const feedEntry = (owner: string, ordinal: number) => ({ pk: feedPartition(owner), sk: feedOrdinal(ordinal) });
export const feedClaim = (pk: string, sk: string) => ({ pk: `FEEDCLAIM#${pk}#${sk}`, sk: 'FEEDCLAIM' });
/**
 * An owner's asset counters (count-ledger.ts): buckets and the last feed entry applied. Its own
 * partition: in FEED#{owner} it would sort after the entries and pass for the feed's head.
 */
export const countersItem = (owner: string) => ({ pk: `COUNTS#${owner}`, sk: 'COUNTS' });
