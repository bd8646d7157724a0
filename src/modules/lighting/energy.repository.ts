import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';

/**
 * An interval between two readings longer than this is a gap: its counter difference is still
 * the energy drawn (spread evenly over the gap), but the lamp's state during it is unknown, so
 * no dimming saving is claimed for it (its rated energy is the measured one).
 */
export const GAP_HOURS = 2;
/** How far back (and forward) the rollup looks for the reading that opens (closes) a day's first (last) interval. */
const LOOKAROUND_DAYS = 35;

const SOURCES = {
  luminaire: { readings: sql.table('lighting.luminaire_reading'), units: sql.table('lighting.luminaire') },
  cabinet: { readings: sql.table('lighting.cabinet_reading'), units: sql.table('lighting.cabinet') },
} as const;

/**
 * The energy of each device of one kind per local hour of the days [from, to], from the
 * differences of its cumulative counter: a counter lower than the one before was reset, and the
 * energy since the reset is its new value. An interval is spread evenly over the local hours it
 * covers (hours of the commune's time zone, so a day is 23 or 25 hours when the clock changes);
 * the reading just before the first day and just after the last one close the edge intervals.
 * Columns: device_id, day, hr (0–23), kwh, on_hours (burning, outside gaps), gap_kwh.
 */
function hourlyEnergy(kind: keyof typeof SOURCES, timeZone: string, from: string, to: string): RawBuilder<unknown> {
  const { readings, units } = SOURCES[kind];
  return sql`
    bounds AS (
      SELECT (${from}::date::timestamp AT TIME ZONE ${timeZone}) AS t0, ((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AS t1
    ), pts AS (
      SELECT r.device_id, r.observed_at, r.energy_consumed, r.power_state
        FROM ${readings} r, bounds b
       WHERE r.observed_at >= b.t0 AND r.observed_at < b.t1 AND r.energy_consumed IS NOT NULL
      UNION ALL
      SELECT e.* FROM ${units} u, bounds b, LATERAL (
        (SELECT r.device_id, r.observed_at, r.energy_consumed, r.power_state FROM ${readings} r
          WHERE r.device_id = u.device_id AND r.observed_at < b.t0 AND r.observed_at >= b.t0 - make_interval(days => ${LOOKAROUND_DAYS})
            AND r.energy_consumed IS NOT NULL
          ORDER BY r.observed_at DESC LIMIT 1)
        UNION ALL
        (SELECT r.device_id, r.observed_at, r.energy_consumed, r.power_state FROM ${readings} r
          WHERE r.device_id = u.device_id AND r.observed_at >= b.t1 AND r.observed_at < b.t1 + make_interval(days => ${LOOKAROUND_DAYS})
            AND r.energy_consumed IS NOT NULL
          ORDER BY r.observed_at LIMIT 1)
      ) e
       WHERE u.device_id IS NOT NULL
    ), steps AS (
      SELECT device_id, lag(observed_at) OVER w AS a, observed_at AS b, lag(power_state) OVER w AS state,
             CASE WHEN energy_consumed >= lag(energy_consumed) OVER w THEN energy_consumed - lag(energy_consumed) OVER w
                  ELSE energy_consumed END AS kwh
        FROM pts WINDOW w AS (PARTITION BY device_id ORDER BY observed_at)
    ), slots AS (
      SELECT s.device_id, h,
             s.kwh * extract(epoch FROM least(s.b, h + interval '1 hour', bd.t1) - greatest(s.a, h)) / extract(epoch FROM s.b - s.a) AS kwh,
             extract(epoch FROM least(s.b, h + interval '1 hour', bd.t1) - greatest(s.a, h)) / 3600 AS hours,
             s.state, s.b - s.a > make_interval(hours => ${GAP_HOURS}) AS gap
        FROM steps s, bounds bd,
             generate_series(date_trunc('hour', greatest(s.a, bd.t0), ${timeZone}), least(s.b, bd.t1) - interval '1 microsecond', interval '1 hour') AS h
       WHERE s.a IS NOT NULL AND s.b > s.a AND s.a < bd.t1 AND s.b > bd.t0
    ), device_hours AS (
      SELECT device_id, (h AT TIME ZONE ${timeZone})::date AS day, extract(hour FROM h AT TIME ZONE ${timeZone})::int AS hr,
             sum(kwh) AS kwh,
             sum(CASE WHEN state = 'on' AND NOT gap THEN hours ELSE 0 END) AS on_hours,
             sum(CASE WHEN gap THEN kwh ELSE 0 END) AS gap_kwh
        FROM slots GROUP BY 1, 2, 3
    )`;
}

/** The 24 hourly values of a unit's day, from `unit_hours` rows matched on the unit's keys. */
const hourlyArray = (keys: RawBuilder<unknown>) => sql`ARRAY(
  SELECT coalesce(sum(x.kwh), 0)::float8 FROM generate_series(0, 23) g(hr)
    LEFT JOIN unit_hours x ON x.hr = g.hr AND ${keys}
   GROUP BY g.hr ORDER BY g.hr)`;

/**
 * Recomputes the daily rollup of the days [from, to] (local dates): deletes them and inserts them
 * again from the readings, so a re-run gives the same rows. Returns the number of rows written.
 */
export async function rollUpEnergy(trx: Tx, communeId: string, timeZone: string, from: string, to: string): Promise<number> {
  await sql`DELETE FROM lighting.energy_day WHERE day BETWEEN ${from}::date AND ${to}::date`.execute(trx);
  // Luminaire controllers, summed by cabinet, group and district (the district whose area holds the lamp).
  const lum = await sql`
    WITH ${hourlyEnergy('luminaire', timeZone, from, to)},
    units AS (
      SELECT l.device_id, l.cabinet_id, l.group_id, l.power_rating,
             (SELECT d.id FROM platform.district d WHERE ST_Intersects(d.area, l.location) ORDER BY d.id LIMIT 1) AS district_id
        FROM lighting.luminaire l WHERE l.device_id IS NOT NULL
    ), unit_hours AS (
      SELECT dh.day, dh.hr, u.cabinet_id, u.group_id, u.district_id, dh.device_id, dh.kwh,
             dh.on_hours * u.power_rating / 1000 + dh.gap_kwh AS rated_kwh, dh.on_hours
        FROM device_hours dh JOIN units u USING (device_id)
    ), unit_days AS (
      SELECT day, cabinet_id, group_id, district_id, sum(kwh) AS kwh, sum(rated_kwh) AS rated_kwh,
             sum(on_hours) AS burning_hours, count(DISTINCT device_id)::int AS devices
        FROM unit_hours GROUP BY 1, 2, 3, 4
    )
    INSERT INTO lighting.energy_day (commune_id, day, source, cabinet_id, group_id, district_id, kwh, hourly_kwh, rated_kwh, burning_hours, devices)
    SELECT ${communeId}::uuid, ud.day, 'luminaire', ud.cabinet_id, ud.group_id, ud.district_id, ud.kwh,
           ${hourlyArray(sql`x.day = ud.day AND x.cabinet_id IS NOT DISTINCT FROM ud.cabinet_id AND x.group_id IS NOT DISTINCT FROM ud.group_id AND x.district_id IS NOT DISTINCT FROM ud.district_id`)},
           ud.rated_kwh, ud.burning_hours, ud.devices
      FROM unit_days ud`.execute(trx);
  // Cabinet meters; their rated power is that of the luminaires they feed.
  const cab = await sql`
    WITH ${hourlyEnergy('cabinet', timeZone, from, to)},
    units AS (
      SELECT c.device_id, c.id AS cabinet_id,
             coalesce((SELECT sum(l.power_rating) FROM lighting.luminaire l WHERE l.cabinet_id = c.id), 0) AS power_rating
        FROM lighting.cabinet c WHERE c.device_id IS NOT NULL
    ), unit_hours AS (
      SELECT dh.day, dh.hr, u.cabinet_id, dh.kwh, dh.on_hours * u.power_rating / 1000 + dh.gap_kwh AS rated_kwh, dh.on_hours
        FROM device_hours dh JOIN units u USING (device_id)
    ), unit_days AS (
      SELECT day, cabinet_id, sum(kwh) AS kwh, sum(rated_kwh) AS rated_kwh, sum(on_hours) AS burning_hours
        FROM unit_hours GROUP BY 1, 2
    )
    INSERT INTO lighting.energy_day (commune_id, day, source, cabinet_id, kwh, hourly_kwh, rated_kwh, burning_hours, devices)
    SELECT ${communeId}::uuid, ud.day, 'cabinet', ud.cabinet_id, ud.kwh,
           ${hourlyArray(sql`x.day = ud.day AND x.cabinet_id = ud.cabinet_id`)}, ud.rated_kwh, ud.burning_hours, 1
      FROM unit_days ud`.execute(trx);
  return Number(lum.numAffectedRows ?? 0n) + Number(cab.numAffectedRows ?? 0n);
}

export type GroupBy = 'cabinet' | 'group' | 'district';
export type Period = 'day' | 'month';

/** One unit's energy over one period, as the query returns it (cost from the given hourly prices). */
export interface EnergyRow {
  period: string;
  unitId: string | null;
  code: string | null;
  name: Record<string, string> | null;
  source: 'meter' | 'luminaires' | 'mixed';
  kwh: number;
  ratedKwh: number;
  costMad: number;
  burningHours: number;
  devices: number;
}

/**
 * The rollup's energy per unit and period, between two local dates. By cabinet: the cabinet's
 * meter on the days it has one, else its luminaires' sum (the `source` says which, `mixed` when a
 * period has both). By group and by district: the luminaires' sums (a cabinet meter cannot be split
 * between them). `prices` is the price of each local hour, 0 to 23.
 */
export async function energyRows(
  trx: Tx,
  q: { groupBy: GroupBy; period: Period; from: string; to: string; prices: number[] },
): Promise<EnergyRow[]> {
  const unit = { cabinet: sql.ref('cabinet_id'), group: sql.ref('group_id'), district: sql.ref('district_id') }[q.groupBy];
  const chosen =
    q.groupBy === 'cabinet'
      ? sql`
        SELECT day, cabinet_id AS unit_id, 'meter' AS source, kwh, rated_kwh, cost, burning_hours, devices FROM d WHERE source = 'cabinet'
        UNION ALL
        SELECT day, cabinet_id, 'luminaires', sum(kwh), sum(rated_kwh), sum(cost), sum(burning_hours), sum(devices)
          FROM d WHERE source = 'luminaire'
           AND NOT EXISTS (SELECT 1 FROM d m WHERE m.source = 'cabinet' AND m.day = d.day AND m.cabinet_id IS NOT DISTINCT FROM d.cabinet_id)
         GROUP BY day, cabinet_id`
      : sql`
        SELECT day, ${unit} AS unit_id, 'luminaires' AS source, sum(kwh) AS kwh, sum(rated_kwh) AS rated_kwh, sum(cost) AS cost,
               sum(burning_hours) AS burning_hours, sum(devices) AS devices
          FROM d WHERE source = 'luminaire' GROUP BY day, ${unit}`;
  const names = {
    cabinet: sql`LEFT JOIN lighting.cabinet n ON n.id = p.unit_id`,
    group: sql`LEFT JOIN lighting.lamp_group n ON n.id = p.unit_id`,
    district: sql`LEFT JOIN platform.district n ON n.id = p.unit_id`,
  }[q.groupBy];
  const code = q.groupBy === 'district' ? sql`NULL::text` : sql`n.code`;
  // Cabinets are known by their code; groups and districts by their names in each language.
  const name = q.groupBy === 'cabinet' ? sql`NULL::jsonb` : sql`n.name`;
  const bucket = q.period === 'day' ? sql`to_char(day, 'YYYY-MM-DD')` : sql`to_char(day, 'YYYY-MM')`;
  const { rows } = await sql<Omit<EnergyRow, 'name'> & { name: Record<string, string> | null }>`
    WITH d AS (
      SELECT e.*, (SELECT coalesce(sum(k * p), 0) FROM unnest(e.hourly_kwh, ${q.prices}::float8[]) AS u(k, p)) AS cost
        FROM lighting.energy_day e WHERE e.day BETWEEN ${q.from}::date AND ${q.to}::date
    ), chosen AS (${chosen}),
    p AS (
      SELECT ${bucket} AS period, unit_id,
             CASE WHEN bool_and(source = 'meter') THEN 'meter' WHEN bool_or(source = 'meter') THEN 'mixed' ELSE 'luminaires' END AS source,
             sum(kwh)::float8 AS kwh, sum(rated_kwh)::float8 AS rated_kwh, sum(cost)::float8 AS cost_mad,
             sum(burning_hours)::float8 AS burning_hours, max(devices)::int AS devices
        FROM chosen GROUP BY 1, 2
    )
    SELECT p.period, p.unit_id, ${code} AS code, ${name} AS name, p.source, p.kwh, p.rated_kwh, p.cost_mad, p.burning_hours, p.devices
      FROM p ${names}
     ORDER BY p.period, ${code} NULLS LAST, p.unit_id NULLS LAST`.execute(trx);
  return rows;
}

/** A commune's tariff and emission factor as stored. */
export interface EnergySettingsRow {
  bands: { code: string; priceMadPerKwh: number }[];
  hourBands: string[];
  co2KgPerKwh: number;
  sourceNote: string | null;
  updatedAt: Date;
}

export async function findEnergySettings(trx: Tx): Promise<EnergySettingsRow | undefined> {
  const { rows } = await sql<EnergySettingsRow>`
    SELECT bands, hour_bands, co2_kg_per_kwh, source_note, updated_at FROM lighting.energy_settings`.execute(trx);
  return rows[0];
}

export async function saveEnergySettings(trx: Tx, communeId: string, s: Omit<EnergySettingsRow, 'updatedAt'>): Promise<void> {
  await sql`
    INSERT INTO lighting.energy_settings (commune_id, bands, hour_bands, co2_kg_per_kwh, source_note, updated_at)
    VALUES (${communeId}::uuid, ${JSON.stringify(s.bands)}::jsonb, ${s.hourBands}::text[], ${s.co2KgPerKwh}, ${s.sourceNote}, now())
    ON CONFLICT (commune_id) DO UPDATE
      SET bands = excluded.bands, hour_bands = excluded.hour_bands, co2_kg_per_kwh = excluded.co2_kg_per_kwh,
          source_note = excluded.source_note, updated_at = excluded.updated_at`.execute(trx);
}
