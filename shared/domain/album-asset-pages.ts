import type { AlbumMembers, AlbumRepository } from './album-ports.ts';
import { ownedAlbum } from './album-queries.ts';
import { albumPosition, assetPosition } from './albums.ts';
import { type Asset, isListed } from './asset.ts';
import { sortableInstant } from './datetime.ts';
import type { AssetRepository, TimelineQuery } from './ports.ts';

type AssetPage = { assets: Asset[]; hasMore: boolean };

/** What albums add to the asset list: an album's own timeline, and membership of any album. */
export class AlbumAssetPages {
  constructor(
    private readonly deps: {
      assets: Pick<AssetRepository, 'getMany'>;
      albums: Pick<AlbumRepository, 'getAlbum'>;
      members: Pick<AlbumMembers, 'getMember' | 'timeline' | 'membersOfAlbum' | 'inAnyAlbum'>;
    },
  ) {}

  owned(owner: string, id: string) {
    return ownedAlbum(this.deps.albums, owner, id);
  }

  async memberIds(albumId: string): Promise<Set<string>> {
    return new Set((await this.deps.members.membersOfAlbum(albumId)).map((m) => m.assetId));
  }

  /**
   * A page of the album's own timeline partition. Links whose asset is not listed (still
   * processing, or gone meanwhile) or is not kept are skipped, reading on until the page is full.
   */
  async page(albumId: string, query: TimelineQuery, keep: (asset: Asset) => boolean): Promise<AssetPage> {
    const { members, assets } = this.deps;
    let startAfter: string | undefined;
    if (query.startAfter) {
      // The link's own position, which follows the asset's capture time (AssetAlbums.follow).
      const member = await members.getMember(albumId, query.startAfter.id);
      startAfter = member ? albumPosition(member) : assetPosition(query.startAfter);
    }
    const kept: Asset[] = [];
    for (;;) {
      const page = await members.timeline({
        albumId,
        order: query.order,
        limit: query.limit + 1,
        ...(query.after && { after: `${sortableInstant(query.after)}#~` }),
        ...(query.before && { before: `${sortableInstant(query.before)}#` }),
        ...(startAfter && { startAfter }),
      });
      const byId = new Map((await assets.getMany(page.items.map((m) => m.assetId))).map((a) => [a.id, a]));
      for (const member of page.items) {
        const asset = byId.get(member.assetId);
        if (asset && asset.owner === query.owner && isListed(asset) && keep(asset)) kept.push(asset);
      }
      const last = page.items.at(-1);
      if (kept.length > query.limit || !page.hasMore || !last)
        return { assets: kept.slice(0, query.limit), hasMore: kept.length > query.limit };
      startAfter = albumPosition(last);
    }
  }

  /** Pages of another path, kept only where the asset is (or is not) in some album, until one is full. */
  async filtered(
    timeline: TimelineQuery,
    next: (t: TimelineQuery) => Promise<AssetPage>,
    inAlbum: boolean,
  ): Promise<AssetPage> {
    const kept: Asset[] = [];
    let query = timeline;
    for (;;) {
      const page = await next(query);
      const member = await this.deps.members.inAnyAlbum(page.assets.map((a) => a.id));
      kept.push(...page.assets.filter((a) => member.has(a.id) === inAlbum));
      const last = page.assets.at(-1);
      if (kept.length > timeline.limit || !page.hasMore || !last)
        return { assets: kept.slice(0, timeline.limit), hasMore: kept.length > timeline.limit || page.hasMore };
      query = { ...query, startAfter: last };
    }
  }
}
