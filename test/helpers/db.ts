import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openPGlite, openPostgres } from '../../src/platform/db/database.js';

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export interface TestDatabase {
  db: Database;
  /** The connection string of this test's database (PostgreSQL only). */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A database of the test's own, migrated and seeded with the demo: an in-memory PGlite loaded from
 * the run's template, or a PostgreSQL database cloned from the template database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = await openPGlite({ loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
    return { db, drop: () => db.close() };
  }
  const name = `madina_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const db = openPostgres(testUrl.toString(), 5);
  return {
    db,
    url: testUrl.toString(),
    async drop() {
      await db.close();
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
