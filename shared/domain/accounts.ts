import { bearerKey, generateApiKey, hashApiKey } from './api-key.ts';
import { Invalid, NotFound, Unauthenticated } from './errors.ts';
import { newId } from './ids.ts';
import type { Clock } from './ports.ts';

export interface User {
  id: string;
  name: string;
  defaultLibraryId: string;
  createdAt: string;
}

export interface Library {
  id: string;
  owner: string;
  name: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  /** Stored counters (StorageLedger): assets whose original is kept, and those originals' bytes. */
  assetCount: number;
  storageUsedBytes: number;
  /** In the trash since (library-trash.ts); absent for a live library. */
  trashedAt?: string;
  /** When a trashed library's purge may begin: its undo window's end, or sooner once deleted. */
  purgeAfter?: string;
}

/** Which libraries a listing holds (the SDK's `state`). */
export type LibraryState = 'live' | 'trashed' | 'all';

/** What a trashed library carries; null takes it out of the trash. */
export interface LibraryTrashMark {
  trashedAt: string;
  purgeAfter: string;
}

export interface LibraryChanges {
  name?: string;
  /** null clears it. */
  description?: string | null;
}

export interface ApiKeyRecord {
  id: string;
  hash: string;
  owner: string;
  userName: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
}

export interface Identity {
  userId: string;
  keyId: string;
}

export interface AccountRepository {
  /** Claims the name for `candidate`; when the name is taken, answers the user who holds it. */
  claimUserName(candidate: User): Promise<User>;
  /** Writes the user and library items; a no-op for items that already exist. */
  ensureUser(user: User, defaultLibrary: Library): Promise<void>;
  createLibrary(library: Library): Promise<void>;
  /** Changes name and description of an existing library; undefined when there is none. */
  updateLibrary(owner: string, id: string, changes: LibraryChanges, at: string): Promise<Library | undefined>;
  /** The user who holds the name, if any. */
  findUserByName(name: string): Promise<User | undefined>;
  getLibrary(owner: string, id: string): Promise<Library | undefined>;
  getUser(owner: string): Promise<User | undefined>;
  listLibraries(owner: string): Promise<Library[]>;
  /**
   * Sets or clears the library's trash mark; undefined when there is no such library, or (with
   * `whileTrashed`) when it is no longer in the trash.
   */
  markLibrary(
    owner: string,
    id: string,
    mark: LibraryTrashMark | null,
    at: string,
    whileTrashed?: boolean,
  ): Promise<Library | undefined>;
  /** Trashed libraries whose purge may begin at the instant, soonest first. */
  purgeableLibraries(at: string): Promise<Library[]>;
  /** Removes a library still in the trash, and what is left in its own partition; answers whether it did. */
  removeLibrary(library: Library): Promise<boolean>;
  putApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key as the authorizer sees it: by digest, one read. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(key: ApiKeyRecord, at: string): Promise<void>;
}

const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;
export const DEFAULT_LIBRARY_NAME = 'Library';
export const LIBRARY_NAME_MAX = 100;
export const LIBRARY_DESCRIPTION_MAX = 2000;

export class Accounts {
  constructor(
    private readonly repository: AccountRepository,
    private readonly clock: Clock,
  ) {}

  /** Creates a key; the first key of a user creates the user and their default library. */
  async createApiKey(userName: string, label?: string): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!USER_NAME.test(userName)) {
      throw new Invalid('user: 1–64 characters of letters, digits, ".", "_", "@" or "-"');
    }
    const user = await this.ensureUser(userName);
    const key = generateApiKey();
    const record: ApiKeyRecord = {
      id: newId('key'),
      hash: hashApiKey(key),
      owner: user.id,
      userName: user.name,
      name: label?.trim() || 'default',
      createdAt: this.clock.now().toISOString(),
    };
    await this.repository.putApiKey(record);
    return { key, record };
  }

  async listApiKeys(userName?: string): Promise<ApiKeyRecord[]> {
    const keys = await this.repository.listApiKeys();
    return userName ? keys.filter((k) => k.userName === userName) : keys;
  }

  /** Revokes by key id (`key_…`) or by the key itself (`dk_…`). Revoking twice is harmless. */
  async revokeApiKey(ref: string): Promise<ApiKeyRecord> {
    const key = ref.startsWith('dk_')
      ? await this.repository.findApiKeyByHash(hashApiKey(ref))
      : await this.repository.getApiKey(ref);
    if (!key) throw new NotFound(`no API key ${ref.startsWith('dk_') ? 'matches that key' : ref}`);
    if (key.revokedAt) return key;
    const revokedAt = this.clock.now().toISOString();
    await this.repository.revokeApiKey(key, revokedAt);
    return { ...key, revokedAt };
  }

  async authenticate(authorization: string | undefined): Promise<Identity> {
    if (!authorization) throw new Unauthenticated('missing Authorization: Bearer <api key>');
    const key = bearerKey(authorization);
    const record = key ? await this.repository.findApiKeyByHash(hashApiKey(key)) : undefined;
    if (!record || record.revokedAt) throw new Unauthenticated('invalid or revoked API key');
    return { userId: record.owner, keyId: record.id };
  }

  /**
   * Live libraries by default: a trashed library leaves every listing that does not name it.
   * Trashed ones come most recently trashed first, as the SDK's trash drawer lists them.
   */
  async listLibraries(owner: string, state: LibraryState = 'live'): Promise<Library[]> {
    const all = await this.repository.listLibraries(owner);
    if (state === 'all') return all;
    if (state === 'live') return all.filter((l) => l.trashedAt === undefined);
    return all
      .filter((l) => l.trashedAt !== undefined)
      .sort((a, b) => (b.trashedAt ?? '').localeCompare(a.trashedAt ?? ''));
  }

  async getLibrary(owner: string, id: string): Promise<Library> {
    const library = await this.repository.getLibrary(owner, id);
    if (!library) throw new NotFound('library not found');
    return library;
  }

  /** The named library when it is the caller's, else the caller's default library. */
  async resolveLibrary(owner: string, libraryId?: string): Promise<string> {
    if (libraryId) return (await this.getLibrary(owner, libraryId)).id;
    const user = await this.repository.getUser(owner);
    if (!user) throw new NotFound('library not found');
    return user.defaultLibraryId;
  }

  /**
   * The library new things go into (uploads, albums, people): the named one, which must not be in
   * the trash, else the caller's default library (which cannot be trashed).
   */
  async writableLibrary(owner: string, libraryId?: string): Promise<string> {
    if (!libraryId) return this.resolveLibrary(owner);
    const library = await this.getLibrary(owner, libraryId);
    if (library.trashedAt !== undefined)
      throw new Invalid(`library_id: library ${library.id} is in the trash; restore it first`);
    return library.id;
  }

  async createLibrary(owner: string, name: string, description?: string): Promise<Library> {
    const now = this.clock.now().toISOString();
    const library: Library = {
      id: newId('lib'),
      owner,
      name,
      ...(description !== undefined && { description }),
      createdAt: now,
      updatedAt: now,
      assetCount: 0,
      storageUsedBytes: 0,
    };
    await this.repository.createLibrary(library);
    return library;
  }

  async updateLibrary(owner: string, id: string, changes: LibraryChanges): Promise<Library> {
    if (changes.name === undefined && changes.description === undefined) return this.getLibrary(owner, id);
    const library = await this.repository.updateLibrary(owner, id, changes, this.clock.now().toISOString());
    if (!library) throw new NotFound('library not found');
    return library;
  }

  async findUser(name: string): Promise<User> {
    const user = await this.repository.findUserByName(name);
    if (!user) throw new NotFound(`no user ${name}`);
    return user;
  }

  async getUser(owner: string): Promise<User> {
    const user = await this.repository.getUser(owner);
    if (!user) throw new NotFound('user not found');
    return user;
  }

  private async ensureUser(name: string): Promise<User> {
    const now = this.clock.now().toISOString();
    const user = await this.repository.claimUserName({
      id: newId('user'),
      name,
      defaultLibraryId: newId('lib'),
      createdAt: now,
    });
    // The claim fixes both ids up front, so a retry after a crash re-creates the same items.
    await this.repository.ensureUser(user, {
      id: user.defaultLibraryId,
      owner: user.id,
      name: DEFAULT_LIBRARY_NAME,
      createdAt: user.createdAt,
      updatedAt: user.createdAt,
      assetCount: 0,
      storageUsedBytes: 0,
    });
    return user;
  }
}
