/**
 * Lighting's NGSI-LD entity types, shaped like the FIWARE Smart Data Models (Streetlighting):
 * `Streetlight` (a luminaire with its controller's latest state), `StreetlightControlCabinet`
 * and `StreetlightGroup`. Ids are `urn:ngsi-ld:<Type>:<commune code>:<code>`: the code painted on
 * the pole or cabinet is what field crews and the inventory use and survives a re-import (a
 * database uuid would not), and the commune code keeps ids unique when a national platform or
 * a federating broker holds many communes' lamps.
 */
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';
import type {
  AttributeSpec,
  EntityTypeProvider,
  NgsiAttribute,
  SourceRow,
  TelemetryUpdate,
  TemporalInstant,
  TemporalRange,
} from '../../platform/ngsi-ld/index.js';

const CONTEXT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld';
const MODEL = 'https://smartdatamodels.org/dataModel.Streetlighting/';

/** The code at the end of `urn:ngsi-ld:<Type>:<commune>:<code>` (codes hold no colon). */
const byCode = (column: string): EntityTypeProvider['key'] => ({ column, fromId: (id) => id.split(':').at(-1) });

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** The row's attributes: each non-null column as a Property or Relationship (readings with their observedAt). */
function properties(
  row: SourceRow,
  attributes: Record<string, AttributeSpec>,
  observed: readonly string[] = [],
): Record<string, NgsiAttribute> {
  const out: Record<string, NgsiAttribute> = {};
  for (const [name, { column, type }] of Object.entries(attributes)) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    const at = observed.includes(name) && row.observedAt ? { observedAt: iso(row.observedAt) } : {};
    out[name] =
      type === 'relationship'
        ? { type: 'Relationship', object: String(value), ...at }
        : { type: 'Property', value: value instanceof Date ? value.toISOString() : value, ...at };
  }
  return out;
}

function relationship(object: unknown): NgsiAttribute | undefined {
  if (object === null || object === undefined || (Array.isArray(object) && object.length === 0)) return undefined;
  return { type: 'Relationship', object: object as string | string[] };
}

function withLocation(row: SourceRow, attrs: Record<string, NgsiAttribute | undefined>): Record<string, NgsiAttribute> {
  const out: Record<string, NgsiAttribute> = {};
  if (row.location) out.location = { type: 'GeoProperty', value: row.location };
  for (const [k, v] of Object.entries(attrs)) if (v) out[k] = v;
  return out;
}

/** A date column as the instant it began in UTC (the models want date-times). */
const dateTime = (column: string) => sql.raw(`(${column}::timestamp AT TIME ZONE 'UTC')`);

/** An attribute's value in a PATCH body: normalized `{type, value}` or concise (the value itself). */
function attributeValue(attribute: unknown): unknown {
  if (typeof attribute === 'object' && attribute !== null && !Array.isArray(attribute) && 'value' in attribute) {
    return (attribute as { value: unknown }).value;
  }
  return attribute;
}

/**
 * Turns the attributes of a PATCH into a reading of a device kind: the attributes that are
 * readings (`fields`: attribute → payload field, with a scale) go to the payload; the others are
 * reported as not updated (the inventory is kept in Madina, not by IoT agents).
 */
function telemetryUpdate(
  kind: string,
  row: SourceRow,
  attrs: Record<string, unknown>,
  observedAt: string,
  fields: Record<string, [field: string, scale: number]>,
): TelemetryUpdate {
  const payload: TelemetryUpdate['payload'] = { deviceId: String(row.deviceId), observationDateTime: observedAt };
  const sources: Record<string, string> = {};
  const notUpdated: TelemetryUpdate['notUpdated'] = [];
  for (const [name, attribute] of Object.entries(attrs)) {
    const target = fields[name];
    const value = attributeValue(attribute);
    if (!target) {
      notUpdated.push({ attributeName: name, reason: 'not a reading: inventory attributes are managed in Madina' });
      continue;
    }
    const [field, scale] = target;
    payload[field] = typeof value === 'number' && scale !== 1 ? Math.round(value * scale * 1000) / 1000 : value;
    sources[field] = name;
  }
  // The device contract needs the power state: an update without one keeps the current state.
  if (payload.powerState === undefined && row.powerState) payload.powerState = row.powerState;
  return { kind, payload, sources, notUpdated };
}

/** The newest readings of the entity's device, in the range asked for (the readings table's own columns). */
async function readings(trx: Tx, table: string, row: SourceRow, range: TemporalRange, select: ReturnType<typeof sql.raw>) {
  if (!row.deviceId) return [];
  const conditions = [sql`device_id = ${String(row.deviceId)}`];
  if (range.timerel === 'before') conditions.push(sql`observed_at < ${range.timeAt}::timestamptz`);
  if (range.timerel === 'after') conditions.push(sql`observed_at > ${range.timeAt}::timestamptz`);
  if (range.timerel === 'between')
    conditions.push(sql`observed_at >= ${range.timeAt}::timestamptz AND observed_at < ${range.endTimeAt}::timestamptz`);
  const { rows } = await sql<Record<string, unknown> & { observedAt: Date }>`
    SELECT observed_at, ${select} FROM ${sql.raw(table)} WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY observed_at DESC LIMIT ${range.lastN}`.execute(trx);
  return rows;
}

/** The temporal representation from a readings table: `select` names the attributes from its columns. */
function temporalFrom(table: string, select: string): NonNullable<EntityTypeProvider['temporal']> {
  return async (trx, row, range) => {
    const rows = await readings(trx, table, row, range, sql.raw(select));
    return rows.map(({ observedAt, ...values }): TemporalInstant => ({ observedAt: iso(observedAt), values }));
  };
}

const STREETLIGHT_ATTRIBUTES: Record<string, AttributeSpec> = {
  streetPoleNum: { column: 'streetPoleNum', type: 'string' },
  circuit: { column: 'circuit', type: 'string' },
  lanternHeight: { column: 'lanternHeight', type: 'number' },
  powerRating: { column: 'powerRating', type: 'number' },
  lampTechnology: { column: 'lampTechnology', type: 'string' },
  dateServiceStarted: { column: 'dateServiceStarted', type: 'datetime' },
  controllingMethod: { column: 'controllingMethod', type: 'string' },
  refStreetlightControlCabinet: { column: 'refCabinet', type: 'relationship' },
  refStreetlightGroup: { column: 'refGroup', type: 'relationship' },
  status: { column: 'status', type: 'string' },
  powerState: { column: 'powerState', type: 'string' },
  illuminanceLevel: { column: 'illuminanceLevel', type: 'number' },
  powerConsumption: { column: 'powerConsumption', type: 'number' },
  voltage: { column: 'voltage', type: 'number' },
  current: { column: 'current', type: 'number' },
  observationDateTime: { column: 'observedAt', type: 'datetime' },
};

const LUMINAIRE_READINGS = ['status', 'powerState', 'illuminanceLevel', 'powerConsumption', 'voltage', 'current', 'observationDateTime'];

/** Streetlight: a luminaire, its cabinet and group, and its controller's latest state. */
export const streetlightProvider: EntityTypeProvider = {
  type: 'Streetlight',
  typeUri: `${MODEL}Streetlight`,
  context: CONTEXT,
  public: true,
  source: sql`
    SELECT 'urn:ngsi-ld:Streetlight:' || c.code || ':' || l.code AS id,
           l.location AS geom, ST_AsGeoJSON(l.location, 7)::json AS location,
           l.created_at, greatest(l.updated_at, s.observed_at) AS modified_at, l.device_id,
           l.code AS street_pole_num, l.circuit, l.lantern_height, l.power_rating, l.technology AS lamp_technology,
           ${dateTime('l.date_service_started')} AS date_service_started,
           CASE WHEN l.device_id IS NULL THEN 'group' ELSE 'individual' END AS controlling_method,
           CASE WHEN cab.code IS NULL THEN NULL ELSE 'urn:ngsi-ld:StreetlightControlCabinet:' || c.code || ':' || cab.code END AS ref_cabinet,
           CASE WHEN g.code IS NULL THEN NULL ELSE 'urn:ngsi-ld:StreetlightGroup:' || c.code || ':' || g.code END AS ref_group,
           CASE WHEN s.data IS NULL THEN NULL
                WHEN (s.data -> 'faults') ?| array['lamp_failure', 'driver_failure'] THEN 'defectiveLamp'
                WHEN (s.data -> 'faults') ?| array['tilt'] THEN 'columnIssue'
                ELSE 'ok' END AS status,
           s.data ->> 'powerState' AS power_state,
           (s.data ->> 'dimLevel')::double precision / 100 AS illuminance_level,
           (s.data ->> 'powerConsumption')::double precision AS power_consumption,
           (s.data ->> 'voltage')::double precision AS voltage,
           (s.data ->> 'current')::double precision AS current,
           s.observed_at
      FROM lighting.luminaire l
      JOIN platform.commune c ON c.id = l.commune_id
      LEFT JOIN lighting.cabinet cab ON cab.commune_id = l.commune_id AND cab.id = l.cabinet_id
      LEFT JOIN lighting.lamp_group g ON g.commune_id = l.commune_id AND g.id = l.group_id
      LEFT JOIN platform.device_state s ON s.commune_id = l.commune_id AND s.device_id = l.device_id`,
  attributes: STREETLIGHT_ATTRIBUTES,
  key: byCode('streetPoleNum'),
  toAttributes: (row) =>
    withLocation(row, {
      ...properties(row, STREETLIGHT_ATTRIBUTES, LUMINAIRE_READINGS),
      // A lamp not reporting yet: its status is unknown, and the model requires one.
      ...(row.status ? {} : { status: { type: 'Property', value: 'ok' } }),
    }),
  toTelemetry: (row, attrs, observedAt) =>
    telemetryUpdate('luminaire', row, attrs, observedAt, {
      powerState: ['powerState', 1],
      illuminanceLevel: ['dimLevel', 100],
      powerConsumption: ['powerConsumption', 1],
      voltage: ['voltage', 1],
      current: ['current', 1],
      powerFactor: ['powerFactor', 1],
    }),
  temporal: temporalFrom(
    'lighting.luminaire_reading',
    `power_state AS "powerState", dim_level / 100 AS "illuminanceLevel", power_consumption AS "powerConsumption",
                 voltage, current, power_factor AS "powerFactor"`,
  ),
  telemetryKinds: ['luminaire'],
  telemetryAttributes: LUMINAIRE_READINGS,
};

const CABINET_ATTRIBUTES: Record<string, AttributeSpec> = {
  name: { column: 'name', type: 'string' },
  workingMode: { column: 'workingMode', type: 'string' },
  maximumPowerAvailable: { column: 'maximumPowerAvailable', type: 'number' },
  dateServiceStarted: { column: 'dateServiceStarted', type: 'datetime' },
  powerState: { column: 'powerState', type: 'string' },
  totalActivePower: { column: 'totalActivePower', type: 'number' },
  energyConsumed: { column: 'energyConsumed', type: 'number' },
  observationDateTime: { column: 'observedAt', type: 'datetime' },
};
const CABINET_READINGS = ['powerState', 'totalActivePower', 'energyConsumed', 'observationDateTime'];
const PHASES = ['voltage', 'intensity', 'activePower', 'powerFactor'].flatMap((m) => ['R', 'S', 'T'].map((p) => `${m}${p}`));

/** StreetlightControlCabinet: a cabinet, the groups its luminaires belong to, and its controller's latest state. */
export const cabinetProvider: EntityTypeProvider = {
  type: 'StreetlightControlCabinet',
  typeUri: `${MODEL}StreetlightControlCabinet`,
  context: CONTEXT,
  public: true,
  source: sql`
    SELECT 'urn:ngsi-ld:StreetlightControlCabinet:' || c.code || ':' || cab.code AS id,
           cab.location AS geom, ST_AsGeoJSON(cab.location, 7)::json AS location,
           cab.created_at, greatest(cab.updated_at, s.observed_at) AS modified_at, cab.device_id,
           cab.code, cab.name, cab.working_mode, cab.maximum_power_available,
           ${dateTime('cab.date_service_started')} AS date_service_started,
           (SELECT array_agg(DISTINCT 'urn:ngsi-ld:StreetlightGroup:' || c.code || ':' || g.code ORDER BY 'urn:ngsi-ld:StreetlightGroup:' || c.code || ':' || g.code)
              FROM lighting.luminaire l JOIN lighting.lamp_group g ON g.commune_id = l.commune_id AND g.id = l.group_id
             WHERE l.commune_id = cab.commune_id AND l.cabinet_id = cab.id) AS ref_groups,
           s.data ->> 'powerState' AS power_state,
           (s.data ->> 'totalActivePower')::double precision AS total_active_power,
           (s.data ->> 'energyConsumed')::double precision AS energy_consumed,
           s.observed_at
      FROM lighting.cabinet cab
      JOIN platform.commune c ON c.id = cab.commune_id
      LEFT JOIN platform.device_state s ON s.commune_id = cab.commune_id AND s.device_id = cab.device_id`,
  attributes: CABINET_ATTRIBUTES,
  key: byCode('code'),
  toAttributes: (row) =>
    withLocation(row, {
      ...properties(row, CABINET_ATTRIBUTES, CABINET_READINGS),
      refStreetlightGroup: relationship(row.refGroups),
    }),
  toTelemetry: (row, attrs, observedAt) =>
    telemetryUpdate(
      'cabinet',
      row,
      attrs,
      observedAt,
      Object.fromEntries(
        ['powerState', 'totalActivePower', 'energyConsumed', 'reactiveEnergyConsumed', 'frequency', ...PHASES].map((f) => [f, [f, 1]]),
      ),
    ),
  temporal: temporalFrom(
    'lighting.cabinet_reading',
    `power_state AS "powerState", total_active_power AS "totalActivePower", energy_consumed AS "energyConsumed",
                 reactive_energy_consumed AS "reactiveEnergyConsumed", frequency`,
  ),
  telemetryKinds: ['cabinet'],
  telemetryAttributes: CABINET_READINGS,
};

const GROUP_ATTRIBUTES: Record<string, AttributeSpec> = {
  name: { column: 'name', type: 'string' },
  description: { column: 'description', type: 'string' },
  refStreetlightControlCabinet: { column: 'refCabinet', type: 'relationship' },
};

/** StreetlightGroup: a lamp group with luminaires, located where they are (a MultiPoint). */
export const groupProvider: EntityTypeProvider = {
  type: 'StreetlightGroup',
  typeUri: `${MODEL}StreetlightGroup`,
  context: CONTEXT,
  public: true,
  source: sql`
    SELECT 'urn:ngsi-ld:StreetlightGroup:' || c.code || ':' || g.code AS id,
           m.geom, ST_AsGeoJSON(m.geom, 7)::json AS location,
           g.created_at, g.updated_at AS modified_at, NULL::text AS device_id, g.code,
           coalesce(g.name ->> 'ar', g.name ->> 'fr', g.name ->> 'en') AS name,
           coalesce(g.description ->> 'ar', g.description ->> 'fr', g.description ->> 'en') AS description,
           m.ref_streetlights,
           CASE WHEN m.cabinets = 1 THEN 'urn:ngsi-ld:StreetlightControlCabinet:' || c.code || ':' || m.cabinet_code END AS ref_cabinet
      FROM lighting.lamp_group g
      JOIN platform.commune c ON c.id = g.commune_id
      LEFT JOIN LATERAL (
        SELECT ST_Multi(ST_Collect(l.location ORDER BY l.code)) AS geom,
               array_agg('urn:ngsi-ld:Streetlight:' || c.code || ':' || l.code ORDER BY l.code) AS ref_streetlights,
               count(DISTINCT l.cabinet_id) AS cabinets, min(cab.code) AS cabinet_code
          FROM lighting.luminaire l
          LEFT JOIN lighting.cabinet cab ON cab.commune_id = l.commune_id AND cab.id = l.cabinet_id
         WHERE l.commune_id = g.commune_id AND l.group_id = g.id) m ON true
     -- A group without luminaires has no location, which the model requires: it is not served.
     WHERE m.geom IS NOT NULL`,
  attributes: GROUP_ATTRIBUTES,
  key: byCode('code'),
  toAttributes: (row) =>
    withLocation(row, {
      ...properties(row, GROUP_ATTRIBUTES),
      refStreetlight: relationship(row.refStreetlights),
    }),
};
