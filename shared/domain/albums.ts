// Albums: collections of a library's assets the user curates (the library management issue).
import type { Asset } from './asset.ts';
import { sortableInstant } from './datetime.ts';

export interface Album {
  id: string;
  libraryId: string;
  owner: string;
  name: string;
  description?: string;
  /** The cover chosen by hand; without one the album's newest asset is shown. */
  coverAssetId?: string;
  createdAt: string;
  updatedAt: string;
}

/** One asset in one album: the SDK's album-asset link record. */
export interface AlbumMember {
  /** `album_asset_…`, the same for the same album and asset, so a retried add writes the same link. */
  id: string;
  albumId: string;
  assetId: string;
  libraryId: string;
  owner: string;
  /** The asset's capture time when it was placed; what its timeline position is derived from. */
  localDatetime: string;
  /** The asset is in the trash: the link stays (a restore brings it back) but leaves the album's timeline and count. */
  trashed?: true;
  createdAt: string;
  updatedAt: string;
}

/** Where a link stands: its asset's capture time, and whether the asset is in the trash. */
export type MemberPlace = Pick<AlbumMember, 'localDatetime' | 'trashed'>;

/** What an album's response carries beyond the item: derived from its members when read. */
export interface AlbumSummary {
  assetCount: number;
  /** The oldest and newest members' capture times. */
  startDate?: string;
  endDate?: string;
  /** The explicit cover, else the newest member. */
  coverAssetId?: string;
}

export const MAX_ALBUM_BATCH = 200;

/**
 * A member's sort key in its album's timeline: capture time, then asset id, like the library
 * timeline. Derived here only, so an edit of the capture time moves it by calling this again.
 */
export const albumPosition = (member: Pick<AlbumMember, 'localDatetime' | 'assetId'>): string =>
  `${sortableInstant(member.localDatetime)}#${member.assetId}`;

/** The timeline position of an asset, as an album would hold it. */
export const assetPosition = (asset: Pick<Asset, 'localDatetime' | 'id'>): string =>
  albumPosition({ localDatetime: asset.localDatetime, assetId: asset.id });
