import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database.js';
import type { PlatformTables } from './types.js';

export type Tx = Transaction<PlatformTables>;

/**
 * Runs `fn` in a transaction scoped to one commune: the application role (subject to row-level
 * security) and the commune id are set for this transaction only, so every tenant table shows and
 * accepts that commune's rows and nothing else.
 */
export async function withCommune<T>(db: Database | Kysely<PlatformTables>, communeId: string, fn: (trx: Tx) => Promise<T>) {
  const kysely = 'kysely' in db ? db.kysely : db;
  const scope = async (trx: Tx) => {
    await sql`SELECT set_config('role', 'madina_app', true), set_config('madina.commune_id', ${communeId}, true)`.execute(trx);
    return fn(trx);
  };
  // Inside a platform transaction (e.g. creating a commune), the scope holds until it commits.
  if (kysely.isTransaction) return scope(kysely as Tx);
  return kysely.transaction().execute(scope);
}

/** Like `withCommune` with no commune: the application role sees no tenant rows (for tests and platform reads). */
export function withoutCommune<T>(db: Database, fn: (trx: Tx) => Promise<T>) {
  return db.kysely.transaction().execute(async (trx) => {
    await sql`SELECT set_config('role', 'madina_app', true)`.execute(trx);
    return fn(trx);
  });
}

/**
 * The same transaction, typed with a module's own tables beside the platform's: a module declares
 * its tables (e.g. `{ 'portal.office': OfficeTable }`) in its repository and reads them through this.
 */
export function withTables<T>(trx: Tx): Transaction<PlatformTables & T> {
  return trx as unknown as Transaction<PlatformTables & T>;
}
