import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { EMPTY_EXIF } from '#shared/domain/exif.ts';
import { geoEntry, toItem } from '#shared/table/asset-item.ts';
import { DynamoGeoIndex } from '#shared/table/dynamo-geo-index.ts';
import { INDEXES } from '#shared/table/schema.ts';
import { pendingAsset } from '#test/helpers/fakes.ts';

const asset = (libraryId: string, day: number, latitude: number, longitude: number, state = 'ready' as const) =>
  pendingAsset(
    { size: 1 },
    {
      owner: 'user_a',
      libraryId,
      state,
      mimeType: 'image/jpeg',
      localDatetime: `2020-01-${String(day).padStart(2, '0')}T00:00:00Z`,
      exif: { ...EMPTY_EXIF, latitude, longitude },
    },
  );

/** A DynamoDB client that answers index queries from items, as DynamoDB would (key condition only), and records each command. */
const indexDb = (items: Record<string, unknown>[]) => {
  const sent: unknown[] = [];
  const index = INDEXES.geo;
  const db = {
    send: async (command: unknown) => {
      sent.push(command);
      if (!(command instanceof QueryCommand)) throw new Error(`unexpected ${String(command)}`);
      const values = command.input.ExpressionAttributeValues ?? {};
      const matching = items.filter(
        (item) =>
          item[index.partitionKey] === values[':pk'] &&
          String(item[index.sortKey]) >= String(values[':lo']) &&
          String(item[index.sortKey]) <= String(values[':hi']),
      );
      // Only what the index projects comes back.
      const projected = matching.map((item) =>
        Object.fromEntries(['pk', 'sk', index.partitionKey, index.sortKey, ...index.include].map((k) => [k, item[k]])),
      );
      return { Items: projected };
    },
  };
  return { db: db as unknown as DynamoDBDocumentClient, sent };
};

describe('the geo index entry', () => {
  it('exists only for a ready asset with a position', () => {
    expect(geoEntry(asset('lib_a', 1, 48.85, 2.35))).toEqual({
      gsi5pk: 'GEO#lib_a',
      gsi5sk: expect.stringMatching(/^u09tv[0-9b-z]{4}#2020-01-01T00:00:00\.000Z#asset_/),
      geoLat: 48.85,
      geoLon: 2.35,
    });
    expect(geoEntry({ ...asset('lib_a', 1, 48.85, 2.35), state: 'failed' })).toBeUndefined();
    expect(geoEntry({ ...asset('lib_a', 1, 0, 0), exif: EMPTY_EXIF })).toBeUndefined();
    expect(toItem({ ...asset('lib_a', 1, 48.85, 2.35), state: 'pending' })).not.toHaveProperty('gsi5pk');
  });
});

describe('areas from the geo index', () => {
  const paris = [asset('lib_a', 1, 48.86, 2.34), asset('lib_a', 2, 48.85, 2.29), asset('lib_b', 3, 48.8, 2.12)];
  const elsewhere = [
    asset('lib_a', 4, 51.5, -0.12),
    asset('lib_a', 5, -16.85, 179.95),
    asset('lib_a', 6, -16.9, -179.95),
  ];
  const items = [...paris, ...elsewhere].map(toItem);

  it('reads key ranges of the geo index per library, never a scan, and pages the exact matches in timeline order', async () => {
    const { db, sent } = indexDb(items);
    const index = new DynamoGeoIndex(db, 'table');
    const area = { kind: 'box' as const, west: 2, south: 48.7, east: 2.5, north: 48.95 };
    const first = await index.page({ libraryIds: ['lib_a', 'lib_b'], area, order: 'desc', limit: 2 });
    expect(first).toEqual({ ids: [paris[2]?.id, paris[1]?.id], hasMore: true });
    expect(sent.length).toBeGreaterThan(0);
    for (const command of sent as QueryCommand[]) {
      expect(command).toBeInstanceOf(QueryCommand);
      expect(command.input.IndexName).toBe('gsi5');
      expect(command.input.KeyConditionExpression).toBe('gsi5pk = :pk AND gsi5sk BETWEEN :lo AND :hi');
    }
    expect(
      await index.page({
        libraryIds: ['lib_a', 'lib_b'],
        area,
        order: 'desc',
        limit: 2,
        ...(paris[1] && { startAfter: paris[1] }),
      }),
    ).toEqual({ ids: [paris[0]?.id], hasMore: false });
    expect(await index.page({ libraryIds: ['lib_a'], area, order: 'asc', limit: 5 })).toEqual({
      ids: [paris[0]?.id, paris[1]?.id],
      hasMore: false,
    });
  });

  it('answers the two halves of a box over the antimeridian, and circles by distance', async () => {
    const { db } = indexDb(items);
    const index = new DynamoGeoIndex(db, 'table');
    const crossing = { kind: 'box' as const, west: 179.9, south: -17, east: -179.9, north: -16.8 };
    expect((await index.page({ libraryIds: ['lib_a'], area: crossing, order: 'asc', limit: 5 })).ids).toEqual([
      elsewhere[1]?.id,
      elsewhere[2]?.id,
    ]);
    const circle = { kind: 'circle' as const, latitude: 48.85, longitude: 2.29, radius: 4000 };
    expect((await index.points({ libraryIds: ['lib_a', 'lib_b'], area: circle })).map((p) => p.id).sort()).toEqual(
      [paris[0]?.id, paris[1]?.id].sort(),
    );
  });
});
