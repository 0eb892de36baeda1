import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// `npm run bench`: every benchmark, one after another, each in its own process; each merges its
// rows into results/latest.json and rewrites results/latest.md, which the README shows.
const BENCHMARKS = [
  'process-photo',
  'checksums',
  'api',
  'listing',
  'cold-start',
  'large-video',
  'direct-upload',
  'event-to-ready',
  'photos-per-second',
  'places',
  'faces',
  'feed-lag',
  'counts',
  'cli-upload',
  'web-timeline',
];
const only = process.argv.slice(2);
for (const name of only.length ? only : BENCHMARKS) {
  console.log(`\n## ${name}`);
  execFileSync(join(import.meta.dirname, '../node_modules/.bin/tsx'), [join(import.meta.dirname, `${name}.ts`)], {
    stdio: 'inherit',
  });
}
