import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import type { UsageEntry } from '#shared/domain/storage-ledger.ts';
import { DynamoUsage, RELEASED_KEPT_SECONDS, TRANSITION_HORIZON_MS } from '#shared/table/dynamo-usage.ts';
import { assetUsageItem, libraryItem } from '#shared/table/keys.ts';
import { useEmbeddedDynamo } from '#test/helpers/embedded-dynamo.ts';
import { FakeClock } from '#test/helpers/fakes.ts';

// DynamoUsage against the embedded DynamoDB: every step of a transition may be repeated (an answer
// lost, the SDK's retry) or be the last thing an invocation does, and the counters stay exact.

const TABLE = LOCAL_NAMES.table;
const embedded = useEmbeddedDynamo();
const db = () => embedded().db;

let made = 0;
/** A user with one library, and one asset of theirs. */
const fresh = async (): Promise<UsageEntry> => {
  made++;
  const entry = { assetId: `asset_${made}`, owner: `user_${made}`, libraryId: `lib_${made}` };
  await db().send(
    new PutCommand({
      TableName: TABLE,
      Item: { ...libraryItem(entry.owner, entry.libraryId), id: entry.libraryId, name: 'Library' },
    }),
  );
  return entry;
};

const counters = async (entry: UsageEntry) => {
  const { Item: library } = await db().send(
    new GetCommand({ TableName: TABLE, Key: libraryItem(entry.owner, entry.libraryId), ConsistentRead: true }),
  );
  const usage = await new DynamoUsage(db(), TABLE, new FakeClock()).usage(entry.owner);
  const leftovers = Object.keys(library ?? {}).filter((k) => k.startsWith('u_'));
  return {
    charged: usage.chargedBytes,
    stored: usage.storedBytes,
    count: Number(library?.asset_count ?? 0),
    libraryBytes: Number(library?.storage_used_bytes ?? 0),
    leftovers,
  };
};

type Send = DynamoDBDocumentClient['send'];

/** A client whose every call is delivered twice: the first answer is lost and the SDK's retry gets the second. */
const twice = (inner: DynamoDBDocumentClient): DynamoDBDocumentClient => {
  const send = (async (command: Parameters<Send>[0]) => {
    await inner.send(command).catch(() => undefined);
    return inner.send(command);
  }) as Send;
  return { send } as unknown as DynamoDBDocumentClient;
};

/** A client that dies right after its `calls`-th call has reached the table. */
const dyingAfter = (inner: DynamoDBDocumentClient, calls: number) => {
  let sent = 0;
  const state = { died: false };
  const send = (async (command: Parameters<Send>[0]) => {
    if (state.died) throw new Error('the invocation is dead');
    const result = await inner.send(command);
    if (++sent >= calls) {
      state.died = true;
      throw new Error('the invocation died');
    }
    return result;
  }) as Send;
  return { client: { send } as unknown as DynamoDBDocumentClient, state };
};

describe('a usage transition', () => {
  it('whose every write is delivered twice counts once: reserve, settle, release', async () => {
    const entry = await fresh();
    const usage = new DynamoUsage(twice(db()), TABLE, new FakeClock());
    expect(await usage.transition(entry, 'reserved', 1000, { limit: 5000 })).toBe('applied');
    expect(await counters(entry)).toEqual({ charged: 1000, stored: 0, count: 0, libraryBytes: 0, leftovers: [] });
    expect(await usage.transition(entry, 'stored', 900)).toBe('applied');
    expect(await counters(entry)).toEqual({ charged: 900, stored: 900, count: 1, libraryBytes: 900, leftovers: [] });
    expect(await usage.transition(entry, 'stored', 900)).toBe('unchanged');
    expect(await usage.transition(entry, 'released', 0)).toBe('applied');
    expect(await counters(entry)).toEqual({ charged: 0, stored: 0, count: 0, libraryBytes: 0, leftovers: [] });
    // Released, the usage item is left to the table's TTL; stored again, it is kept.
    const item = async () =>
      (await db().send(new GetCommand({ TableName: TABLE, Key: assetUsageItem(entry.assetId), ConsistentRead: true })))
        .Item;
    expect((await item())?.expiration).toBe(
      Math.floor(Date.parse('2024-01-15T08:30:00Z') / 1000) + RELEASED_KEPT_SECONDS,
    );
    expect(await usage.transition(entry, 'stored', 900)).toBe('applied');
    expect((await item())?.expiration).toBeUndefined();
  });

  it('left half-done by a dead invocation is busy until the horizon, then finished exactly once', async () => {
    for (let calls = 1; ; calls++) {
      const entry = await fresh();
      const clock = new FakeClock();
      await new DynamoUsage(db(), TABLE, clock).transition(entry, 'reserved', 1000, { limit: 5000 });
      const dying = dyingAfter(db(), calls);
      const outcome = await new DynamoUsage(dying.client, TABLE, clock)
        .transition(entry, 'stored', 1000)
        .catch(() => 'died');
      const survivor = new DynamoUsage(db(), TABLE, clock);
      if (outcome === 'died') {
        // Its claim landed first: until no invocation can still be running it, the operation is the
        // dead one's (unless it died only after clearing it).
        const first = await survivor.transition(entry, 'stored', 1000);
        if (first === 'busy') {
          clock.advance(TRANSITION_HORIZON_MS + 1);
          expect(await survivor.transition(entry, 'stored', 1000)).toBe('unchanged');
        } else expect(first, `died after ${calls}`).toBe('unchanged');
      }
      const after = await counters(entry);
      expect({ ...after, leftovers: [] }, `died after ${calls} calls`).toEqual({
        charged: 1000,
        stored: 1000,
        count: 1,
        libraryBytes: 1000,
        leftovers: [],
      });
      // Markers are removed last; a death just before that leaves one, harmlessly.
      if (outcome !== 'died') {
        expect(after.leftovers).toEqual([]);
        // Claim, owner, library, clear, two markers: each of the six writes has had its death.
        expect(calls).toBe(7);
        break;
      }
      // The repaired asset moves on normally.
      clock.advance(1);
      expect(await survivor.transition(entry, 'released', 0)).toBe('applied');
      expect(await counters(entry)).toMatchObject({ charged: 0, stored: 0, count: 0, libraryBytes: 0 });
    }
  });

  it('a reservation whose invocation died after charging is finished, then given back, by the sweep’s release', async () => {
    for (let calls = 1; calls <= 5; calls++) {
      const entry = await fresh();
      const clock = new FakeClock();
      const dying = dyingAfter(db(), calls);
      await new DynamoUsage(dying.client, TABLE, clock)
        .transition(entry, 'reserved', 1000, { limit: 5000 })
        .catch(() => undefined);
      const sweep = new DynamoUsage(db(), TABLE, clock);
      clock.advance(TRANSITION_HORIZON_MS + 1);
      await sweep.transition(entry, 'released', 0, { from: ['reserved'] });
      expect(await counters(entry), `died after ${calls}`).toMatchObject({ charged: 0, stored: 0 });
    }
  });

  it('reservations fired at once never exceed the limit, and a refused one leaves nothing behind', async () => {
    const entry = await fresh();
    const usage = new DynamoUsage(db(), TABLE, new FakeClock());
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        usage.transition({ ...entry, assetId: `${entry.assetId}_${i}` }, 'reserved', 700, { limit: 7000 }),
      ),
    );
    expect(results.filter((r) => r === 'applied')).toHaveLength(10);
    expect(results.filter((r) => r === 'over-quota')).toHaveLength(20);
    expect(await counters(entry)).toMatchObject({ charged: 7000, stored: 0 });
    const refused = results.indexOf('over-quota');
    // Refused: no usage item, so nothing is ever released for it.
    expect(await usage.transition({ ...entry, assetId: `${entry.assetId}_${refused}` }, 'released', 0)).toBe(
      'unchanged',
    );
    expect(await counters(entry)).toMatchObject({ charged: 7000 });
  });
});
