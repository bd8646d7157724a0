import fs from 'node:fs';
import path from 'node:path';

/** The socket through which a running server shares its embedded database (pg: host = dataDir, port 5432). */
export function socketPath(dataDir: string): string {
  return path.join(dataDir, '.s.PGSQL.5432');
}

export interface LockHolder {
  pid: number;
  command: string;
  socket: boolean;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the data folder ${dataDir} is in use by process ${holder.pid} (${holder.command}); ` +
        'PGlite allows one process per folder: stop it, or use another DATA_DIR',
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the folder now, if a live process does (a stale lock from a killed process does not count). */
export function lockHolder(dataDir: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(path.join(dataDir, 'madina.lock'), 'utf8')) as LockHolder;
    return alive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the embedded database's folder for this process; throws DataDirLockedError naming the
 * holder when another live process has it. Returns the release function.
 */
export function lockDataDir(dataDir: string, command: string, socket: boolean): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'madina.lock');
  const me: LockHolder = { pid: process.pid, command, socket };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return () => {
        if (lockHolder(dataDir)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = lockHolder(dataDir);
      if (holder) throw new DataDirLockedError(dataDir, holder);
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
