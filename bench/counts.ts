import './quiet.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { createClients } from '#shared/aws/clients.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { bucketOf, CountLedger, moveOf } from '#shared/domain/count-ledger.ts';
import { formatInstant } from '#shared/domain/datetime.ts';
import { toItem } from '#shared/table/asset-item.ts';
import { DynamoCounters } from '#shared/table/dynamo-counters.ts';
import { feedEntryItem } from '#shared/table/dynamo-feed.ts';
import { assetItem, countersItem } from '#shared/table/keys.ts';
import { putAll, readyPhoto } from '#test/helpers/seed-table.ts';
import { comparison, interleave, record } from './harness.ts';

// GET /api/assets/counts for a library of 100 assets and one of 100 000, both spread over the same
// eight years (96 months): the answer is about the same 96 buckets, read from the owner's counters item,
// so both must cost about the same, and about a GetItem more than the floor. The libraries are
// seeded straight into the table (asset items and their feed entries, with the moves the feed
// writer would have written); the counters are then built from those entries by the real ledger,
// and every measured request goes through the API as a client's does.

const LARGE = Number(process.env.COUNTS_ASSETS ?? 100_000);
const SMALL = 100;
const MONTHS = 96;
const START = Date.UTC(2015, 0, 1);
const SPAN = Date.UTC(2023, 0, 1) - START;
/** Rounds of the four runners: a multiple of 4! orders. */
const RUNS = Number(process.env.COUNTS_RUNS ?? 72);

const stack = await startLocalStack({ faceStage: false });
try {
  const { config } = stack;
  // Seeding goes straight to DynamoDB, past the stream proxy: no stream records, no feed writer.
  const direct = createClients({ ...config, DARKROOM_DYNAMODB_ENDPOINT: stack.dynamoUrl }).dynamo;
  const accounts = composeAccounts(config);

  const seed = async (name: string, count: number) => {
    const { key, record: made } = await accounts.createApiKey(`${name}-${Date.now()}`);
    const owner = made.owner;
    const libraryId = await accounts.resolveLibrary(owner);
    const asset = (i: number): Asset =>
      readyPhoto(i, {
        id: `asset_${name.padEnd(6, 'x')}${String(i).padStart(16, '0')}`,
        owner,
        libraryId,
        localDatetime: formatInstant(new Date(START + Math.floor((i * SPAN) / count))),
      });
    const itemsOf = (i: number) => {
      const a = asset(i);
      const { pk, sk } = assetItem(a.id);
      const change = {
        owner,
        libraryId,
        entityType: 'asset',
        entityId: a.id,
        eventType: 'asset_created',
        source: { pk, sk, sequence: String(i + 1) },
        counts: moveOf(undefined, bucketOf(a)),
      };
      return [toItem(a), feedEntryItem(change, i + 1, '2024-01-01T00:00:00.000Z', `${pk}|${sk}|${i + 1}`)];
    };
    await putAll(direct, config.TABLE_NAME, Array.from({ length: count }, (_, i) => itemsOf(i)).flat());
    // The counters from the feed: what the feed writer (or a first read) does, from no counters at all.
    const started = performance.now();
    const counters = await new CountLedger(new DynamoCounters(direct, config.TABLE_NAME)).advance(owner);
    const catchUp = performance.now() - started;
    const total = Object.values(counters.counts).reduce((sum, n) => sum + n, 0);
    if (total !== count || counters.appliedOrdinal !== count) throw new Error(`${name}: counters hold ${total}`);
    return { key, owner, libraryId, catchUp, buckets: Object.keys(counters.counts).length };
  };

  const seeded = performance.now();
  const small = await seed('small', SMALL);
  const large = await seed('large', LARGE);
  console.log(`seeded ${SMALL} + ${LARGE} assets and entries in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const counts =
    (key: string, query = '') =>
    async () => {
      const res = await fetch(`${stack.apiUrl}/api/assets/counts?limit=200${query}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const body = (await res.json()) as { data: { count: number }[] };
      if (res.status !== 200) throw new Error(`counts answered ${res.status}`);
      return body.data;
    };
  // Agreement first: every asset in a bucket, one bucket a month.
  for (const [who, n] of [
    [small, SMALL],
    [large, LARGE],
  ] as const) {
    const data = await counts(who.key)();
    const sum = data.reduce((s, d) => s + d.count, 0);
    if (sum !== n || data.length !== who.buckets)
      throw new Error(`counts of ${n}: ${data.length} buckets, ${sum} assets`);
  }
  const { dynamo } = createClients(config);
  const floor = () => dynamo.send(new GetCommand({ TableName: config.TABLE_NAME, Key: countersItem(large.owner) }));
  const health = () => fetch(`${stack.apiUrl}/api/health`).then((r) => r.json());
  // A bound inside a month: that month is a COUNT query of its part of the timeline (~1 000 items at 100 000).
  const inside = '&local_datetime_after=2018-06-15T00:00:00Z';

  const times = await interleave(
    [
      { name: 'large', run: counts(large.key) },
      { name: 'small', run: counts(small.key) },
      { name: 'floor', run: floor },
      { name: 'health', run: health },
    ],
    { runs: RUNS, warmup: 5 },
  );
  const bounded = await interleave(
    [
      { name: 'large', run: counts(large.key, inside) },
      { name: 'small', run: counts(small.key, inside) },
    ],
    { runs: 30, warmup: 3 },
  );
  const of = (map: Map<string, number[]>, name: string) => map.get(name) ?? [];
  const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
  const notes = `${large.buckets} and ${small.buckets} buckets; counters built from the feed by the ledger in ${(small.catchUp / 1000).toFixed(2)} s (${SMALL} entries) and ${(large.catchUp / 1000).toFixed(1)} s (${LARGE} entries, from no counters at all); GET /api/health median ${median(of(times, 'health')).toFixed(2)} ms`;
  await record([
    comparison(
      `counts: ${LARGE.toLocaleString('en-US')} assets vs ${SMALL}`,
      { name: `GET /api/assets/counts, ${LARGE} assets`, samples: of(times, 'large') },
      { name: `${SMALL} assets`, samples: of(times, 'small') },
      { target: '≤ 1.5×', notes },
    ),
    comparison(
      `counts: ${LARGE.toLocaleString('en-US')} assets vs the floor`,
      { name: `GET /api/assets/counts, ${LARGE} assets`, samples: of(times, 'large') },
      { name: 'bare GetItem of the counters item', samples: of(times, 'floor') },
      {
        notes:
          'the floor skips HTTP, the authorizer and the library lookup; the counts add a query of the feed after the counters',
      },
    ),
    comparison(
      `counts: a bound inside a month, ${LARGE.toLocaleString('en-US')} assets vs ${SMALL}`,
      { name: `${LARGE} assets`, samples: of(bounded, 'large') },
      { name: `${SMALL} assets`, samples: of(bounded, 'small') },
      {
        notes: `that month is counted on the timeline: ~${Math.round(LARGE / MONTHS)} items at ${LARGE}, ~1 at ${SMALL}`,
      },
    ),
  ]);
} finally {
  await stack.stop();
}
