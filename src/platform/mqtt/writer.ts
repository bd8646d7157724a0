import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { Tx } from '../db/tenant.js';
import type { CompiledKind, StateRow } from './kinds.js';

/** One reading ready for its kind's table: the fixed columns, then the kind's own in order. */
export interface ReadingRow {
  deviceId: string;
  observedAt: string;
  receivedAt: string;
  values: unknown[];
}

export interface DeadLetterRow {
  topic: string;
  deviceId: string | null;
  reason: string;
  detail: string | null;
  payloadExcerpt: string;
  payloadBytes: number;
  receivedAt: string;
}

/** What one commune gets from one batch. */
export interface CommuneWrite {
  readings: Map<CompiledKind, ReadingRow[]>;
  states: StateRow[];
  deadLetters: DeadLetterRow[];
}

export interface BatchWrite {
  byCommune: Map<string, CommuneWrite>;
  /** Dead letters that name no known commune. */
  unattributed: DeadLetterRow[];
}

/** Rows written per kind (the others were duplicates of stored readings). */
export type Written = Map<string, number>;

const readingSql = new WeakMap<CompiledKind, { columns: string; select: string; record: string }>();

function statementParts(kind: CompiledKind) {
  let parts = readingSql.get(kind);
  if (!parts) {
    const names = kind.columns.map(([name]) => name);
    parts = {
      columns: ['commune_id', 'device_id', 'observed_at', 'received_at', ...names].join(', '),
      select: ['r.device_id', 'r.observed_at', 'r.received_at', ...names.map((n) => `r.${n}`)].join(', '),
      record: ['device_id text', 'observed_at timestamptz', 'received_at timestamptz', ...kind.columns.map(([n, t]) => `${n} ${t}`)].join(
        ', ',
      ),
    };
    readingSql.set(kind, parts);
  }
  return parts;
}

function readingsJson(kind: CompiledKind, rows: ReadingRow[]): string {
  const names = kind.columns.map(([name]) => name);
  return JSON.stringify(
    rows.map((row) => {
      const record: Record<string, unknown> = { device_id: row.deviceId, observed_at: row.observedAt, received_at: row.receivedAt };
      for (let i = 0; i < names.length; i++) record[names[i] as string] = row.values[i] ?? null;
      return record;
    }),
  );
}

/**
 * Inserts readings of one kind for the transaction's commune, all in one statement (the rows
 * travel as one JSON parameter and `json_to_recordset` turns them into rows). A reading already
 * stored (same device and time: a redelivered message) is skipped. Returns the rows inserted.
 */
async function insertReadings(trx: Tx, communeId: string, kind: CompiledKind, rows: ReadingRow[]): Promise<number> {
  const p = statementParts(kind);
  const result = await sql`
    INSERT INTO ${sql.raw(kind.table)} (${sql.raw(p.columns)})
    SELECT ${communeId}::uuid, ${sql.raw(p.select)}
      FROM json_to_recordset(${readingsJson(kind, rows)}::json) AS r(${sql.raw(p.record)})
    ON CONFLICT DO NOTHING`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

/** The latest state of each device, replaced only by a newer reading (rows sorted: no deadlock between instances). */
async function upsertStates(trx: Tx, communeId: string, states: StateRow[]): Promise<void> {
  const rows = [...states]
    .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0))
    .map((s) => ({ device_id: s.deviceId, kind: s.kind, observed_at: s.observedAt, received_at: s.receivedAt, data: s.data }));
  await sql`
    INSERT INTO platform.device_state AS s (commune_id, device_id, kind, observed_at, received_at, data)
    SELECT ${communeId}::uuid, r.device_id, r.kind, r.observed_at, r.received_at, r.data
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
           AS r(device_id text, kind text, observed_at timestamptz, received_at timestamptz, data jsonb)
    ON CONFLICT (commune_id, device_id) DO UPDATE
       SET kind = excluded.kind, observed_at = excluded.observed_at, received_at = excluded.received_at, data = excluded.data
     WHERE s.observed_at < excluded.observed_at`.execute(trx);
}

async function insertDeadLetters(trx: Tx, communeId: string | null, letters: DeadLetterRow[]): Promise<void> {
  const rows = letters.map((d) => ({
    topic: d.topic,
    device_id: d.deviceId,
    reason: d.reason,
    detail: d.detail,
    payload_excerpt: d.payloadExcerpt,
    payload_bytes: d.payloadBytes,
    received_at: d.receivedAt,
  }));
  await sql`
    INSERT INTO platform.dead_letter (commune_id, topic, device_id, reason, detail, payload_excerpt, payload_bytes, received_at)
    SELECT ${communeId}::uuid, r.topic, r.device_id, r.reason, r.detail, r.payload_excerpt, r.payload_bytes, r.received_at
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
           AS r(topic text, device_id text, reason text, detail text, payload_excerpt text, payload_bytes integer, received_at timestamptz)`.execute(
    trx,
  );
}

/**
 * Writes one batch in one transaction, as the application role (row-level security applies):
 * the commune is set for each commune's rows in turn, so a batch may hold many communes and each
 * row is still checked against its own. Returns the readings inserted per kind.
 */
export async function writeBatch(db: Database, batch: BatchWrite): Promise<Written> {
  const written: Written = new Map();
  await db.kysely.transaction().execute(async (trx) => {
    await sql`SELECT set_config('role', 'madina_app', true)`.execute(trx);
    if (batch.unattributed.length > 0) await insertDeadLetters(trx, null, batch.unattributed);
    for (const [communeId, write] of batch.byCommune) {
      await sql`SELECT set_config('madina.commune_id', ${communeId}, true)`.execute(trx);
      for (const [kind, rows] of write.readings) {
        if (rows.length === 0) continue;
        const n = await insertReadings(trx, communeId, kind, rows);
        written.set(kind.kind, (written.get(kind.kind) ?? 0) + n);
      }
      if (write.states.length > 0) await upsertStates(trx, communeId, write.states);
      if (write.deadLetters.length > 0) await insertDeadLetters(trx, communeId, write.deadLetters);
      for (const kind of write.readings.keys()) {
        if (kind.listeners.length === 0) continue;
        const states = write.states.filter((s) => s.kind === kind.kind);
        if (states.length === 0) continue;
        for (const listener of kind.listeners) await listener(trx, { communeId, states });
      }
    }
  });
  return written;
}

/** Creates the monthly partitions of `table` covering `from`..`to` (the job, and on demand). */
export async function ensurePartitions(db: Database, table: string, from: Date, to: Date): Promise<number> {
  const { rows } = await sql<{ created: number }>`
    SELECT platform.ensure_month_partitions(${table}, ${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz) AS created`.execute(
    db.kysely,
  );
  return rows[0]?.created ?? 0;
}

/** Every table registered for monthly partitions. */
export async function partitionedTables(db: Database): Promise<string[]> {
  const { rows } = await sql<{ parent: string }>`SELECT parent FROM platform.monthly_partitioned ORDER BY parent`.execute(db.kysely);
  return rows.map((r) => r.parent);
}

/** Deletes dead letters older than `days` (as the owner: across communes). */
export async function purgeDeadLetters(db: Database, days: number): Promise<number> {
  const result = await sql`DELETE FROM platform.dead_letter WHERE received_at < now() - make_interval(days => ${days})`.execute(db.kysely);
  return Number(result.numAffectedRows ?? 0n);
}
