// The interfaces the album use cases, the album filter of the asset list and asset deletion depend
// on: the albums themselves, and their members (one link per asset in an album).
import type { Album, AlbumMember, MemberPlace } from './albums.ts';
import type { Page } from './face-ports.ts';

export interface AlbumTimelineQuery {
  albumId: string;
  order: 'asc' | 'desc';
  limit: number;
  /** Exclusive bounds and cursor, as album positions (albumPosition). */
  after?: string;
  before?: string;
  startAfter?: string;
}

export interface AlbumRepository {
  getAlbum(id: string): Promise<Album | undefined>;
  getAlbums(ids: string[]): Promise<Album[]>;
  /** A library's albums newest first, after the album `startAfter`. */
  albumsOfLibrary(libraryId: string, limit: number, startAfter?: Album): Promise<Page<Album>>;
  putAlbum(album: Album): Promise<void>;
  /** Sets the given fields (undefined removes one) of an album that still exists; answers the result. */
  updateAlbum(
    id: string,
    changes: Partial<Pick<Album, 'name' | 'description' | 'coverAssetId' | 'updatedAt'>>,
  ): Promise<Album | undefined>;
  /** Clears the cover only while it is still this asset. */
  clearCover(albumId: string, assetId: string): Promise<void>;
  deleteAlbum(id: string): Promise<void>;
}

export interface AlbumMembers {
  /** Adds the member unless it is there; answers whether this call added it. */
  addMember(member: AlbumMember): Promise<boolean>;
  /** Removes the member if it is there; answers whether this call removed it. */
  removeMember(albumId: string, assetId: string): Promise<boolean>;
  /** Moves a member to the asset's capture time and trash state (its position follows), if it is still there. */
  moveMember(member: AlbumMember, place: MemberPlace): Promise<void>;
  getMember(albumId: string, assetId: string): Promise<AlbumMember | undefined>;
  getLink(linkId: string, libraryId: string): Promise<AlbumMember | undefined>;
  /** Exact: counts the album's member items whose asset is not in the trash (strongly consistent). */
  countMembers(albumId: string): Promise<number>;
  /** A page of the album's members in timeline order (capture time, then asset id). */
  timeline(query: AlbumTimelineQuery): Promise<Page<AlbumMember>>;
  /** Every member of the album. */
  membersOfAlbum(albumId: string): Promise<AlbumMember[]>;
  /** Every album membership of the asset. */
  albumsOfAsset(assetId: string): Promise<AlbumMember[]>;
  /** Those of the assets that are in at least one album. */
  inAnyAlbum(assetIds: string[]): Promise<Set<string>>;
  /** A library's links in link-id order, after `startAfter`. */
  linksOfLibrary(libraryId: string, limit: number, startAfter?: string): Promise<Page<AlbumMember>>;
}
