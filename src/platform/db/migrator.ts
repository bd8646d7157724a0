import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Session } from './database.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NAME = /^\d{8}T\d{4}__[a-z0-9_]+\.sql$/;
// Any constant: every instance starting at once queues on the same advisory lock.
const LOCK_KEY = 727_001;

export interface Migration {
  name: string;
  file: string;
  checksum: string;
}

/** Every module's migrations, and the platform's, in one global order by their timestamp. */
export function listMigrations(srcDir = SRC): Migration[] {
  const dirs = [path.join(srcDir, 'platform/db/migrations')];
  const modules = path.join(srcDir, 'modules');
  if (fs.existsSync(modules)) {
    for (const name of fs.readdirSync(modules).sort()) dirs.push(path.join(modules, name, 'migrations'));
  }
  const found: Migration[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      if (!file.endsWith('.sql')) continue;
      if (!NAME.test(file)) throw new Error(`migration ${path.join(dir, file)} is not named YYYYMMDDTHHMM__what.sql`);
      const text = fs.readFileSync(path.join(dir, file));
      found.push({ name: file, file: path.join(dir, file), checksum: createHash('sha256').update(text).digest('hex') });
    }
  }
  found.sort((a, b) => a.name.localeCompare(b.name));
  for (let i = 1; i < found.length; i++) {
    if (found[i]?.name === found[i - 1]?.name) throw new Error(`two migrations are named ${found[i]?.name}`);
  }
  return found;
}

async function pending(session: Session, migrations: Migration[]): Promise<Migration[]> {
  const applied = await session.query<{ name: string; checksum: string }>('SELECT name, checksum FROM platform.schema_migration');
  const byName = new Map(applied.map((row) => [row.name, row.checksum]));
  for (const m of migrations) {
    const checksum = byName.get(m.name);
    if (checksum !== undefined && checksum !== m.checksum) {
      throw new Error(`migration ${m.name} was edited after it was applied; add a new migration instead`);
    }
  }
  return migrations.filter((m) => !byName.has(m.name));
}

/**
 * Applies the migrations not yet applied, each in its own transaction, and records them.
 * Concurrent starts are safe: they wait on one advisory lock and find the work done.
 */
export async function migrate(db: Database, migrations = listMigrations()): Promise<string[]> {
  return db.session(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await session.exec(`CREATE SCHEMA IF NOT EXISTS platform;
        CREATE TABLE IF NOT EXISTS platform.schema_migration (
          name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const todo = await pending(session, migrations);
      for (const m of todo) {
        await session.exec('BEGIN');
        try {
          await session.exec(fs.readFileSync(m.file, 'utf8'));
          await session.query('INSERT INTO platform.schema_migration (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
          await session.exec('COMMIT');
        } catch (error) {
          await session.exec('ROLLBACK');
          throw new Error(`migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
        }
      }
      return todo.map((m) => m.name);
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
}
