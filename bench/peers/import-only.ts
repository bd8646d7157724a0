// Not a peer but a breakdown: how long loading Madina's code takes (`import src/main.ts` through
// tsx, nothing started, no database), so a start-up row can be split into loading and doing.
import { performance } from 'node:perf_hooks';

const t = performance.now();
await import('../../src/main.js');
console.log(`imported ${(performance.now() - t).toFixed(1)}`);
process.exit(0);
