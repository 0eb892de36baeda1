import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { eventsQuery } from '#functions/api/routes/events.ts';
import { changeOfRecord } from '#shared/table/feed-record.ts';

const record = (eventName: DynamoDBRecord['eventName'], pk: string, sk: string, image: boolean): DynamoDBRecord => {
  const item = { pk: { S: pk }, sk: { S: sk }, id: { S: 'x1' }, owner: { S: 'u1' }, libraryId: { S: 'lib1' } };
  return {
    eventName,
    dynamodb: {
      Keys: { pk: { S: pk }, sk: { S: sk } },
      SequenceNumber: '42',
      ...(image && eventName !== 'REMOVE' && { NewImage: item }),
      ...(image && eventName !== 'INSERT' && { OldImage: item }),
    },
  };
};

describe('stream records as feed changes', () => {
  it('an entity item inserted, modified or removed is its entity created, updated or deleted', () => {
    expect(changeOfRecord(record('INSERT', 'ASSET#x1', 'ASSET', true))).toEqual({
      owner: 'u1',
      libraryId: 'lib1',
      entityType: 'asset',
      entityId: 'x1',
      eventType: 'asset_created',
      source: { pk: 'ASSET#x1', sk: 'ASSET', sequence: '42' },
    });
    expect(changeOfRecord(record('MODIFY', 'FACE#x1', 'FACE', true))?.eventType).toBe('face_updated');
    expect(changeOfRecord(record('REMOVE', 'PERSON#x1', 'PERSON', true))?.eventType).toBe('person_deleted');
  });

  it('claims, usage, tasks, leases, the feed itself, and an item without an owner are no events', () => {
    for (const [pk, sk] of [
      ['LIB#l', 'SHA256#abc'],
      ['USAGE#x1', 'USAGE'],
      ['TASKS#x1', 'TASK#faces'],
      ['LIB#l', 'CLUSTERING'],
      ['FEED#u1', '0000000000000001'],
      ['FEEDCLAIM#ASSET#x1#ASSET', 'FEEDCLAIM'],
      ['ASSET#x1', 'NOT-ASSET'],
    ] as const) {
      expect(changeOfRecord(record('INSERT', pk, sk, true))).toBeUndefined();
    }
    expect(changeOfRecord(record('INSERT', 'ASSET#x1', 'ASSET', false))).toBeUndefined();
  });
});

describe('the events query', () => {
  it('takes the SDK’s parameters: list or repeated types, ISO dates with or without a zone, limits 1–200', () => {
    expect(
      eventsQuery.parse({
        entity_types: 'asset, person',
        created_at_gte: '2026-01-02T03:04:05.123456+00:00',
        created_at_lt: '2026-01-02T03:04:05',
      }),
    ).toEqual({
      entity_types: ['asset', 'person'],
      created_at_gte: '2026-01-02T03:04:05.123Z',
      created_at_lt: '2026-01-02T03:04:05.000Z',
      limit: 20,
    });
    for (const bad of [
      { limit: '0' },
      { limit: '201' },
      { after_cursor: '12' },
      { entity_types: 'planet' },
      { x: '1' },
    ]) {
      expect(eventsQuery.safeParse(bad).success).toBe(false);
    }
  });
});
