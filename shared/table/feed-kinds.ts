import { ASSET_SK } from './keys.ts';

// Which table items are entities the change feed reports, by their keys. Claims, usage, tasks,
// leases and the feed's own items are not here, so they never become events. Albums and their
// assets join by adding a row (album_asset's verbs are `added`/`removed`, as the SDK names them).

export type FeedVerb = 'created' | 'updated' | 'deleted';

export interface ItemKind {
  entityType: string;
  pkPrefix: string;
  sk: string;
  verbs: Record<FeedVerb, string>;
}

const crud = { created: 'created', updated: 'updated', deleted: 'deleted' } as const;

export const ITEM_KINDS: readonly ItemKind[] = [
  { entityType: 'asset', pkPrefix: 'ASSET#', sk: ASSET_SK, verbs: crud },
  { entityType: 'face', pkPrefix: 'FACE#', sk: 'FACE', verbs: crud },
  { entityType: 'person', pkPrefix: 'PERSON#', sk: 'PERSON', verbs: crud },
];

/** The SDK's entity types (`entity_types` accepts these); those without items yet simply match nothing. */
export const SDK_ENTITY_TYPES = ['asset', 'album', 'person', 'face', 'album_asset', 'metadata', 'stack'] as const;

export const itemKindOf = (pk: string, sk: string): ItemKind | undefined =>
  ITEM_KINDS.find((kind) => sk === kind.sk && pk.startsWith(kind.pkPrefix));

/** Whether the feed reads changes of this item: the stream's filter, on AWS and locally alike. */
export const isFeedItem = (pk: string, sk: string): boolean => itemKindOf(pk, sk) !== undefined;
