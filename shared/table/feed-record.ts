import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { FeedChange } from '#shared/domain/feed.ts';
import { itemKindOf } from './feed-kinds.ts';

type Image = Record<string, AttributeValue>;

const text = (item: Record<string, unknown> | undefined, name: string) =>
  typeof item?.[name] === 'string' ? (item[name] as string) : undefined;

/**
 * The feed change a stream record stands for, or undefined for an item that is no entity (claims,
 * usage, tasks, the feed's own entries) or an entity without an owner. INSERT is created, MODIFY
 * updated, REMOVE deleted (trash and restore will read the state fields when those exist).
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
  return {
    owner,
    libraryId: text(image, 'libraryId') ?? '',
    entityType: kind.entityType,
    entityId,
    eventType: `${kind.entityType}_${kind.verbs[verb]}`,
    source: { pk, sk, sequence: stream.SequenceNumber },
  };
};
