import type { AlbumMembers, AlbumRepository, AlbumTimelineQuery } from '#shared/domain/album-ports.ts';
import { type Album, type AlbumMember, albumPosition, type MemberPlace } from '#shared/domain/albums.ts';

/** In-memory albums, for unit tests of the album use cases. */
export class MemoryAlbums implements AlbumRepository {
  readonly items = new Map<string, Album>();

  async getAlbum(id: string) {
    return this.items.get(id);
  }
  async getAlbums(ids: string[]) {
    return ids.flatMap((id) => this.items.get(id) ?? []);
  }
  async albumsOfLibrary(libraryId: string, limit: number, startAfter?: Album) {
    const key = (a: Album) => `${a.createdAt}#${a.id}`;
    const all = [...this.items.values()]
      .filter((a) => a.libraryId === libraryId && (!startAfter || key(a) < key(startAfter)))
      .sort((a, b) => (key(a) < key(b) ? 1 : -1));
    return { items: all.slice(0, limit), hasMore: all.length > limit };
  }
  async putAlbum(album: Album) {
    this.items.set(album.id, album);
  }
  async updateAlbum(id: string, changes: Partial<Album>) {
    const album = this.items.get(id);
    if (!album) return undefined;
    const updated = { ...album, ...changes };
    for (const [k, v] of Object.entries(changes)) if (v === undefined) delete updated[k as keyof Album];
    this.items.set(id, updated as Album);
    return updated as Album;
  }
  async clearCover(albumId: string, assetId: string) {
    const album = this.items.get(albumId);
    if (album?.coverAssetId === assetId) {
      const { coverAssetId: _, ...rest } = album;
      this.items.set(albumId, rest);
    }
  }
  async deleteAlbum(id: string) {
    this.items.delete(id);
  }
}

/** In-memory album members; `beforePut` runs inside each add, to stage a race. */
export class MemoryAlbumMembers implements AlbumMembers {
  readonly items = new Map<string, AlbumMember>();
  beforePut?: (member: AlbumMember) => Promise<void>;
  private key = (albumId: string, assetId: string) => `${albumId}/${assetId}`;

  async addMember(member: AlbumMember) {
    await this.beforePut?.(member);
    const key = this.key(member.albumId, member.assetId);
    if (this.items.has(key)) return false;
    this.items.set(key, member);
    return true;
  }
  async removeMember(albumId: string, assetId: string) {
    return this.items.delete(this.key(albumId, assetId));
  }
  async moveMember(member: AlbumMember, place: MemberPlace) {
    const key = this.key(member.albumId, member.assetId);
    const current = this.items.get(key);
    if (!current) return;
    const { trashed: _t, ...rest } = current;
    this.items.set(key, { ...rest, ...place });
  }
  async getMember(albumId: string, assetId: string) {
    return this.items.get(this.key(albumId, assetId));
  }
  async getLink(linkId: string, libraryId: string) {
    return [...this.items.values()].find((m) => m.id === linkId && m.libraryId === libraryId);
  }
  async countMembers(albumId: string) {
    return (await this.membersOfAlbum(albumId)).filter((m) => !m.trashed).length;
  }
  async timeline(query: AlbumTimelineQuery) {
    const sign = query.order === 'asc' ? 1 : -1;
    const all = (await this.membersOfAlbum(query.albumId))
      .filter((m) => {
        if (m.trashed) return false;
        const at = albumPosition(m);
        const cursor = query.startAfter;
        return (
          (!query.after || at > query.after) &&
          (!query.before || at < query.before) &&
          (!cursor || (sign > 0 ? at > cursor : at < cursor))
        );
      })
      .sort((a, b) => sign * (albumPosition(a) < albumPosition(b) ? -1 : 1));
    return { items: all.slice(0, query.limit), hasMore: all.length > query.limit };
  }
  async membersOfAlbum(albumId: string) {
    return [...this.items.values()].filter((m) => m.albumId === albumId);
  }
  async albumsOfAsset(assetId: string) {
    return [...this.items.values()].filter((m) => m.assetId === assetId);
  }
  async inAnyAlbum(assetIds: string[]) {
    return new Set(assetIds.filter((id) => [...this.items.values()].some((m) => m.assetId === id)));
  }
  async linksOfLibrary(libraryId: string, limit: number, startAfter?: string) {
    const all = [...this.items.values()]
      .filter((m) => m.libraryId === libraryId && (!startAfter || m.id > startAfter))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return { items: all.slice(0, limit), hasMore: all.length > limit };
  }
}
