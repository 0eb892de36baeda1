import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import type { Asset } from '#shared/domain/asset.ts';
import { bucketOf, moveOf } from '#shared/domain/count-ledger.ts';
import type { FeedChange } from '#shared/domain/feed.ts';
import { itemKindOf } from './feed-kinds.ts';

type Image = Record<string, AttributeValue>;
/** The attribute whose arrival or departure is a trash or a restore (assets' `trashedAt`). */
const TRASHED_AT = 'trashedAt' satisfies keyof Asset;

const text = (item: Record<string, unknown> | undefined, name: string) =>
  typeof item?.[name] === 'string' ? (item[name] as string) : undefined;

/** What an asset image says about where it counts (asset-item.ts writes these as they are). */
const countedImage = z.object({
  libraryId: z.string(),
  state: z.enum(['pending', 'ready', 'failed', 'duplicate']),
  trashedAt: z.string().optional(),
  localDatetime: z.string().refine((value) => !Number.isNaN(Date.parse(value))),
});
const bucketOfImage = (image: Record<string, unknown> | undefined) => {
  const parsed = image && countedImage.safeParse(image);
  return parsed?.success ? bucketOf(parsed.data) : undefined;
};

/**
 * The feed change a stream record stands for, or undefined for an item that is no entity (claims,
 * usage, tasks, the feed's own entries) or an entity without an owner. INSERT is created, REMOVE
 * deleted, MODIFY updated, or trashed and restored where the change is the item's trash time.
 */
export const changeOfRecord = (record: DynamoDBRecord): FeedChange | undefined => {
  const stream = record.dynamodb;
  const keys = stream?.Keys && unmarshall(stream.Keys as Image);
  const pk = text(keys, 'pk');
  const sk = text(keys, 'sk');
  if (!stream?.SequenceNumber || !pk || !sk) return undefined;
  const kind = itemKindOf(pk, sk);
  if (!kind) return undefined;
  const next = stream.NewImage && unmarshall(stream.NewImage as Image);
  const prior = stream.OldImage && unmarshall(stream.OldImage as Image);
  const image = next ?? prior;
  const owner = text(image, 'owner');
  const entityId = text(image, 'id');
  if (!owner || !entityId) return undefined;
  const verb = record.eventName === 'INSERT' ? 'created' : record.eventName === 'REMOVE' ? 'deleted' : 'updated';
  const [was, is] = [text(prior, TRASHED_AT), text(next, TRASHED_AT)];
  const trash = verb === 'updated' && (was === undefined) !== (is === undefined) && (is ? 'trashed' : 'restored');
  // Where the asset counted before this change and where it counts after (count-ledger.ts).
  const counts = kind.entityType === 'asset' ? moveOf(bucketOfImage(prior), bucketOfImage(next)) : undefined;
  return {
    owner,
    libraryId: text(image, 'libraryId') ?? '',
    entityType: kind.entityType,
    entityId,
    eventType: `${kind.entityType}_${trash || kind.verbs[verb]}`,
    source: { pk, sk, sequence: stream.SequenceNumber },
    ...(counts && { counts }),
  };
};
