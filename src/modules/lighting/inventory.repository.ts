import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';
import type { Technology } from './lighting.repository.js';

/**
 * A controller that has said nothing for this long is silent. The demo controllers report every
 * 10 s and real ones every few minutes; a quarter of an hour tells a dead link from a late message.
 */
export const SILENT_MINUTES = 15;

export const LIVE_STATES = ['on', 'dimmed', 'off', 'fault', 'silent', 'unmonitored'] as const;
export type LiveState = (typeof LIVE_STATES)[number];

/**
 * A device's live state from platform.device_state (alias `s`): `unmonitored` without a
 * controller, `silent` without a recent message, `fault` with a fault flag, else on (dimmed below
 * 100 %) or off.
 */
const liveState = (deviceId: RawBuilder<unknown>) => sql<LiveState>`CASE
  WHEN ${deviceId} IS NULL THEN 'unmonitored'
  WHEN s.device_id IS NULL OR s.received_at < now() - make_interval(mins => ${SILENT_MINUTES}) THEN 'silent'
  WHEN jsonb_array_length(coalesce(s.data->'faults', '[]')) > 0 THEN 'fault'
  WHEN s.data->>'powerState' = 'on' THEN CASE WHEN (s.data->>'dimLevel')::real < 100 THEN 'dimmed' ELSE 'on' END
  ELSE 'off' END`;

export interface LuminaireFilter {
  cabinetId?: string;
  groupId?: string;
  districtId?: string;
  technology?: Technology;
  state?: LiveState;
  /** [west, south, east, north], degrees. */
  bbox?: [number, number, number, number];
  limit: number;
  offset: number;
}

export interface LuminaireRow {
  id: string;
  code: string;
  lon: number;
  lat: number;
  technology: Technology;
  powerRating: number;
  dateServiceStarted: string | null;
  circuit: string | null;
  cabinetId: string | null;
  cabinetCode: string | null;
  groupId: string | null;
  groupCode: string | null;
  deviceId: string | null;
  state: LiveState;
  dimLevel: number | null;
  power: number | null;
  faults: string[];
  lastSeenAt: Date | null;
}

const luminaireSelect = sql`
  SELECT l.id, l.code, ST_X(l.location) AS lon, ST_Y(l.location) AS lat, l.technology, l.power_rating,
         l.date_service_started::text AS date_service_started, l.circuit, l.cabinet_id, k.code AS cabinet_code,
         l.group_id, g.code AS group_code, l.device_id, ${liveState(sql`l.device_id`)} AS state,
         (s.data->>'dimLevel')::real AS dim_level, (s.data->>'powerConsumption')::real AS power,
         coalesce(ARRAY(SELECT jsonb_array_elements_text(s.data->'faults')), '{}') AS faults, s.received_at AS last_seen_at
    FROM lighting.luminaire l
    LEFT JOIN lighting.cabinet k ON k.commune_id = l.commune_id AND k.id = l.cabinet_id
    LEFT JOIN lighting.lamp_group g ON g.commune_id = l.commune_id AND g.id = l.group_id
    LEFT JOIN platform.device_state s ON s.commune_id = l.commune_id AND s.device_id = l.device_id`;

function luminaireWhere(f: Omit<LuminaireFilter, 'limit' | 'offset'>) {
  const conditions = [sql`true`];
  if (f.cabinetId) conditions.push(sql`l.cabinet_id = ${f.cabinetId}::uuid`);
  if (f.groupId) conditions.push(sql`l.group_id = ${f.groupId}::uuid`);
  if (f.technology) conditions.push(sql`l.technology = ${f.technology}`);
  if (f.districtId) {
    conditions.push(
      sql`EXISTS (SELECT 1 FROM platform.district d WHERE d.id = ${f.districtId}::uuid AND ST_Intersects(d.area, l.location))`,
    );
  }
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    conditions.push(sql`l.location && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`);
  }
  if (f.state) conditions.push(sql`${liveState(sql`l.device_id`)} = ${f.state}`);
  return sql.join(conditions, sql` AND `);
}

/** A page of luminaires by code, with the total that match. */
export async function listLuminaires(trx: Tx, f: LuminaireFilter): Promise<{ rows: LuminaireRow[]; total: number }> {
  const where = luminaireWhere(f);
  const { rows } = await sql<LuminaireRow>`${luminaireSelect} WHERE ${where} ORDER BY l.code LIMIT ${f.limit} OFFSET ${f.offset}`.execute(
    trx,
  );
  const count = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM lighting.luminaire l
      LEFT JOIN platform.device_state s ON s.commune_id = l.commune_id AND s.device_id = l.device_id
     WHERE ${where}`.execute(trx);
  return { rows, total: count.rows[0]?.n ?? 0 };
}

export async function findLuminaire(trx: Tx, id: string): Promise<LuminaireRow | undefined> {
  const { rows } = await sql<LuminaireRow>`${luminaireSelect} WHERE l.id = ${id}::uuid`.execute(trx);
  return rows[0];
}

/** Every luminaire as a map point: its id, code and live state (the whole city in one answer). */
export async function luminairePoints(trx: Tx): Promise<{ id: string; code: string; lon: number; lat: number; state: LiveState }[]> {
  const { rows } = await sql<{ id: string; code: string; lon: number; lat: number; state: LiveState }>`
    SELECT l.id, l.code, round(ST_X(l.location)::numeric, 6)::float8 AS lon, round(ST_Y(l.location)::numeric, 6)::float8 AS lat,
           ${liveState(sql`l.device_id`)} AS state
      FROM lighting.luminaire l
      LEFT JOIN platform.device_state s ON s.commune_id = l.commune_id AND s.device_id = l.device_id
     ORDER BY l.code`.execute(trx);
  return rows;
}

export interface ReadingRow {
  observedAt: Date;
  powerState: 'on' | 'off';
  dimLevel: number | null;
  powerConsumption: number | null;
  voltage: number | null;
  energyConsumed: number | null;
  faults: string[];
}

/** A luminaire controller's latest readings, newest first, from the last `days` days. */
export async function lastReadings(trx: Tx, deviceId: string, limit: number, days: number): Promise<ReadingRow[]> {
  const { rows } = await sql<ReadingRow>`
    SELECT observed_at, power_state, dim_level, power_consumption, voltage, energy_consumed, faults
      FROM lighting.luminaire_reading
     WHERE device_id = ${deviceId} AND observed_at > now() - make_interval(days => ${days})
     ORDER BY observed_at DESC LIMIT ${limit}`.execute(trx);
  return rows;
}

export interface CabinetRow {
  id: string;
  code: string;
  name: string | null;
  lon: number;
  lat: number;
  maximumPowerAvailable: number | null;
  circuitCount: number;
  luminaires: number;
  deviceId: string | null;
  state: LiveState;
  dimLevel: number | null;
  /** kW */
  power: number | null;
  faults: string[];
  lastSeenAt: Date | null;
}

/** A page of cabinets by code, each with its luminaires' count and its controller's live state. */
export async function listCabinets(
  trx: Tx,
  f: { state?: LiveState; limit: number; offset: number },
): Promise<{ rows: CabinetRow[]; total: number }> {
  const where = f.state ? sql`${liveState(sql`k.device_id`)} = ${f.state}` : sql`true`;
  const from = sql`FROM lighting.cabinet k LEFT JOIN platform.device_state s ON s.commune_id = k.commune_id AND s.device_id = k.device_id`;
  const { rows } = await sql<CabinetRow>`
    SELECT k.id, k.code, k.name, ST_X(k.location) AS lon, ST_Y(k.location) AS lat, k.maximum_power_available, k.circuit_count,
           (SELECT count(*)::int FROM lighting.luminaire l WHERE l.commune_id = k.commune_id AND l.cabinet_id = k.id) AS luminaires,
           k.device_id, ${liveState(sql`k.device_id`)} AS state, (s.data->>'dimLevel')::real AS dim_level,
           (s.data->>'totalActivePower')::real AS power,
           coalesce(ARRAY(SELECT jsonb_array_elements_text(s.data->'faults')), '{}') AS faults, s.received_at AS last_seen_at
      ${from} WHERE ${where} ORDER BY k.code LIMIT ${f.limit} OFFSET ${f.offset}`.execute(trx);
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n ${from} WHERE ${where}`.execute(trx);
  return { rows, total: count.rows[0]?.n ?? 0 };
}

/** What the office's filters offer: cabinets, groups, districts that have an area, and how many lamps are in each state. */
export async function inventoryFacets(trx: Tx) {
  const cabinets = await sql<{ id: string; code: string }>`SELECT id, code FROM lighting.cabinet ORDER BY code`.execute(trx);
  const groups = await sql<{ id: string; code: string; name: Record<string, string> }>`
    SELECT id, code, name FROM lighting.lamp_group ORDER BY code`.execute(trx);
  const districts = await sql<{ id: string; name: Record<string, string> }>`
    SELECT id, name FROM platform.district WHERE area IS NOT NULL ORDER BY name->>'fr', id`.execute(trx);
  const states = await sql<{ state: LiveState; n: number }>`
    SELECT ${liveState(sql`l.device_id`)} AS state, count(*)::int AS n
      FROM lighting.luminaire l LEFT JOIN platform.device_state s ON s.commune_id = l.commune_id AND s.device_id = l.device_id
     GROUP BY 1`.execute(trx);
  return { cabinets: cabinets.rows, groups: groups.rows, districts: districts.rows, states: states.rows };
}
