import { type ColumnType, type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';

export const TECHNOLOGIES = ['LED', 'HPS', 'MH', 'LPS', 'other'] as const;
export type Technology = (typeof TECHNOLOGIES)[number];

export interface CabinetTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  name: string | null;
  location: unknown;
  meterNumber: string | null;
  supplyPoint: string | null;
  maximumPowerAvailable: number | null;
  phases: Generated<number>;
  circuitCount: Generated<number>;
  workingMode: Generated<string>;
  deviceId: string | null;
  dateServiceStarted: string | null;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface LuminaireTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  location: unknown;
  technology: Technology;
  powerRating: number;
  dateServiceStarted: string | null;
  cabinetId: string | null;
  circuit: string | null;
  lanternHeight: number | null;
  deviceId: string | null;
  groupId: string | null;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface LampGroupTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  name: Record<string, string>;
  description: Record<string, string> | null;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

const tables = (trx: Tx) =>
  withTables<{ 'lighting.cabinet': CabinetTable; 'lighting.luminaire': LuminaireTable; 'lighting.lamp_group': LampGroupTable }>(trx);

/** What a device is fitted to: a luminaire or a cabinet of the inventory. */
export interface DeviceLink {
  deviceId: string;
  type: 'luminaire' | 'cabinet';
  id: string;
  code: string;
}

export async function deviceLinks(trx: Tx, deviceIds: readonly string[]): Promise<Map<string, DeviceLink>> {
  if (deviceIds.length === 0) return new Map();
  const { rows } = await sql<DeviceLink>`
    SELECT device_id, 'luminaire' AS type, id, code FROM lighting.luminaire WHERE device_id = ANY (${deviceIds}::text[])
    UNION ALL
    SELECT device_id, 'cabinet' AS type, id, code FROM lighting.cabinet WHERE device_id = ANY (${deviceIds}::text[])`.execute(trx);
  return new Map(rows.map((r) => [r.deviceId, r]));
}

/** Fits a device to a luminaire that has none; false when there is no such luminaire or it has one. */
export async function attachToLuminaire(trx: Tx, luminaireId: string, deviceId: string): Promise<boolean> {
  const r = await tables(trx)
    .updateTable('lighting.luminaire')
    .set({ deviceId, updatedAt: new Date() })
    .where('id', '=', luminaireId)
    .where('deviceId', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function attachToCabinet(trx: Tx, cabinetId: string, deviceId: string): Promise<boolean> {
  const r = await tables(trx)
    .updateTable('lighting.cabinet')
    .set({ deviceId, updatedAt: new Date() })
    .where('id', '=', cabinetId)
    .where('deviceId', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function countCabinets(trx: Tx): Promise<number> {
  const row = await tables(trx).selectFrom('lighting.cabinet').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

/** What the simulator needs to know of a device: what it is fitted to and what that draws. */
export interface SimulatedDevice {
  deviceId: string;
  kind: 'luminaire' | 'cabinet';
  secretHash: string | null;
  isDemo: boolean;
  technology: Technology | null;
  powerRating: number | null;
  dateServiceStarted: string | null;
  /** Cabinets: their circuits, phases and the rated power of each circuit's luminaires (W). */
  phases: number | null;
  circuitWatts: Record<string, number> | null;
}

/** The commune's lighting devices for the simulator: cabinets first, then luminaires, by id. */
export async function devicesToSimulate(trx: Tx, limit: number): Promise<SimulatedDevice[]> {
  const { rows } = await sql<SimulatedDevice & { circuitWatts: string | null }>`
    SELECT * FROM (
      SELECT d.id AS device_id, 'cabinet' AS kind, d.secret_hash, d.is_demo, NULL AS technology, NULL::real AS power_rating,
             c.date_service_started::text AS date_service_started, c.phases::int AS phases,
             (SELECT json_object_agg(coalesce(l.circuit, 'C1'), w)::text
                FROM (SELECT circuit, sum(power_rating) AS w FROM lighting.luminaire l WHERE l.cabinet_id = c.id GROUP BY circuit) l) AS circuit_watts
        FROM lighting.cabinet c JOIN platform.device d ON d.commune_id = c.commune_id AND d.id = c.device_id
       WHERE d.enabled
      UNION ALL
      SELECT d.id, 'luminaire', d.secret_hash, d.is_demo, l.technology, l.power_rating, l.date_service_started::text, NULL, NULL
        FROM lighting.luminaire l JOIN platform.device d ON d.commune_id = l.commune_id AND d.id = l.device_id
       WHERE d.enabled
    ) s
    ORDER BY (kind = 'luminaire'), device_id
    LIMIT ${limit}`.execute(trx);
  return rows.map((r) => ({ ...r, circuitWatts: r.circuitWatts ? (JSON.parse(r.circuitWatts) as Record<string, number>) : null }));
}

// ── the demo inventory ─────────────────────────────────────────────────────────────────────────

/**
 * Berkane's demo inventory, generated in SQL so it stays fast on the embedded database: cabinets
 * and luminaires at points drawn inside the commune's real boundary (ST_GeneratePoints with fixed
 * seeds: the same places every time), each luminaire fed by its nearest cabinet, each with its
 * controller device (not provisioned: the simulator gives demo devices their credentials).
 */
export async function insertDemoInventory(trx: Tx, communeId: string, prefix: string, cabinets: number, luminaires: number): Promise<void> {
  await sql`
    INSERT INTO platform.device (commune_id, id, kind, name, is_demo)
    SELECT ${communeId}::uuid, format('%s-c-%s', ${prefix}::text, lpad(i::text, 3, '0')), 'cabinet', format('ARM-%s', lpad(i::text, 3, '0')), true
      FROM generate_series(1, ${cabinets}::int) AS i`.execute(trx);
  // Contracted power, circuits and commissioning years vary with the cabinet's number.
  await sql`
    INSERT INTO lighting.cabinet (commune_id, code, location, maximum_power_available, phases, circuit_count,
                                  working_mode, device_id, date_service_started, is_demo)
    SELECT ${communeId}::uuid, format('ARM-%s', lpad(p.path[1]::text, 3, '0')), p.geom,
           (array[12, 18, 24, 36])[1 + p.path[1] % 4], 3, 2 + p.path[1] % 3, 'automatic',
           format('%s-c-%s', ${prefix}::text, lpad(p.path[1]::text, 3, '0')),
           make_date(2006 + (p.path[1] * 7) % 18, 1 + p.path[1] % 12, 1), true
      FROM platform.commune c, ST_Dump(ST_GeneratePoints(c.boundary, ${cabinets}::int, 1700)) AS p
     WHERE c.id = ${communeId}::uuid`.execute(trx);
  await sql`
    INSERT INTO platform.device (commune_id, id, kind, name, is_demo)
    SELECT ${communeId}::uuid, format('%s-l-%s', ${prefix}::text, lpad(i::text, 5, '0')), 'luminaire', format('L-%s', lpad(i::text, 5, '0')), true
      FROM generate_series(1, ${luminaires}::int) AS i`.execute(trx);
  // A city in the middle of its LED retrofit: 35% LED (2019–2025), 50% high-pressure sodium
  // (2004–2018), 15% metal halide on the main squares; typical ratings for each.
  await sql`
    WITH pts AS (
      SELECT p.path[1] AS i, p.geom
        FROM platform.commune c, ST_Dump(ST_GeneratePoints(c.boundary, ${luminaires}::int, 1701)) AS p
       WHERE c.id = ${communeId}::uuid
    ), spec AS (
      SELECT i, geom, (i * 37) % 20 AS r FROM pts
    )
    INSERT INTO lighting.luminaire (commune_id, code, location, technology, power_rating, date_service_started,
                                    cabinet_id, circuit, lantern_height, device_id, is_demo)
    SELECT ${communeId}::uuid, format('L-%s', lpad(s.i::text, 5, '0')), s.geom,
           CASE WHEN s.r < 7 THEN 'LED' WHEN s.r < 17 THEN 'HPS' ELSE 'MH' END,
           CASE WHEN s.r < 7 THEN (array[40, 60, 90, 120])[1 + s.i % 4]
                WHEN s.r < 17 THEN (array[100, 150, 250])[1 + s.i % 3]
                ELSE (array[150, 250])[1 + s.i % 2] END,
           CASE WHEN s.r < 7 THEN make_date(2019 + s.i % 7, 1 + s.i % 12, 1 + s.i % 28)
                ELSE make_date(2004 + s.i % 15, 1 + s.i % 12, 1 + s.i % 28) END,
           k.id, format('C%s', 1 + s.i % k.circuit_count), (array[6, 8, 10, 12])[1 + s.i % 4],
           format('%s-l-%s', ${prefix}::text, lpad(s.i::text, 5, '0')), true
      FROM spec s
      CROSS JOIN LATERAL (
        SELECT id, circuit_count FROM lighting.cabinet k
         ORDER BY k.location <-> s.geom LIMIT 1
      ) k`.execute(trx);
}

/** Where a commune is (its boundary's centroid) and its time zone: for the sun rule of the simulator. */
export async function communePlace(trx: Tx, communeId: string): Promise<{ lat: number; lon: number; timeZone: string }> {
  const { rows } = await sql<{ lat: number | null; lon: number | null; timeZone: string }>`
    SELECT ST_Y(ST_Centroid(boundary)) AS lat, ST_X(ST_Centroid(boundary)) AS lon, time_zone
      FROM platform.commune WHERE id = ${communeId}::uuid`.execute(trx);
  const row = rows[0];
  // Without a boundary: Berkane's town hall, roughly.
  return { lat: row?.lat ?? 34.92, lon: row?.lon ?? -2.32, timeZone: row?.timeZone ?? 'Africa/Casablanca' };
}
