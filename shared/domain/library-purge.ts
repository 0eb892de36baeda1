import type { AccountRepository, Accounts, Library } from './accounts.ts';
import type { AlbumMembers, AlbumRepository } from './album-ports.ts';
import type { Album } from './albums.ts';
import type { DeleteAsset } from './delete-asset.ts';
import { NotFound } from './errors.ts';
import type { FaceRepository } from './face-ports.ts';
import type { AssetRepository, Clock } from './ports.ts';

/** Assets fetched, then deleted at once, per step of a library's purge. */
const STEP = 25;

export interface LibraryPurgeDeps {
  accounts: Pick<Accounts, 'getLibrary'>;
  repository: Pick<AccountRepository, 'purgeableLibraries' | 'removeLibrary'>;
  assets: Pick<AssetRepository, 'someOfLibrary'>;
  deleteAsset: Pick<DeleteAsset, 'run'>;
  albums: Pick<AlbumRepository, 'albumsOfLibrary' | 'deleteAlbum'>;
  members: Pick<AlbumMembers, 'membersOfAlbum' | 'removeMember'>;
  faces: Pick<FaceRepository, 'people' | 'deletePerson'>;
  clock: Clock;
  /** Assets one run deletes at most, across libraries; the next run goes on where it stopped. */
  batch: number;
}

/**
 * Purges trashed libraries whose undo window has ended (or that were deleted): their assets
 * (bytes, faces, album links, claims), then their albums and people, and last the library item,
 * so a library that is gone holds nothing. Run by the sweep, a bounded batch per run.
 */
export class LibraryPurge {
  constructor(private readonly deps: LibraryPurgeDeps) {}

  /**
   * One run of the library purge, oldest due first, at most `batch` assets. Safe to
   * repeat and to crash at any point: each step deletes what is still there, and the library item
   * goes last, only while it is still in the trash.
   */
  async run(): Promise<{ assets: number; libraries: number }> {
    const now = this.deps.clock.now().toISOString();
    const done = { assets: 0, libraries: 0 };
    for (const library of await this.deps.repository.purgeableLibraries(now)) {
      for (;;) {
        if (done.assets >= this.deps.batch) return done;
        const current = await this.deps.accounts.getLibrary(library.owner, library.id).catch(undefinedIfGone);
        if (current?.trashedAt === undefined) break;
        const batch = await this.deps.assets.someOfLibrary(library.id, Math.min(STEP, this.deps.batch - done.assets));
        if (batch.length === 0) {
          await this.removeRest(current);
          if (await this.deps.repository.removeLibrary(current)) done.libraries++;
          break;
        }
        await Promise.all(batch.map((a) => this.deps.deleteAsset.run(a.owner, a.id).catch(ignoreGone)));
        done.assets += batch.length;
      }
    }
    return done;
  }

  /** Once its assets are gone: the library's albums (their links went with the assets) and people. */
  private async removeRest(library: Library): Promise<void> {
    const { albums, members, faces } = this.deps;
    let after: Album | undefined;
    for (;;) {
      const page = await albums.albumsOfLibrary(library.id, STEP, after);
      for (const album of page.items) {
        const links = await members.membersOfAlbum(album.id);
        await Promise.all(links.map((m) => members.removeMember(album.id, m.assetId)));
        await albums.deleteAlbum(album.id);
      }
      after = page.items.at(-1);
      if (!page.hasMore || !after) break;
    }
    for (const person of await faces.people(library.id)) await faces.deletePerson(person);
  }
}

const ignoreGone = (error: unknown) => {
  if (!(error instanceof NotFound)) throw error;
};
const undefinedIfGone = (error: unknown): undefined => {
  ignoreGone(error);
  return undefined;
};
