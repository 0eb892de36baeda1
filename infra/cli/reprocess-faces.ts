import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import cliProgress from 'cli-progress';
import type { Asset } from '#shared/domain/asset.ts';
import type { FaceWork } from '#shared/domain/face-ports.ts';
import { FACE_STAGE_VERSION } from '#shared/domain/face-stage.ts';
import { type ReprocessFilter, selectForReprocessing } from '#shared/domain/reprocess.ts';
import { faceWorkBody } from '#shared/events/face-work.ts';
import type { DynamoAssetReads } from '#shared/table/dynamo-asset-reads.ts';
import { DynamoTasks } from '#shared/table/dynamo-faces.ts';
import type { OperatorTarget } from './operator-target.ts';

const WAIT_POLL_MS = 1000;

/**
 * `reprocess --faces`: the face stage alone, for ready assets whose faces were looked for by an
 * older stage (or never; `--all`: every one, again), or `--recluster`: every chosen library's
 * people grouped afresh (names and hand-placed faces kept). The processor is not involved.
 */
export const reprocessFaces = async (
  target: OperatorTarget,
  reads: DynamoAssetReads,
  filter: ReprocessFilter,
  options: { recluster: boolean; dryRun: boolean; wait: boolean },
): Promise<number> => {
  const tasks = new DynamoTasks(target.dynamo, target.tableName);
  const chosen: Asset[] = [];
  let seen = 0;
  for await (const assets of reads.everyAsset(filter.libraryId)) {
    seen += assets.length;
    for (const asset of assets) {
      if (asset.state !== 'ready' || !selectForReprocessing(asset, { ...filter, mode: 'all' })) continue;
      if (options.recluster || filter.mode === 'all') chosen.push(asset);
      else if ((await tasks.get(asset.id, 'face_detection'))?.version !== FACE_STAGE_VERSION) chosen.push(asset);
    }
  }
  const libraries = new Map(chosen.map((a) => [a.libraryId, a.owner]));
  const work: FaceWork[] = options.recluster
    ? [...libraries].map(([libraryId, owner]) => ({ kind: 'cluster', libraryId, owner }))
    : chosen.map((a) => ({ kind: 'detect', assetId: a.id, ...(filter.mode === 'all' && { force: true }) }));
  const what = options.recluster ? `${work.length} libraries to cluster again` : `${work.length} of ${seen} assets`;
  console.log(`${target.description}: ${what} for the face stage (${options.recluster ? 'recluster' : filter.mode})`);
  if (options.dryRun || work.length === 0) return 0;

  const started = new Date().toISOString();
  let failed = 0;
  for (let i = 0; i < work.length; i += 10) {
    const batch = work.slice(i, i + 10);
    const result = await target.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.faceQueueUrl,
        Entries: batch.map((item, n) => ({ Id: String(n), MessageBody: faceWorkBody(item) })),
      }),
    );
    failed += result.Failed?.length ?? 0;
  }
  console.log(`enqueued ${work.length - failed}, failed ${failed}`);
  if (options.wait && failed === 0 && !options.recluster) await waitForFaces(tasks, chosen, started);
  return failed > 0 ? 1 : 0;
};

/** Until each asset's face_detection record was written after `started`; then how they came out. */
const waitForFaces = async (tasks: DynamoTasks, assets: Asset[], started: string) => {
  const progress = new cliProgress.SingleBar(
    { format: 'looking for faces [{bar}] {value}/{total}', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  progress.start(assets.length, 0);
  const done = new Map<string, 'success' | 'failure'>();
  while (done.size < assets.length) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    for (const asset of assets) {
      if (done.has(asset.id)) continue;
      const task = await tasks.get(asset.id, 'face_detection');
      if ((task?.status === 'success' || task?.status === 'failure') && (task.completedAt ?? '') >= started)
        done.set(asset.id, task.status);
    }
    progress.update(done.size);
  }
  progress.stop();
  const failures = [...done.values()].filter((s) => s === 'failure').length;
  console.log(`looked for faces in ${assets.length}: ${assets.length - failures} done, ${failures} failed`);
};
