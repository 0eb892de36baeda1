import { ALBUM_MEMBER_SK_PREFIX, ASSET_SK } from './keys.ts';

// Which table items are entities the change feed reports, by their keys. Claims, usage, tasks,
// leases and the feed's own items are not here, so they never become events (album_asset's verbs
// are `added`/`removed`, as the SDK names them).

export type FeedVerb = 'created' | 'updated' | 'deleted';

export interface ItemKind {
  entityType: string;
  pkPrefix: string;
  /** The sort key exactly, or (album memberships, one per asset) how it begins. */
  sk: string | { prefix: string };
  verbs: Record<FeedVerb, string>;
}

const crud = { created: 'created', updated: 'updated', deleted: 'deleted' } as const;

export const ITEM_KINDS: readonly ItemKind[] = [
  { entityType: 'asset', pkPrefix: 'ASSET#', sk: ASSET_SK, verbs: crud },
  { entityType: 'face', pkPrefix: 'FACE#', sk: 'FACE', verbs: crud },
  { entityType: 'person', pkPrefix: 'PERSON#', sk: 'PERSON', verbs: crud },
  { entityType: 'album', pkPrefix: 'ALBUM#', sk: 'ALBUM', verbs: crud },
  {
    entityType: 'album_asset',
    pkPrefix: 'ALBUM#',
    sk: { prefix: ALBUM_MEMBER_SK_PREFIX },
    verbs: { created: 'added', updated: 'updated', deleted: 'removed' },
  },
];

/** The SDK's entity types (`entity_types` accepts these); those without items yet simply match nothing. */
export const SDK_ENTITY_TYPES = ['asset', 'album', 'person', 'face', 'album_asset', 'metadata', 'stack'] as const;

export const itemKindOf = (pk: string, sk: string): ItemKind | undefined =>
  ITEM_KINDS.find(
    (kind) =>
      pk.startsWith(kind.pkPrefix) && (typeof kind.sk === 'string' ? sk === kind.sk : sk.startsWith(kind.sk.prefix)),
  );

/** Whether the feed reads changes of this item: the stream's filter, on AWS and locally alike. */
export const isFeedItem = (pk: string, sk: string): boolean => itemKindOf(pk, sk) !== undefined;
