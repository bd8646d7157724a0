import type { PGlite } from '@electric-sql/pglite';

/** The part of a `pg` client that Kysely's PostgresDriver uses. */
export interface PoolClientLike {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number; command: string }>;
  release(): void;
}

const COMMAND = /^\s*(?:WITH\b[\s\S]*?\)\s*)?(INSERT|UPDATE|DELETE|MERGE|SELECT)\b/i;

/**
 * A pg-Pool-shaped adapter over one PGlite session. PGlite is a single backend session, so the
 * "pool" lends it to one borrower at a time: a Kysely transaction keeps it from BEGIN to COMMIT and
 * no other query can slip in between. The same lock guards the session against clients of the
 * local socket (see `socketView`), which may hold their own transaction across several messages.
 */
export class PGlitePool {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(readonly db: PGlite) {}

  /** Number of borrowers waiting for the session (exported as a metric). */
  get waitingCount(): number {
    return this.waiting;
  }

  /** Runs `fn` while holding the session; waits for a socket client's open transaction to end. */
  private async acquire(): Promise<() => void> {
    this.waiting++;
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    // A socket client (psql, the CLI) may be between two messages of its own transaction: let it
    // finish before this borrower starts, or its statements would run inside ours.
    while (this.db.isInTransaction()) {
      release();
      await new Promise((r) => setTimeout(r, 5));
      const again = this.tail;
      this.tail = new Promise<void>((resolve) => {
        release = resolve;
      });
      await again;
    }
    this.waiting--;
    return release;
  }

  async connect(): Promise<PoolClientLike> {
    const release = await this.acquire();
    let released = false;
    return {
      query: async (sql, params) => {
        const result = await this.db.query(sql, params as unknown[]);
        const command = COMMAND.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT';
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, command };
      },
      release: () => {
        if (!released) {
          released = true;
          release();
        }
      },
    };
  }

  /** Runs `fn` while holding the session (for direct use of `db.exec` / `db.query`). */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * The PGlite instance as the socket server should see it: each protocol message it runs first
   * takes this pool's lock, so it never lands inside an in-process transaction.
   */
  socketView(): PGlite {
    const withLock = async <T>(fn: () => Promise<T>): Promise<T> => {
      const previous = this.tail;
      let release!: () => void;
      this.tail = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      try {
        return await fn();
      } finally {
        release();
      }
    };
    return new Proxy(this.db, {
      get(target, prop) {
        if (prop === 'runExclusive') {
          return <T>(fn: () => Promise<T>) => withLock(() => target.runExclusive(fn));
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  async end(): Promise<void> {
    await this.tail;
  }
}
