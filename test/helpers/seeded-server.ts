import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from './db.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

export interface SeededServer {
  server: ServerProcess;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The real server in its own process, on a copy of the migrated, seeded test template (PGlite in a
 * fresh data folder, or a clone on PostgreSQL when TEST_DATABASE_URL is set): for clients that
 * need a listening server (browsers, GDAL).
 */
export async function startSeededServer(env: Record<string, string> = {}): Promise<SeededServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-server-'));
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  const stop = async () => {
    await server?.stop().catch(() => {});
    await database?.drop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const vars: Record<string, string> = { DATA_DIR: dataDir, WEB_BUILD: 'false', DB_SOCKET: 'false', ...env };
    if (process.env.TEST_DATABASE_URL) {
      database = await createTestDatabase();
      await database.db.close(); // the server opens its own pool
      vars.DATABASE_URL = database.url ?? '';
    } else {
      fs.mkdirSync(path.join(dataDir, 'pg'));
      execFileSync('tar', ['-xzf', inject('pgliteTemplate'), '-C', path.join(dataDir, 'pg')], { stdio: 'ignore' });
    }
    server = await startServerProcess({ env: vars, timeoutMs: 90_000 });
    return { server, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
