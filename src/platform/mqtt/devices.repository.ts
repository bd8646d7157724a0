import { type ColumnType, type Generated, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { type Tx, withoutCommune, withTables } from '../db/tenant.js';
import type { DeviceCredential } from './credentials.js';

export interface DeviceTable {
  communeId: string;
  id: string;
  kind: string;
  name: string | null;
  secretHash: string | null;
  credentialCreatedAt: Date | null;
  enabled: Generated<boolean>;
  lastConnectedAt: Date | null;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface DeviceStateTable {
  communeId: string;
  deviceId: string;
  kind: string;
  observedAt: Date;
  receivedAt: Date;
  data: ColumnType<Record<string, unknown>, string, string>;
}

export interface DeadLetterTable {
  id: Generated<string>;
  communeId: string | null;
  topic: string;
  deviceId: string | null;
  reason: string;
  detail: string | null;
  payloadExcerpt: string;
  payloadBytes: number;
  receivedAt: Date;
}

/** The telemetry tables, for queries typed with them (see `withTables`). */
export interface TelemetryTables {
  'platform.device': DeviceTable;
  'platform.deviceState': DeviceStateTable;
  'platform.deadLetter': DeadLetterTable;
}

const tables = (trx: Tx) => withTables<TelemetryTables>(trx);

/** A device as the inventory and the office see it: never its secret's hash. */
export interface DeviceRow {
  id: string;
  kind: string;
  name: string | null;
  enabled: boolean;
  provisioned: boolean;
  credentialCreatedAt: Date | null;
  lastConnectedAt: Date | null;
  lastSeenAt: Date | null;
  isDemo: boolean;
  createdAt: Date;
}

const deviceColumns = (trx: Tx) =>
  tables(trx)
    .selectFrom('platform.device as d')
    .leftJoin('platform.deviceState as s', (j) => j.onRef('s.communeId', '=', 'd.communeId').onRef('s.deviceId', '=', 'd.id'))
    .select([
      'd.id',
      'd.kind',
      'd.name',
      'd.enabled',
      sql<boolean>`d.secret_hash IS NOT NULL`.as('provisioned'),
      'd.credentialCreatedAt',
      'd.lastConnectedAt',
      's.receivedAt as lastSeenAt',
      'd.isDemo',
      'd.createdAt',
    ]);

export function findDevice(trx: Tx, id: string): Promise<DeviceRow | undefined> {
  return deviceColumns(trx).where('d.id', '=', id).executeTakeFirst();
}

export function listDevices(trx: Tx, filter: { kinds: readonly string[]; limit: number; offset: number }): Promise<DeviceRow[]> {
  return deviceColumns(trx)
    .where('d.kind', 'in', filter.kinds as string[])
    .orderBy('d.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

export async function countDevices(trx: Tx, kinds: readonly string[]): Promise<number> {
  const row = await tables(trx)
    .selectFrom('platform.device')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('kind', 'in', kinds as string[])
    .executeTakeFirstOrThrow();
  return row.n;
}

/** True when a device id is taken in any commune (ids are MQTT user names: unique everywhere). */
export async function deviceIdTaken(trx: Tx, id: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.device_credentials(${[id]}::text[])`.execute(trx);
  return (rows[0]?.n ?? 0) > 0;
}

export async function insertDevice(
  trx: Tx,
  d: { communeId: string; id: string; kind: string; name: string | null; secretHash: string | null; isDemo?: boolean },
): Promise<void> {
  await tables(trx)
    .insertInto('platform.device')
    .values({
      communeId: d.communeId,
      id: d.id,
      kind: d.kind,
      name: d.name,
      secretHash: d.secretHash,
      credentialCreatedAt: d.secretHash ? new Date() : null,
      isDemo: d.isDemo ?? false,
    })
    .execute();
}

export async function setDeviceEnabled(trx: Tx, id: string, enabled: boolean): Promise<boolean> {
  const result = await tables(trx)
    .updateTable('platform.device')
    .set({ enabled, updatedAt: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setDeviceSecret(trx: Tx, id: string, secretHash: string): Promise<boolean> {
  const result = await tables(trx)
    .updateTable('platform.device')
    .set({ secretHash, credentialCreatedAt: new Date(), updatedAt: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The latest state of devices by id (what a map reads). */
export function deviceStates(trx: Tx, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return tables(trx)
    .selectFrom('platform.deviceState')
    .select(['deviceId', 'kind', 'observedAt', 'receivedAt', sql<string>`data::text`.as('data')])
    .where('deviceId', 'in', ids as string[])
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> })));
}

export function listDeadLetters(trx: Tx, filter: { limit: number; reason?: string }) {
  let q = tables(trx)
    .selectFrom('platform.deadLetter')
    .select(['id', 'topic', 'deviceId', 'reason', 'detail', 'payloadExcerpt', 'payloadBytes', 'receivedAt'])
    .orderBy('receivedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit);
  if (filter.reason) q = q.where('reason', '=', filter.reason);
  return q.execute();
}

// ── across communes (the broker and the ingestion), through the security-definer functions ──────

/** The credentials of devices that CONNECT, whatever their commune. */
export async function deviceCredentials(db: Database, ids: string[]): Promise<Map<string, DeviceCredential>> {
  return withoutCommune(db, async (trx) => {
    const { rows } = await sql<DeviceCredential & { id: string }>`
      SELECT id, commune_id, commune_code, kind, secret_hash, enabled FROM platform.device_credentials(${ids}::text[])`.execute(trx);
    return new Map(rows.map(({ id, ...credential }) => [id, credential]));
  });
}

export interface IngestionDevice {
  id: string;
  communeId: string;
  communeCode: string;
  kind: string;
  enabled: boolean;
}

export function devicesForIngestion(db: Database, ids: string[]): Promise<IngestionDevice[]> {
  return withoutCommune(db, async (trx) => {
    const { rows } = await sql<IngestionDevice>`
      SELECT id, commune_id, commune_code, kind, enabled FROM platform.devices_for_ingestion(${ids}::text[])`.execute(trx);
    return rows;
  });
}

export async function recordConnected(db: Database, ids: string[]): Promise<void> {
  await withoutCommune(db, (trx) => sql`SELECT platform.devices_connected(${ids}::text[])`.execute(trx));
}
