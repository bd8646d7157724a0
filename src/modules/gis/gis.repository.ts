import { type ColumnType, type Generated, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';

export const GEOMETRY_TYPES = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'Geometry'] as const;
export type GeometryType = (typeof GEOMETRY_TYPES)[number];
export const ATTRIBUTE_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** One column of a layer's attribute schema. */
export interface LayerAttribute {
  name: string;
  type: AttributeType;
  title: Multilingual;
  required: boolean;
}

export interface LayerTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  title: ColumnType<Multilingual, string, string>;
  description: ColumnType<Multilingual | null, string | null, string | null>;
  geometryType: GeometryType;
  attributes: ColumnType<LayerAttribute[], string, string>;
  style: ColumnType<Record<string, unknown>, string, string>;
  isPublic: boolean;
  timeAttribute: string | null;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface FeatureTable {
  communeId: string;
  layerId: string;
  id: Generated<string>;
  properties: ColumnType<unknown, string, string>;
  geom: unknown;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

const tables = (trx: Tx) => withTables<{ 'gis.layer': LayerTable; 'gis.feature': FeatureTable }>(trx);

const LAYER_COLUMNS = [
  'l.id',
  'l.code',
  'l.title',
  'l.description',
  'l.geometryType',
  'l.attributes',
  'l.style',
  'l.isPublic',
  'l.timeAttribute',
  'l.isDemo',
  'l.createdAt',
  'l.updatedAt',
] as const;

export type LayerRow = Awaited<ReturnType<typeof findLayerByCode>> & {};

export function findLayerByCode(trx: Tx, code: string) {
  return tables(trx).selectFrom('gis.layer as l').select(LAYER_COLUMNS).where('l.code', '=', code).executeTakeFirst();
}

export function listLayers(trx: Tx, options: { publicOnly: boolean }) {
  return tables(trx)
    .selectFrom('gis.layer as l')
    .select(LAYER_COLUMNS)
    .where((eb) => eb.and(options.publicOnly ? [eb('l.isPublic', '=', true)] : []))
    .orderBy('l.code')
    .execute();
}

export function countLayers(trx: Tx) {
  return tables(trx)
    .selectFrom('gis.layer')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}

export interface LayerValues {
  code: string;
  title: Multilingual;
  description: Multilingual | null;
  geometryType: GeometryType;
  attributes: LayerAttribute[];
  style: Record<string, unknown>;
  isPublic: boolean;
  timeAttribute: string | null;
  isDemo?: boolean;
}

export async function insertLayer(trx: Tx, communeId: string, v: LayerValues) {
  await tables(trx)
    .insertInto('gis.layer')
    .values({
      communeId,
      ...v,
      title: JSON.stringify(v.title),
      description: v.description ? JSON.stringify(v.description) : null,
      attributes: JSON.stringify(v.attributes),
      style: JSON.stringify(v.style),
    })
    .execute();
  return (await findLayerByCode(trx, v.code))!;
}

/** The extent of a layer's features in WGS 84 (lon/lat), or null when it has none. */
export async function layerExtent(trx: Tx, layerId: string): Promise<[number, number, number, number] | null> {
  const { rows } = await sql<{ w: number | null; s: number; e: number; n: number }>`
    SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n
      FROM (SELECT ST_Extent(geom)::geometry AS x FROM gis.feature WHERE layer_id = ${layerId}) AS t`.execute(trx);
  const r = rows[0];
  return r && r.w !== null ? [r.w, r.s, r.e, r.n] : null;
}

/** What a request selects from a layer: a box (in WGS 84 lon/lat), a time range, attribute values. */
export interface FeatureFilter {
  /** [minx, miny, maxx, maxy] in the SRID given (x = longitude for WGS 84). */
  bbox?: { box: [number, number, number, number]; srid: number };
  /** Inclusive bounds on the layer's time attribute; either may be open. */
  time?: { attribute: string; from?: string; to?: string };
  /** attribute → the value it must equal (compared as text). */
  equals?: Record<string, string>;
}

/** The features of a layer whose bounding box meets `box`, found through the geometry index (see migration 20261129T1410). */
const inBox = (layerId: string, box: RawBuilder<unknown>) => sql`f.id IN (SELECT gis.features_in_box(${layerId}::uuid, ${box}))`;

function where(layerId: string, f: FeatureFilter): RawBuilder<SqlBool> {
  const terms: RawBuilder<unknown>[] = [sql`f.layer_id = ${layerId}`];
  if (f.bbox) {
    const [w, s, e, n] = f.bbox.box;
    const envelope = sql`ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, ${f.bbox.srid}::int)`;
    // A box in a projected system becomes, in WGS 84, a quadrilateral: transform it whole.
    const box = f.bbox.srid === 4326 ? envelope : sql`ST_Transform(${envelope}, 4326)`;
    terms.push(inBox(layerId, box));
    terms.push(sql`ST_Intersects(f.geom, ${box})`);
  }
  if (f.time?.from) terms.push(sql`(f.properties->>${f.time.attribute})::timestamptz >= ${f.time.from}::timestamptz`);
  if (f.time?.to) terms.push(sql`(f.properties->>${f.time.attribute})::timestamptz <= ${f.time.to}::timestamptz`);
  for (const [name, value] of Object.entries(f.equals ?? {})) terms.push(sql`f.properties->>${name} = ${value}`);
  return sql<SqlBool>`${sql.join(terms, sql` AND `)}`;
}

/**
 * How coordinates come out: the SRID to transform to, and whether to swap to latitude first
 * (EPSG:4326 as the OGC and EPSG define it is lat/lon; CRS84 and the projected systems are x/y).
 */
export interface OutputCrs {
  srid: number;
  latFirst: boolean;
}

function geometryJson(crs: OutputCrs) {
  const projected = crs.srid === 4326 ? sql`f.geom` : sql`ST_Transform(f.geom, ${crs.srid}::int)`;
  const ordered = crs.latFirst ? sql`ST_FlipCoordinates(${projected})` : projected;
  // Degrees to 7 decimals (about 1 cm), metres to 3.
  return sql<string>`ST_AsGeoJSON(${ordered}, ${crs.srid === 4326 ? 7 : 3})`;
}

export async function countFeatures(trx: Tx, layerId: string, f: FeatureFilter) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM gis.feature f WHERE ${where(layerId, f)}`.execute(trx);
  return rows[0]!.n;
}

export interface FeatureRow {
  id: string;
  /** As text: the plugin that camelCases column names would rewrite the attributes' names too. */
  propertiesJson: string;
  geometryJson: string;
  updatedAt: Date;
}

export async function listFeatures(trx: Tx, layerId: string, f: FeatureFilter, crs: OutputCrs, page: { limit: number; offset: number }) {
  const { rows } = await sql<FeatureRow>`
    SELECT f.id::text AS id, f.properties::text AS properties_json, ${geometryJson(crs)} AS geometry_json, f.updated_at
      FROM gis.feature f WHERE ${where(layerId, f)}
     ORDER BY f.id LIMIT ${page.limit} OFFSET ${page.offset}`.execute(trx);
  return rows;
}

export async function findFeature(trx: Tx, layerId: string, id: string, crs: OutputCrs) {
  const { rows } = await sql<FeatureRow>`
    SELECT f.id::text AS id, f.properties::text AS properties_json, ${geometryJson(crs)} AS geometry_json, f.updated_at
      FROM gis.feature f WHERE f.layer_id = ${layerId} AND f.id = ${id}::bigint`.execute(trx);
  return rows[0];
}

/**
 * Adds a feature from GeoJSON geometry (WGS 84 lon/lat). An invalid geometry is repaired with
 * ST_MakeValid when the repair keeps its type; the caller learns whether it was.
 */
export async function insertFeature(
  trx: Tx,
  communeId: string,
  layerId: string,
  geometry: unknown,
  properties: Record<string, unknown>,
  isDemo = false,
) {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO gis.feature (commune_id, layer_id, properties, geom, is_demo)
    VALUES (${communeId}, ${layerId}, ${JSON.stringify(properties)}::jsonb,
            ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)), ${isDemo})
    RETURNING id::text AS id`.execute(trx);
  await touchLayer(trx, layerId);
  return rows[0]!.id;
}

/** Marks a layer changed: its tiles' cache keys and ETags follow `updated_at`. */
export async function touchLayer(trx: Tx, layerId: string) {
  await tables(trx).updateTable('gis.layer').set({ updatedAt: sql`clock_timestamp()` }).where('id', '=', layerId).execute();
}

/**
 * A Mapbox Vector Tile made by PostGIS (ST_AsMVT: PostgreSQL; the embedded build lacks it): the
 * layer's features whose box meets the tile's, with a margin of 64/4096 for what crosses its edge,
 * read in one pass by gis.mvt_tile.
 */
export async function mvtTile(trx: Tx, layer: { id: string; code: string }, z: number, x: number, y: number): Promise<Buffer> {
  const { rows } = await sql<{ tile: Buffer | null }>`
    SELECT gis.mvt_tile(${layer.id}::uuid, ${layer.code}, ${z}::int, ${x}::int, ${y}::int) AS tile`.execute(trx);
  return rows[0]?.tile ?? Buffer.alloc(0);
}

/** The same features as `mvtTile`, as GeoJSON in WGS 84, for a JavaScript encoder. */
export async function tileFeatures(trx: Tx, layerId: string, z: number, x: number, y: number) {
  const { rows } = await sql<{ id: string; propertiesJson: string; geometryJson: string }>`
    SELECT id::text AS id, properties_json, geometry_json
      FROM gis.tile_features(${layerId}::uuid, ${z}::int, ${x}::int, ${y}::int)`.execute(trx);
  return rows;
}

/** A feature as stored (properties and GeoJSON geometry in WGS 84), for edits and their audit. */
export async function findStoredFeature(trx: Tx, layerId: string, id: string) {
  const { rows } = await sql<{ id: string; propertiesJson: string; geometryJson: string }>`
    SELECT f.id::text AS id, f.properties::text AS properties_json, ST_AsGeoJSON(f.geom) AS geometry_json
      FROM gis.feature f WHERE f.layer_id = ${layerId} AND f.id = ${id}::bigint`.execute(trx);
  const row = rows[0];
  return (
    row && {
      id: row.id,
      properties: JSON.parse(row.propertiesJson) as Record<string, unknown>,
      geometry: JSON.parse(row.geometryJson) as unknown,
    }
  );
}

export async function updateFeature(
  trx: Tx,
  layerId: string,
  id: string,
  changes: { geometry?: unknown; properties?: Record<string, unknown> },
) {
  const sets = [sql`updated_at = clock_timestamp()`];
  if (changes.properties) sets.push(sql`properties = ${JSON.stringify(changes.properties)}::jsonb`);
  if (changes.geometry) sets.push(sql`geom = ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(changes.geometry)}), 4326))`);
  await sql`UPDATE gis.feature SET ${sql.join(sets, sql`, `)} WHERE layer_id = ${layerId} AND id = ${id}::bigint`.execute(trx);
  await touchLayer(trx, layerId);
}

export async function deleteFeature(trx: Tx, layerId: string, id: string) {
  await sql`DELETE FROM gis.feature WHERE layer_id = ${layerId} AND id = ${id}::bigint`.execute(trx);
  await touchLayer(trx, layerId);
}

/** Whether a GeoJSON geometry lies within `km` of the commune's boundary (a swapped latitude and longitude does not). */
export async function nearCommune(trx: Tx, communeId: string, geometry: unknown, km: number) {
  const { rows } = await sql<{ near: boolean }>`
    SELECT ST_DWithin(c.boundary::geography, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)::geography, ${km * 1000}::float8) AS near
      FROM platform.commune c WHERE c.id = ${communeId}`.execute(trx);
  return rows[0]?.near === true;
}

/** Every feature of a layer, in id order, with its geometry as GeoJSON and as WKT (WGS 84). */
export async function exportFeatures(trx: Tx, layerId: string) {
  const { rows } = await sql<{ id: string; propertiesJson: string; geometryJson: string; wkt: string }>`
    SELECT f.id::text AS id, f.properties::text AS properties_json, ST_AsGeoJSON(f.geom, 7) AS geometry_json, ST_AsText(f.geom, 7) AS wkt
      FROM gis.feature f WHERE f.layer_id = ${layerId} ORDER BY f.id`.execute(trx);
  return rows.map((r) => ({
    id: r.id,
    properties: JSON.parse(r.propertiesJson) as Record<string, unknown>,
    geometry: JSON.parse(r.geometryJson) as unknown,
    wkt: r.wkt,
  }));
}
