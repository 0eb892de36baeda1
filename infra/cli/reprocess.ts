import '#infra/local/node20.ts';
import { parseArgs } from 'node:util';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import cliProgress from 'cli-progress';
import { type Asset, PIPELINE_VERSION } from '#shared/domain/asset.ts';
import {
  type ReprocessFilter,
  reprocessObject,
  selectForReprocessing,
  tallyReprocessing,
} from '#shared/domain/reprocess.ts';
import { objectCreatedEvent } from '#shared/events/object-created.ts';
import { DynamoAssetReads } from '#shared/table/dynamo-asset-reads.ts';
import { operatorTarget } from './operator-target.ts';
import { reprocessFaces } from './reprocess-faces.ts';

const USAGE = `usage: npm run reprocess -- [--outdated | --all] [--faces | --recluster] [--library LIB_ID] [--since DATE] [--dry-run] [--wait] [--stack NAME]
  --outdated   assets made by a pipeline older than version ${PIPELINE_VERSION} (the default)
  --all        every processed asset, even when nothing changed
  --faces      the face stage only: ready assets whose faces an older stage looked for (with --all: every one)
  --recluster  the face stage only: group each library's faces into people afresh (names and hand-placed faces kept)
  --wait       stay until every enqueued asset is rewritten, and say how many came out ready or failed
  --stack      a deployed stack (by CloudFormation name); else the running local stack`;

const { values } = parseArgs({
  options: {
    outdated: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    library: { type: 'string' },
    since: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    wait: { type: 'boolean', default: false },
    faces: { type: 'boolean', default: false },
    recluster: { type: 'boolean', default: false },
    stack: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (
  values.help ||
  (values.all && values.outdated) ||
  (values.faces && values.recluster) ||
  (values.since && Number.isNaN(Date.parse(values.since)))
) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const filter: ReprocessFilter = {
  mode: values.all ? 'all' : 'outdated',
  ...(values.library && { libraryId: values.library }),
  ...(values.since && { since: new Date(values.since).toISOString() }),
};
const target = await operatorTarget(values.stack);
const WAIT_POLL_MS = 1000;

const reads = new DynamoAssetReads(target.dynamo, target.tableName);
if (values.faces || values.recluster) {
  const options = { recluster: values.recluster, dryRun: values['dry-run'], wait: values.wait };
  process.exit(await reprocessFaces(target, reads, filter, options));
}

const selected = [];
let seen = 0;
for await (const assets of reads.everyAsset(filter.libraryId)) {
  seen += assets.length;
  selected.push(...assets.filter((asset) => selectForReprocessing(asset, filter)));
}
console.log(`${target.description}: ${selected.length} of ${seen} assets to reprocess (${filter.mode})`);
if (values['dry-run'] || selected.length === 0) {
  for (const asset of values['dry-run'] ? selected.slice(0, 20) : [])
    console.log(`  ${asset.id}  v${asset.pipelineVersion ?? 0}  ${asset.originalFileName}`);
  process.exit(0);
}

const bar = new cliProgress.SingleBar(
  { format: 'enqueueing [{bar}] {value}/{total}', stream: process.stderr },
  cliProgress.Presets.shades_classic,
);
bar.start(selected.length, 0);
let sent = 0;
let failed = 0;
for (let i = 0; i < selected.length; i += 10) {
  const batch = selected.slice(i, i + 10);
  const result = await target.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: target.queueUrl,
      Entries: batch.map((asset, n) => ({
        Id: String(n),
        MessageBody: JSON.stringify(
          objectCreatedEvent(reprocessObject(asset, target.originalsBucket, filter.mode === 'all')),
        ),
      })),
    }),
  );
  sent += result.Successful?.length ?? 0;
  failed += result.Failed?.length ?? 0;
  bar.update(i + batch.length);
}
bar.stop();
console.log(`enqueued ${sent}, failed ${failed}; the processor regenerates their derived files as the queue drains`);
if (values.wait && failed === 0) await waitForProcessing(selected);
process.exit(failed > 0 ? 1 : 0);

/** Reads the enqueued assets' records again and again until each was rewritten (or deleted). */
async function waitForProcessing(enqueued: Asset[]) {
  const progress = new cliProgress.SingleBar(
    { format: 'processing [{bar}] {value}/{total} ({failed} failed)', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  progress.start(enqueued.length, 0, { failed: 0 });
  let pending = enqueued;
  const done = { ready: 0, failed: 0, gone: 0 };
  while (pending.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    const now = new Map<string, Asset>();
    for (let i = 0; i < pending.length; i += 100)
      for (const asset of await reads.getMany(pending.slice(i, i + 100).map((a) => a.id))) now.set(asset.id, asset);
    const tally = tallyReprocessing(pending, now);
    done.ready += tally.ready;
    done.failed += tally.failed;
    done.gone += tally.gone;
    pending = pending.filter((asset) => now.get(asset.id)?.updatedAt === asset.updatedAt);
    progress.update(enqueued.length - pending.length, { failed: done.failed });
  }
  progress.stop();
  console.log(
    `reprocessed ${enqueued.length}: ${done.ready} ready, ${done.failed} failed, ${done.gone} deleted meanwhile`,
  );
}
