import { z } from 'zod';
import { type Album, type AlbumMember, albumPosition } from '#shared/domain/albums.ts';
import {
  albumAssetsPartition,
  albumItem,
  albumMemberItem,
  assetAlbumsPartition,
  libraryAlbumLinksPartition,
  libraryAlbumsPartition,
} from './keys.ts';

const albumSchema = z.object({
  id: z.string(),
  libraryId: z.string(),
  owner: z.string(),
  name: z.string(),
  description: z.string().optional(),
  coverAssetId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The album's place in its library's listing: newest first reads the index backwards. */
export const albumListingKey = (album: Pick<Album, 'createdAt' | 'id'>) => `${album.createdAt}#${album.id}`;

export const albumToItem = (album: Album) => ({
  ...albumItem(album.id),
  gsi1pk: libraryAlbumsPartition(album.libraryId),
  gsi1sk: albumListingKey(album),
  ...album,
});

export const albumFromItem = (item: Record<string, unknown>): Album => albumSchema.parse(item) as Album;

const memberSchema = z.object({
  id: z.string(),
  albumId: z.string(),
  assetId: z.string(),
  libraryId: z.string(),
  owner: z.string(),
  localDatetime: z.string(),
  trashed: z.literal(true).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A link's place on its album's timeline, which a trashed asset's link leaves. */
export const memberTimelineKeys = (member: AlbumMember) => ({
  gsi1pk: albumAssetsPartition(member.albumId),
  gsi1sk: albumPosition(member),
});

/** Where a membership sits: its album's timeline, its asset's albums, its library's links. */
export const memberIndexKeys = (member: AlbumMember) => ({
  ...(!member.trashed && memberTimelineKeys(member)),
  gsi2pk: assetAlbumsPartition(member.assetId),
  gsi2sk: member.albumId,
  gsi4pk: libraryAlbumLinksPartition(member.libraryId),
  gsi4sk: member.id,
});

export const memberToItem = (member: AlbumMember) => ({
  ...albumMemberItem(member.albumId, member.assetId),
  ...memberIndexKeys(member),
  ...member,
});

export const memberFromItem = (item: Record<string, unknown>): AlbumMember => memberSchema.parse(item) as AlbumMember;
