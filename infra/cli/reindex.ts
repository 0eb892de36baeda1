import '#infra/local/node20.ts';
import { parseArgs } from 'node:util';
import { reindexTable } from '#shared/table/reindex.ts';
import { operatorTarget } from './operator-target.ts';

const USAGE = `usage: npm run reindex -- [--dry-run] [--stack NAME]
  Fills the index attributes (the geo index's, and any other's) of asset records written before
  their index existed: one scan of the table, idempotent, safe while the stack serves.
  --dry-run    count what would be rewritten, write nothing
  --stack      a deployed stack (by CloudFormation name); else the running local stack`;

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    stack: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const target = await operatorTarget(values.stack);
const dryRun = values['dry-run'];
const result = await reindexTable(target.dynamo, target.tableName, {
  dryRun,
  onPage: (p) =>
    process.stderr.write(`\rscanned ${p.scanned} assets, ${p.rewritten} ${dryRun ? 'stale' : 'rewritten'}`),
});
process.stderr.write('\n');
console.log(
  `${target.description}: ${dryRun ? 'would rewrite' : 'rewrote'} ${result.rewritten} of ${result.scanned} assets` +
    ` (${result.scanned - result.rewritten - result.changedMeanwhile} already indexed` +
    `${result.changedMeanwhile > 0 ? `, ${result.changedMeanwhile} rewritten meanwhile by the stack itself` : ''})`,
);
