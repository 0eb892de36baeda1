import type { Accounts, User } from './accounts.ts';
import { Invalid } from './errors.ts';
import type { StorageLedger } from './storage-ledger.ts';

export interface Profile {
  user: User;
  /** Bytes of originals the user stores (reservations of uploads in flight not included). */
  storageUsedBytes: number;
  /** Their own limit, else the deployment's default. */
  storageLimitBytes: number;
  updatedAt: string;
}

/** The caller's account as `GET /api/users/me` shows it, and the operators' quota setting. */
export class Users {
  constructor(private readonly deps: { accounts: Accounts; ledger: StorageLedger }) {}

  async profile(owner: string): Promise<Profile> {
    const user = await this.deps.accounts.getUser(owner);
    const { usage, limitBytes } = await this.deps.ledger.limitOf(owner);
    return {
      user,
      storageUsedBytes: usage.storedBytes,
      storageLimitBytes: limitBytes,
      // The limit is the only thing about a user that changes.
      updatedAt: usage.limitUpdatedAt ?? user.createdAt,
    };
  }

  async hasOwnLimit(owner: string): Promise<boolean> {
    return (await this.deps.ledger.limitOf(owner)).usage.limitBytes !== undefined;
  }

  /** Sets a user's own quota in bytes, or with undefined returns them to the default. */
  async setStorageLimit(userName: string, bytes: number | undefined): Promise<Profile> {
    if (bytes !== undefined && (!Number.isSafeInteger(bytes) || bytes < 0)) {
      throw new Invalid('limit: a whole number of bytes, 0 or more');
    }
    const user = await this.deps.accounts.findUser(userName);
    await this.deps.ledger.setLimit(user.id, bytes);
    return this.profile(user.id);
  }
}
