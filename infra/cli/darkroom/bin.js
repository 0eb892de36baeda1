#!/usr/bin/env node
// The `darkroom` command from the checkout: TypeScript run through tsx, as `npm start` runs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
