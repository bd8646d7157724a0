import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { postgis } from '@electric-sql/pglite-postgis';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlitePool } from './pglite-pool.js';
import type { PlatformTables } from './types.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** One connection held for a while: `exec` runs a multi-statement script, `query` one statement. */
export interface Session {
  exec(script: string): Promise<void>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/**
 * One handle on the database, the same type for embedded PGlite and a PostgreSQL server.
 * `kysely` is the typed query builder; `exec` runs a multi-statement script (migrations).
 */
export interface Database {
  kind: DatabaseKind;
  kysely: Kysely<PlatformTables>;
  /** Runs `fn` on one dedicated connection (migrations: advisory lock, multi-statement scripts). */
  session<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Connections in use and waiting, for metrics. */
  stats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
  /** The PGlite pool, when embedded (to serve it on a local socket). */
  pglite?: PGlitePool;
}

// int8 and numeric as strings on both drivers (pg's default), so results never differ.
const TEXT_PARSERS = { 20: (v: string) => v, 1700: (v: string) => v };

function kyselyOver(pool: pg.Pool | PGlitePool): Kysely<PlatformTables> {
  return new Kysely<PlatformTables>({
    // biome-ignore lint/suspicious/noExplicitAny: PGlitePool is pg-Pool-shaped for what Kysely uses
    dialect: new PostgresDialect({ pool: pool as any }),
    plugins: [new CamelCasePlugin()],
  });
}

/** Opens (creating if needed) the embedded database in `dir`, or in memory from a dump. */
export async function openPGlite(options: { dir?: string; loadDataDir?: Blob }): Promise<Database> {
  if (options.dir) fs.mkdirSync(path.dirname(options.dir), { recursive: true });
  const db = await PGlite.create({
    dataDir: options.dir,
    loadDataDir: options.loadDataDir,
    extensions: { postgis, pg_trgm },
    parsers: TEXT_PARSERS,
  });
  const pool = new PGlitePool(db);
  const kysely = kyselyOver(pool);
  return {
    kind: 'pglite',
    kysely,
    pglite: pool,
    session: (fn) =>
      pool.hold(() =>
        fn({
          exec: async (script) => {
            await db.exec(script);
          },
          query: async <R>(sql: string, params?: unknown[]) => (await db.query<R>(sql, params)).rows,
        }),
      ),
    stats: () => ({ total: 1, idle: pool.waitingCount === 0 ? 1 : 0, waiting: pool.waitingCount }),
    async close() {
      await pool.end();
      await db.close();
    },
  };
}

/** Connects to a PostgreSQL server. Connection failures surface per query; the pool reconnects. */
export function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'madina',
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  // Nor may a checked-out one: pg-pool drops its own 'error' listener while a client is lent out,
  // and an unhandled 'error' event would kill the process. The query in flight (or the next one)
  // still fails with the connection error, which becomes a 503, and the pool discards the client.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const kysely = kyselyOver(pool);
  return {
    kind: 'postgres',
    kysely,
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (script) => {
            await client.query(script);
          },
          query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
        });
      } finally {
        client.release();
      }
    },
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await kysely.destroy();
    },
  };
}
