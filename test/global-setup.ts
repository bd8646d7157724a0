import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { seedDemo } from '../src/flows/seed-demo.js';
import { openPGlite, openPostgres } from '../src/platform/db/database.js';
import { listMigrations, migrate } from '../src/platform/db/migrator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of a gzipped data folder, migrated and seeded; each test file loads a copy. */
    pgliteTemplate: string;
    /** PostgreSQL: name of a migrated, seeded template database; each test file clones it. */
    postgresTemplate: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..');
const SEED_INPUTS = [
  'src/flows/seed-demo.ts',
  'src/flows/demo-reports.ts',
  // The demo writes through these.
  'src/modules/reports/reports.repository.ts',
  'src/modules/reports/categories.repository.ts',
  'src/flows/demo-gis.ts',
  'src/flows/demo-eservices.ts',
  'src/modules/eservices/seed-procedures.ts',
  'src/modules/eservices/catalog.repository.ts',
  'src/modules/eservices/catalog.service.ts',
  'src/modules/eservices/requests.repository.ts',
  'src/modules/eservices/procedure.ts',
  'src/modules/gis/gis.repository.ts',
  'src/modules/lighting/demo.ts',
  'src/modules/lighting/lighting.repository.ts',
  'seed/morocco/berkane_province_neighbourhoods.csv',
  'src/platform/communes/communes.service.ts',
  'seed/morocco/berkane_province_communes.geojson',
];

/** Changes whenever a migration or the seed changes, so a stale template is never reused. */
function templateKey(): string {
  const hash = createHash('sha256');
  for (const m of listMigrations()) hash.update(m.name).update(m.checksum);
  for (const file of SEED_INPUTS) hash.update(fs.readFileSync(path.join(ROOT, file)));
  return hash.digest('hex').slice(0, 16);
}

const SEED_ACTOR = { type: 'system', id: null, label: 'demo seed' } as const;

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log(
      '\n[madina] database tests run on embedded PGlite. Suites that need a PostgreSQL server are skipped ' +
        '(set TEST_DATABASE_URL=postgresql://… to run them; .ci/run does).\n',
    );
    const cache = path.join(ROOT, 'node_modules/.cache/madina');
    const file = path.join(cache, `pglite-template-${templateKey()}.tar.gz`);
    if (!fs.existsSync(file)) {
      const db = await openPGlite({});
      await migrate(db);
      await seedDemo(db, SEED_ACTOR);
      const dump = await db.pglite!.db.dumpDataDir('gzip');
      await db.close();
      fs.mkdirSync(cache, { recursive: true });
      fs.writeFileSync(`${file}.${process.pid}.tmp`, Buffer.from(await dump.arrayBuffer()));
      fs.renameSync(`${file}.${process.pid}.tmp`, file);
    }
    project.provide('pgliteTemplate', file);
    project.provide('postgresTemplate', '');
    return;
  }
  const template = `madina_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  const db = openPostgres(templateUrl.toString(), 2);
  await migrate(db);
  await seedDemo(db, SEED_ACTOR);
  await db.close();
  project.provide('pgliteTemplate', '');
  project.provide('postgresTemplate', template);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
