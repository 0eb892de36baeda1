import './quiet.ts';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '#infra/local/stack.ts';
import { createClients } from '#shared/aws/clients.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { toItem } from '#shared/table/asset-item.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { libraryTimelinePartition } from '#shared/table/keys.ts';
import { INDEXES } from '#shared/table/schema.ts';
import { putAll, readyPhoto } from '#test/helpers/seed-table.ts';
import { compare, record } from './harness.ts';

// 100 000 assets in one library: the first, a middle and the last page of 100 must cost the same,
// because a page is a key-range query from its cursor, never a scan.

const COUNT = Number(process.env.LISTING_ASSETS ?? 100_000);
const stack = await startLocalStack({ faceStage: false });
try {
  const { config } = stack;
  const { dynamo } = createClients(config);
  const repository = new DynamoAssets(dynamo, config.TABLE_NAME);
  const asset = (i: number): Asset =>
    readyPhoto(i, {
      id: `asset_${String(i).padStart(22, '0')}`,
      owner: 'user_bench',
      libraryId: 'lib_bench',
      localDatetime: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z'),
      createdAt: '2020-01-01T00:00:00Z',
      updatedAt: '2020-01-01T00:00:00Z',
    });
  const started = performance.now();
  await putAll(
    dynamo,
    config.TABLE_NAME,
    Array.from({ length: COUNT }, (_, i) => toItem(asset(i))),
  );
  console.log(`wrote ${COUNT} assets in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const page = (after?: number) => () =>
    repository.timeline({
      owner: 'user_bench',
      libraryId: 'lib_bench',
      limit: 100,
      order: 'desc',
      ...(after !== undefined && { startAfter: asset(after) }),
    });
  const first = await page()();
  const last = await page(150)();
  if (first.assets.length !== 100 || last.assets.length !== 100) throw new Error('pages of 100 expected');
  // What DynamoDB read for the last page: the page and the one that says "more", nothing else.
  const probe = await dynamo.send(
    new QueryCommand({
      TableName: config.TABLE_NAME,
      IndexName: INDEXES.libraryTimeline.name,
      KeyConditionExpression: `${INDEXES.libraryTimeline.partitionKey} = :p`,
      ExpressionAttributeValues: { ':p': libraryTimelinePartition('lib_bench') },
      ScanIndexForward: true,
      Limit: 101,
    }),
  );
  const notes = `${COUNT} assets; a page reads ${probe.ScannedCount} items`;
  await record([
    await compare(
      'listing: last page of 100 of 100 000',
      { name: 'last page', run: page(150) },
      { name: 'first page', run: page() },
      { runs: 15, target: '≤ 1.5×' },
    ).then((c) => ({ ...c, notes })),
    await compare(
      'listing: middle page of 100 of 100 000',
      { name: 'middle page', run: page(COUNT / 2) },
      { name: 'first page', run: page() },
      { runs: 15, target: '≤ 1.5×' },
    ).then((c) => ({ ...c, notes })),
  ]);
} finally {
  await stack.stop();
}
