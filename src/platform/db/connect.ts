import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { DataDirLockedError, lockDataDir, socketPath } from './data-lock.js';
import { type Database, openPGlite, openPostgres } from './database.js';

export interface Connection {
  db: Database;
  /** How the database was reached, for the start-up message. */
  via: 'postgres' | 'pglite' | 'pglite-socket';
  release(): void;
}

/**
 * Opens the configured database: PostgreSQL when DATABASE_URL is set; otherwise the embedded
 * PGlite folder, taking its lock. When a running server holds the folder and shares it on its
 * local socket, a CLI command (`shareIfLocked`) goes through that socket instead.
 */
export async function connectDatabase(config: Config, command: string, shareIfLocked = false): Promise<Connection> {
  if (config.databaseUrl) {
    return { db: openPostgres(config.databaseUrl, config.dbPoolSize), via: 'postgres', release() {} };
  }
  try {
    const release = lockDataDir(config.dataDir, command, config.dbSocket);
    try {
      const db = await openPGlite({ dir: path.join(config.dataDir, 'pg') });
      return { db, via: 'pglite', release };
    } catch (error) {
      release();
      throw error;
    }
  } catch (error) {
    const socket = socketPath(config.dataDir);
    if (shareIfLocked && error instanceof DataDirLockedError && error.holder.socket && fs.existsSync(socket)) {
      const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(config.dataDir)}`;
      return { db: openPostgres(url, 1), via: 'pglite-socket', release() {} };
    }
    throw error;
  }
}
