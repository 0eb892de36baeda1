// Key builders for every item kind in the table. Each returns the full primary key.

export const keyItem = (hash: string) => ({ pk: `KEY#${hash}`, sk: 'KEY' });
/** One partition lists every key (few and small), so `keys list` and `keys revoke` need no scan. */
export const keyListing = (keyId: string) => ({ pk: 'KEYS', sk: `KEY#${keyId}` });
export const KEY_LISTING_PK = 'KEYS';
export const userNameClaim = (name: string) => ({ pk: `USERNAME#${name}`, sk: 'USERNAME' });
export const userItem = (owner: string) => ({ pk: `USER#${owner}`, sk: 'USER' });
export const libraryItem = (owner: string, libraryId: string) => ({
  pk: `USER#${owner}`,
  sk: `LIB#${libraryId}`,
});
export const LIBRARY_SK_PREFIX = 'LIB#';
export const byIdIndexKey = (id: string) => ({ gsi2pk: `ID#${id}`, gsi2sk: 'ID' });
