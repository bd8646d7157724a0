// The physical floor of the embedded database: `PGlite.create` with the PostGIS extension on a
// folder (new or existing), optionally followed by `CREATE EXTENSION postgis` — what any
// application on PGlite + PostGIS pays before its first query. Prints one line per step,
// `<step> <ms in this process>`, closes the database and exits 0.
//   node --import tsx bench/peers/pglite-open.ts <folder> [--extension]
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: pglite-open.ts <folder> [--extension]');
  process.exit(2);
}

let t = performance.now();
const db = await PGlite.create({ dataDir: dir, extensions: { postgis } });
console.log(`created ${(performance.now() - t).toFixed(1)}`);
if (process.argv.includes('--extension')) {
  t = performance.now();
  await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  console.log(`extension ${(performance.now() - t).toFixed(1)}`);
}
t = performance.now();
await db.close();
console.log(`closed ${(performance.now() - t).toFixed(1)}`);
process.exit(0);
