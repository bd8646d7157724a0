import { type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';

export const RULES = ['dark', 'silent', 'power', 'day_burning', 'cabinet_fault'] as const;
export type Rule = (typeof RULES)[number];

export interface DetectionSettingTable {
  communeId: string;
  darkMinutes: number;
  silentFactor: number;
  luminaireIntervalSeconds: number;
  cabinetIntervalSeconds: number;
  powerTolerancePercent: number;
  powerSettleMinutes: number;
  dayBurningMinutes: number;
  cabinetFaultMinutes: number;
  departmentId: string | null;
  updatedAt: Generated<Date>;
}

export interface FaultOnsetTable {
  communeId: string;
  deviceId: string;
  rule: Rule;
  since: Date;
  details: Record<string, unknown>;
}

export interface AlarmTable {
  communeId: string;
  id: Generated<string>;
  deviceId: string;
  luminaireId: string | null;
  cabinetId: string | null;
  rule: Rule;
  openedAt: Date;
  lastSeenAt: Date;
  clearedAt: Date | null;
  workOrderId: string | null;
  details: Record<string, unknown>;
  createdAt: Generated<Date>;
}

export interface DetectionMarkTable {
  communeId: string;
  deviceId: string;
  markedAt: Generated<Date>;
}

const tables = (trx: Tx) =>
  withTables<{
    'lighting.detection_setting': DetectionSettingTable;
    'lighting.fault_onset': FaultOnsetTable;
    'lighting.alarm': AlarmTable;
    'lighting.detection_mark': DetectionMarkTable;
  }>(trx);

export type SettingsValues = Omit<DetectionSettingTable, 'communeId' | 'updatedAt'>;

export function findSettings(trx: Tx) {
  return tables(trx).selectFrom('lighting.detection_setting').selectAll().executeTakeFirst();
}

export function upsertSettings(trx: Tx, communeId: string, v: SettingsValues) {
  return tables(trx)
    .insertInto('lighting.detection_setting')
    .values({ communeId, ...v })
    .onConflict((oc) => oc.column('communeId').doUpdateSet({ ...v, updatedAt: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findDepartmentByCode(trx: Tx, code: string) {
  return (await trx.selectFrom('platform.department').select('id').where('code', '=', code).executeTakeFirst())?.id ?? null;
}

export async function departmentExists(trx: Tx, id: string) {
  return Boolean(await trx.selectFrom('platform.department').select('id').where('id', '=', id).executeTakeFirst());
}

/**
 * Who is alerted of a work order for a department: the active supervisors, agents and technicians
 * of that department and of the departments above it (whose reach includes it).
 */
export async function alertedStaff(trx: Tx, departmentId: string) {
  const { rows } = await sql<{ email: string; locale: string | null }>`
    SELECT u.email, u.locale
      FROM platform.department target
      JOIN platform.department d ON starts_with(target.path, d.path)
      JOIN platform.user_account u ON u.commune_id = d.commune_id AND u.department_id = d.id
     WHERE target.id = ${departmentId}::uuid AND u.active AND u.role IN ('supervisor', 'agent', 'technician')
     ORDER BY u.email`.execute(trx);
  return rows;
}

export async function communeLocale(trx: Tx, communeId: string) {
  return (await trx.selectFrom('platform.commune').select('defaultLocale').where('id', '=', communeId).executeTakeFirstOrThrow())
    .defaultLocale;
}

// ── marks: the devices an ingestion batch stored readings for ───────────────────────────────────

/** Marks devices for evaluation; returns how many were not marked yet (0: a job is already due for them). */
export async function markDevices(trx: Tx, communeId: string, deviceIds: readonly string[]): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const { rows } = await sql<{ deviceId: string }>`
    INSERT INTO lighting.detection_mark (commune_id, device_id)
    SELECT ${communeId}::uuid, unnest(${deviceIds}::text[])
    ON CONFLICT (commune_id, device_id) DO NOTHING
    RETURNING device_id`.execute(trx);
  return rows.length;
}

export async function takeMarks(trx: Tx): Promise<string[]> {
  const rows = await tables(trx).deleteFrom('lighting.detection_mark').returning('deviceId').execute();
  return rows.map((r) => r.deviceId);
}

// ── what the evaluator reads ───────────────────────────────────────────────────────────────────

/** A lighting controller as the rules see it: what it is fitted to, its rating, its latest reading. */
export interface EvaluatedDevice {
  deviceId: string;
  kind: 'luminaire' | 'cabinet';
  isDemo: boolean;
  luminaireId: string | null;
  cabinetId: string | null;
  code: string | null;
  powerRating: number | null;
  lat: number | null;
  lon: number | null;
  observedAt: Date | null;
  receivedAt: Date | null;
  data: Record<string, unknown> | null;
}

/** The commune's enabled lighting controllers (all, or those named), with their latest state. */
export async function devicesToEvaluate(trx: Tx, deviceIds: readonly string[] | null): Promise<EvaluatedDevice[]> {
  const { rows } = await sql<EvaluatedDevice>`
    SELECT d.id AS device_id, d.kind, d.is_demo, l.id AS luminaire_id, c.id AS cabinet_id, coalesce(l.code, c.code) AS code,
           l.power_rating, ST_Y(coalesce(l.location, c.location)) AS lat, ST_X(coalesce(l.location, c.location)) AS lon,
           s.observed_at, s.received_at, s.data
      FROM platform.device d
      LEFT JOIN lighting.luminaire l ON d.kind = 'luminaire' AND l.commune_id = d.commune_id AND l.device_id = d.id
      LEFT JOIN lighting.cabinet c ON d.kind = 'cabinet' AND c.commune_id = d.commune_id AND c.device_id = d.id
      LEFT JOIN platform.device_state s ON s.commune_id = d.commune_id AND s.device_id = d.id
     WHERE d.kind IN ('luminaire', 'cabinet') AND d.enabled
       AND (${deviceIds === null}::boolean OR d.id = ANY (${deviceIds ?? []}::text[]))
     ORDER BY d.id`.execute(trx);
  return rows;
}

/** The onsets of these devices (null: of every device). */
export function listOnsets(trx: Tx, deviceIds: readonly string[] | null) {
  if (deviceIds?.length === 0) return Promise.resolve([]);
  let q = tables(trx).selectFrom('lighting.fault_onset').selectAll();
  if (deviceIds) q = q.where('deviceId', 'in', deviceIds);
  return q.execute();
}

export async function insertOnset(trx: Tx, o: FaultOnsetTable) {
  await tables(trx)
    .insertInto('lighting.fault_onset')
    .values({ ...o, details: JSON.stringify(o.details) as unknown as Record<string, unknown> })
    .execute();
}

export async function deleteOnset(trx: Tx, deviceId: string, rule: Rule) {
  await tables(trx).deleteFrom('lighting.fault_onset').where('deviceId', '=', deviceId).where('rule', '=', rule).execute();
}

// ── alarms ─────────────────────────────────────────────────────────────────────────────────────

export type AlarmRow = Awaited<ReturnType<typeof findAlarm>> & {};

const json = (v: Record<string, unknown>) => JSON.stringify(v) as unknown as Record<string, unknown>;

export function listOpenAlarms(trx: Tx, deviceIds: readonly string[]) {
  if (deviceIds.length === 0) return Promise.resolve([]);
  return tables(trx)
    .selectFrom('lighting.alarm')
    .selectAll()
    .where('deviceId', 'in', deviceIds)
    .where('clearedAt', 'is', null)
    .orderBy('openedAt')
    .execute();
}

export function insertAlarm(trx: Tx, a: Omit<AlarmTable, 'id' | 'createdAt' | 'clearedAt' | 'workOrderId'>) {
  return tables(trx)
    .insertInto('lighting.alarm')
    .values({ ...a, details: json(a.details) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateAlarm(trx: Tx, id: string, c: Partial<Pick<AlarmTable, 'lastSeenAt' | 'clearedAt' | 'workOrderId' | 'details'>>) {
  return tables(trx)
    .updateTable('lighting.alarm')
    .set({ ...c, ...(c.details ? { details: json(c.details) } : {}) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findAlarm(trx: Tx, id: string) {
  return tables(trx).selectFrom('lighting.alarm').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface AlarmFilter {
  state?: 'open' | 'cleared';
  rule?: Rule;
  deviceId?: string;
  luminaireId?: string;
  cabinetId?: string;
  limit: number;
  offset: number;
}

export async function listAlarms(trx: Tx, f: AlarmFilter) {
  let q = tables(trx).selectFrom('lighting.alarm');
  if (f.state === 'open') q = q.where('clearedAt', 'is', null);
  if (f.state === 'cleared') q = q.where('clearedAt', 'is not', null);
  if (f.rule) q = q.where('rule', '=', f.rule);
  if (f.deviceId) q = q.where('deviceId', '=', f.deviceId);
  if (f.luminaireId) q = q.where('luminaireId', '=', f.luminaireId);
  if (f.cabinetId) q = q.where('cabinetId', '=', f.cabinetId);
  const rows = await q.selectAll().orderBy('openedAt', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute();
  const { total } = await q.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
  return { rows, total };
}

/** The open DARK alarm of the nearest luminaire within `metres` of a point, if any. */
export async function openDarkAlarmNear(trx: Tx, p: { lat: number; lon: number }, metres: number) {
  const { rows } = await sql<{ id: string; luminaireId: string; workOrderId: string | null }>`
    SELECT a.id, a.luminaire_id, a.work_order_id
      FROM lighting.alarm a
      JOIN lighting.luminaire l ON l.commune_id = a.commune_id AND l.id = a.luminaire_id
     WHERE a.rule = 'dark' AND a.cleared_at IS NULL
       AND ST_DWithin(l.location::geography, ST_SetSRID(ST_MakePoint(${p.lon}::float8, ${p.lat}::float8), 4326)::geography, ${metres}::float8)
     ORDER BY ST_Distance(l.location::geography, ST_SetSRID(ST_MakePoint(${p.lon}::float8, ${p.lat}::float8), 4326)::geography)
     LIMIT 1`.execute(trx);
  return rows[0];
}
