import type { AccountRepository, Accounts, Library, LibraryTrashMark } from './accounts.ts';
import { Invalid, NotFound, NotTrashed } from './errors.ts';
import type { Clock } from './ports.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface LibraryTrashDeps {
  accounts: Pick<Accounts, 'getLibrary' | 'getUser'>;
  repository: Pick<AccountRepository, 'markLibrary'>;
  clock: Clock;
  retentionDays: number;
}

/**
 * A library's trash (the SDK's `libraries.trash`, `restore`, `delete`). Trashing marks the library
 * only: it leaves every listing that does not name it (Accounts.listLibraries), takes no new
 * uploads, albums or people, and keeps everything in it untouched until its undo window ends;
 * then the sweep purges it (library-purge.ts). Restoring stops that wherever it has got to.
 */
export class LibraryTrash {
  constructor(private readonly deps: LibraryTrashDeps) {}

  /** Idempotent: a trashed library keeps its trash time and undo window. */
  async trash(owner: string, id: string): Promise<void> {
    const library = await this.deps.accounts.getLibrary(owner, id);
    if (library.trashedAt !== undefined) return;
    const user = await this.deps.accounts.getUser(owner);
    // Uploads that name no library go to the default one, so it has to stay.
    if (user.defaultLibraryId === library.id)
      throw new Invalid(
        `library ${library.id} is your default library, where uploads without library_id go; it cannot be trashed`,
      );
    const now = this.deps.clock.now();
    const purgeAfter = new Date(now.getTime() + this.deps.retentionDays * DAY_MS).toISOString();
    await this.mark(owner, id, { trashedAt: now.toISOString(), purgeAfter }, now);
  }

  /** Idempotent: a live library answers as it is. Whatever the purge has not deleted yet comes back. */
  async restore(owner: string, id: string): Promise<Library> {
    const library = await this.deps.accounts.getLibrary(owner, id);
    if (library.trashedAt === undefined) return library;
    return this.mark(owner, id, null, this.deps.clock.now());
  }

  /** Waives the undo window of a trashed library: the next sweep starts purging it. */
  async expedite(owner: string, id: string): Promise<void> {
    const library = await this.deps.accounts.getLibrary(owner, id);
    if (library.trashedAt === undefined)
      throw new NotTrashed(`library ${library.id} is not in the trash: trash it first, then delete it`);
    const now = this.deps.clock.now();
    if (library.purgeAfter !== undefined && library.purgeAfter <= now.toISOString()) return;
    const mark = { trashedAt: library.trashedAt, purgeAfter: now.toISOString() };
    const marked = await this.deps.repository.markLibrary(owner, id, mark, now.toISOString(), true);
    // Restored meanwhile: the restore came later, so it stands.
    if (!marked) throw new NotTrashed(`library ${library.id} is not in the trash: trash it first, then delete it`);
  }

  private async mark(owner: string, id: string, mark: LibraryTrashMark | null, at: Date) {
    const library = await this.deps.repository.markLibrary(owner, id, mark, at.toISOString());
    if (!library) throw new NotFound('library not found');
    return library;
  }
}
