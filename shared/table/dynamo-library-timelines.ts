import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Asset } from '#shared/domain/asset.ts';
import type { TimelineQuery } from '#shared/domain/ports.ts';
import { fromItem } from './asset-item.ts';
import { libraryMediaPartition, libraryTimelinePartition } from './keys.ts';
import { INDEXES } from './schema.ts';
import { inRange, rangeCondition, timelineRange } from './timeline-range.ts';

/**
 * Some libraries' timelines (of one media class, when named): a key-range query per library on
 * the library or media index (an owner has a few libraries), merged by position. Each query reads
 * at most a page and two items: the first `limit + 1` of the union are among the first
 * `limit + 1` of its parts.
 */
export const libraryTimelines = async (
  db: DynamoDBDocumentClient,
  table: string,
  query: TimelineQuery & { libraries: NonNullable<TimelineQuery['libraries']> },
): Promise<{ assets: Asset[]; hasMore: boolean }> => {
  const range = timelineRange(query);
  if (range === 'empty') return { assets: [], hasMore: false };
  const { ids, media } = query.libraries;
  const index = media ? INDEXES.libraryMediaTimeline : INDEXES.libraryTimeline;
  const partitionOf = (libraryId: string) =>
    media ? libraryMediaPartition(libraryId, media) : libraryTimelinePartition(libraryId);
  const condition = rangeCondition(index.sortKey, range);
  const parts = await Promise.all(
    ids.map(async (libraryId) => {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk${condition.expression}`,
          ExpressionAttributeValues: { ':pk': partitionOf(libraryId), ...condition.values },
          ScanIndexForward: query.order === 'asc',
          Limit: query.limit + 2,
        }),
      );
      return (page.Items ?? []).filter((item) => inRange(String(item[index.sortKey]), range));
    }),
  );
  const sign = query.order === 'asc' ? 1 : -1;
  const merged = parts
    .flat()
    .sort((a, b) => sign * (String(a[index.sortKey]) < String(b[index.sortKey]) ? -1 : 1))
    .map(fromItem);
  return { assets: merged.slice(0, query.limit), hasMore: merged.length > query.limit };
};
