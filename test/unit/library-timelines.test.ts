import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { toItem } from '#shared/table/asset-item.ts';
import { DynamoAssetReads } from '#shared/table/dynamo-asset-reads.ts';
import { libraryMediaPartition } from '#shared/table/keys.ts';
import { INDEXES } from '#shared/table/schema.ts';
import { pendingAsset } from '#test/helpers/fakes.ts';

/** A DynamoDB client that records each command and answers from a canned list of items per partition. */
const recordingDb = (partitions: Record<string, Record<string, unknown>[]>) => {
  const sent: unknown[] = [];
  const db = {
    send: async (command: unknown) => {
      sent.push(command);
      if (command instanceof QueryCommand) {
        const pk = String(command.input.ExpressionAttributeValues?.[':pk']);
        const items = [...(partitions[pk] ?? [])].sort((a, b) => (String(a.gsi4sk) < String(b.gsi4sk) ? -1 : 1));
        if (command.input.ScanIndexForward === false) items.reverse();
        return { Items: items.slice(0, command.input.Limit) };
      }
      if (command instanceof BatchGetCommand) return { Responses: {} };
      throw new Error(`unexpected ${String(command)}`);
    },
  };
  return { db: db as unknown as DynamoDBDocumentClient, sent };
};

const asset = (libraryId: string, day: number, mimeType: string) =>
  pendingAsset(
    { size: 1 },
    {
      owner: 'user_a',
      libraryId,
      state: 'ready',
      mimeType,
      localDatetime: `2020-01-${String(day).padStart(2, '0')}T00:00:00Z`,
    },
  );

describe('the media-class timeline', () => {
  it('is one key-range query per library on its index, never a scan, merged by capture time', async () => {
    const one = [1, 3, 5].map((d) => asset('lib_one', d, 'video/mp4'));
    const two = [2, 4].map((d) => asset('lib_two', d, 'video/mp4'));
    const { db, sent } = recordingDb({
      [libraryMediaPartition('lib_one', 'video')]: one.map(toItem),
      [libraryMediaPartition('lib_two', 'video')]: two.map(toItem),
    });
    const reads = new DynamoAssetReads(db, 'table');
    const page = await reads.timeline({
      owner: 'user_a',
      limit: 3,
      order: 'desc',
      before: '2020-01-30T00:00:00Z',
      libraries: { ids: ['lib_one', 'lib_two'], media: 'video' },
    });
    expect(page.assets.map((a) => a.localDatetime.slice(8, 10))).toEqual(['05', '04', '03']);
    expect(page.hasMore).toBe(true);
    expect(sent).toHaveLength(2);
    for (const command of sent) {
      expect(command).toBeInstanceOf(QueryCommand);
      const input = (command as QueryCommand).input;
      expect(input.IndexName).toBe(INDEXES.libraryMediaTimeline.name);
      expect(input.KeyConditionExpression).toBe('gsi4pk = :pk AND gsi4sk < :hi');
      expect(input.Limit).toBe(5);
    }
  });

  it('drops the cursor itself, which the inclusive BETWEEN returns', async () => {
    const items = [1, 2, 3].map((d) => asset('lib_one', d, 'image/png'));
    const { db } = recordingDb({ [libraryMediaPartition('lib_one', 'image')]: items.map(toItem) });
    const reads = new DynamoAssetReads(db, 'table');
    const page = await reads.timeline({
      owner: 'user_a',
      limit: 10,
      order: 'asc',
      startAfter: items[1],
      before: '2020-02-01T00:00:00Z',
      libraries: { ids: ['lib_one'], media: 'image' },
    });
    // The stub ignores the key condition, so what is left out was left out by the adapter.
    expect(page.assets.map((a) => a.id)).toEqual([items[2]?.id]);
  });

  it('files an image and a video under their class, and bytes of no known type under none', () => {
    expect(toItem(asset('lib_one', 1, 'image/heic')).gsi4pk).toBe('LIB#lib_one#image');
    expect(toItem(asset('lib_one', 1, 'video/quicktime')).gsi4pk).toBe('LIB#lib_one#video');
    expect(toItem(asset('lib_one', 1, 'application/octet-stream')).gsi4pk).toBeUndefined();
    expect(toItem({ ...asset('lib_one', 1, 'image/png'), state: 'pending' }).gsi4pk).toBeUndefined();
  });
});
