/** Import jobs and their staging rows (gis.import_job, gis.import_row), tenant-scoped like every table. */
import { sql } from 'kysely';
import type { Actor } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/tenant.js';
import type { FieldError } from '../../platform/http/errors.js';
import type { ImportRow } from './import.js';

export const IMPORT_FORMATS = ['geojson', 'csv', 'shapefile', 'geopackage'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const FINISHED: readonly ImportStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface ImportResult {
  imported: number;
  /** Rows whose geometry was invalid and was repaired (ST_MakeValid). */
  repaired: number[];
  /** Rows whose geometry lies outside the commune's boundary (imported all the same). */
  outside: number[];
  /** Columns or properties the layer has no attribute for: not imported. */
  ignored: string[];
}

export interface ImportJobRow {
  id: string;
  layerId: string;
  layerCode: string;
  fileName: string;
  fileKey: string;
  format: ImportFormat;
  sourceLayer: string | null;
  requestedSrid: number | null;
  srid: number | null;
  status: ImportStatus;
  cancelRequested: boolean;
  rowsTotal: number | null;
  rowsDone: number;
  result: ImportResult | null;
  errors: FieldError[];
  actor: Actor;
  createdAt: Date;
  finishedAt: Date | null;
}

const JOB_COLUMNS = sql`j.id, j.layer_id::text, l.code AS layer_code, j.file_name, j.file_key, j.format, j.source_layer,
  j.requested_srid, j.srid, j.status, j.cancel_requested, j.rows_total, j.rows_done, j.result, j.errors, j.actor,
  j.created_at, j.finished_at`;

export async function insertJob(
  trx: Tx,
  v: {
    communeId: string;
    layerId: string;
    fileName: string;
    fileKey: string;
    format: ImportFormat;
    sourceLayer: string | null;
    requestedSrid: number | null;
    actor: Actor;
  },
) {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO gis.import_job (commune_id, layer_id, file_name, file_key, format, source_layer, requested_srid, actor)
    VALUES (${v.communeId}, ${v.layerId}, ${v.fileName}, ${v.fileKey}, ${v.format}, ${v.sourceLayer}, ${v.requestedSrid},
            ${JSON.stringify(v.actor)}::jsonb)
    RETURNING id::text AS id`.execute(trx);
  return rows[0]!.id;
}

export async function findJob(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  const { rows } = await sql<ImportJobRow>`
    SELECT ${JOB_COLUMNS} FROM gis.import_job j JOIN gis.layer l ON l.id = j.layer_id
     WHERE j.id = ${id}::uuid ${options.lock ? sql`FOR UPDATE OF j` : sql``}`.execute(trx);
  return rows[0];
}

/** A layer's latest jobs, newest first. */
export async function listJobs(trx: Tx, layerId: string, limit: number) {
  const { rows } = await sql<ImportJobRow>`
    SELECT ${JOB_COLUMNS} FROM gis.import_job j JOIN gis.layer l ON l.id = j.layer_id
     WHERE j.layer_id = ${layerId} ORDER BY j.created_at DESC, j.id LIMIT ${limit}`.execute(trx);
  return rows;
}

export async function updateJob(
  trx: Tx,
  id: string,
  v: Partial<{
    status: ImportStatus;
    cancelRequested: boolean;
    rowsTotal: number | null;
    rowsDone: number;
    srid: number;
    result: ImportResult;
    errors: FieldError[];
  }>,
) {
  const sets = [];
  if (v.status !== undefined) {
    sets.push(sql`status = ${v.status}`);
    sets.push(sql`finished_at = ${FINISHED.includes(v.status) ? sql`clock_timestamp()` : sql`NULL`}`);
  }
  if (v.cancelRequested !== undefined) sets.push(sql`cancel_requested = ${v.cancelRequested}`);
  if (v.rowsTotal !== undefined) sets.push(sql`rows_total = ${v.rowsTotal}`);
  if (v.rowsDone !== undefined) sets.push(sql`rows_done = ${v.rowsDone}`);
  if (v.srid !== undefined) sets.push(sql`srid = ${v.srid}`);
  if (v.result !== undefined) sets.push(sql`result = ${JSON.stringify(v.result)}::jsonb`);
  if (v.errors !== undefined) sets.push(sql`errors = ${JSON.stringify(v.errors)}::jsonb`);
  await sql`UPDATE gis.import_job SET ${sql.join(sets, sql`, `)} WHERE id = ${id}::uuid`.execute(trx);
}

export async function clearStaging(trx: Tx, jobId: string) {
  await sql`DELETE FROM gis.import_row WHERE job_id = ${jobId}::uuid`.execute(trx);
}

/**
 * Stages checked rows read in `srid`: reprojected to WGS 84 by PostGIS, repaired when invalid
 * (ST_MakeValid), flagged when outside the commune. Returns the rows staged and those farther than
 * `reachKm` from the commune (not staged: most often longitude and latitude swapped); a row missing
 * from both could not be kept (its repair changed its kind, or it lies off the globe). A geometry
 * PostGIS cannot read at all makes the statement fail (the caller then stages row by row).
 */
export async function stageRows(
  trx: Tx,
  communeId: string,
  jobId: string,
  geometryType: string,
  rows: ImportRow[],
  srid: number,
  reachKm: number,
) {
  const family = geometryType.replace(/^Multi/, '');
  const input = rows.map((r) => ({
    row: r.row,
    properties: r.properties,
    geojson: 'geojson' in r.geometry ? JSON.stringify(r.geometry.geojson) : null,
    wkt: 'wkt' in r.geometry ? r.geometry.wkt : null,
    wkb: 'wkb' in r.geometry ? r.geometry.wkb : null,
  }));
  const { rows: out } = await sql<{ row: number; staged: boolean }>`
    WITH input AS (
      SELECT r."row", r.properties,
             CASE WHEN r.geojson IS NOT NULL THEN ST_SetSRID(ST_GeomFromGeoJSON(r.geojson), ${srid}::int)
                  WHEN r.wkt IS NOT NULL THEN ST_GeomFromText(r.wkt, ${srid}::int)
                  ELSE ST_GeomFromWKB(decode(r.wkb, 'hex'), ${srid}::int) END AS src
        FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS r("row" int, properties jsonb, geojson text, wkt text, wkb text)),
    v AS (SELECT i."row", i.properties, ST_IsValid(t.raw) AS valid, ST_MakeValid(t.raw) AS geom
            FROM input i, LATERAL (SELECT ST_Force2D(ST_Transform(i.src, 4326)) AS raw) t),
    kept AS (SELECT v.*, c.boundary FROM v, platform.commune c
              WHERE c.id = ${communeId}
                AND (replace(GeometryType(v.geom), 'MULTI', '') = upper(${family}) OR ${family === 'Geometry'})
                AND NOT ST_IsEmpty(v.geom) AND ST_XMin(v.geom) >= -180 AND ST_XMax(v.geom) <= 180
                AND ST_YMin(v.geom) >= -90 AND ST_YMax(v.geom) <= 90),
    near AS (SELECT * FROM kept k WHERE k.boundary IS NULL OR ST_DWithin(k.boundary::geography, k.geom::geography, ${reachKm * 1000}::float8)),
    staged AS (
      INSERT INTO gis.import_row (commune_id, job_id, "row", properties, geom, repaired, outside)
      SELECT ${communeId}, ${jobId}::uuid, n."row", n.properties, n.geom, NOT n.valid, NOT coalesce(ST_Intersects(n.boundary, n.geom), false)
        FROM near n
      RETURNING "row")
    SELECT "row", true AS staged FROM staged
    UNION ALL SELECT k."row", false FROM kept k WHERE k."row" NOT IN (SELECT "row" FROM near)`.execute(trx);
  return { staged: new Set(out.filter((r) => r.staged).map((r) => r.row)), far: out.filter((r) => !r.staged).map((r) => r.row) };
}

/** Moves a job's staged rows into the layer (in row order) and removes them from staging; what was repaired and lies outside. */
export async function publishStaged(trx: Tx, communeId: string, layerId: string, jobId: string) {
  const { rows: flags } = await sql<{ row: number; repaired: boolean; outside: boolean }>`
    SELECT "row", repaired, outside FROM gis.import_row WHERE job_id = ${jobId}::uuid AND (repaired OR outside) ORDER BY "row"`.execute(
    trx,
  );
  const moved = await sql`
    INSERT INTO gis.feature (commune_id, layer_id, properties, geom)
    SELECT ${communeId}, ${layerId}, properties, geom FROM gis.import_row WHERE job_id = ${jobId}::uuid ORDER BY "row"`.execute(trx);
  await clearStaging(trx, jobId);
  return {
    imported: Number(moved.numAffectedRows ?? 0),
    repaired: flags.filter((f) => f.repaired).map((f) => f.row),
    outside: flags.filter((f) => f.outside).map((f) => f.row),
  };
}

/** Every feature of a layer for the binary formats: WKB (hex, little-endian) and box for GeoPackage, rings clockwise for Shapefile. */
export async function exportGeometries(trx: Tx, layerId: string) {
  const { rows } = await sql<{
    propertiesJson: string;
    wkb: string;
    minX: number;
    minY: number;
    maxX: number;
    maxY: number;
    clockwiseJson: string;
  }>`
    SELECT f.properties::text AS properties_json, encode(ST_AsBinary(f.geom, 'NDR'), 'hex') AS wkb,
           ST_XMin(f.geom) AS min_x, ST_YMin(f.geom) AS min_y, ST_XMax(f.geom) AS max_x, ST_YMax(f.geom) AS max_y,
           ST_AsGeoJSON(ST_ForcePolygonCW(f.geom), 9) AS clockwise_json
      FROM gis.feature f WHERE f.layer_id = ${layerId} ORDER BY f.id`.execute(trx);
  return rows.map((r) => ({
    properties: JSON.parse(r.propertiesJson) as Record<string, unknown>,
    wkb: r.wkb,
    envelope: [r.minX, r.minY, r.maxX, r.maxY] as [number, number, number, number],
    clockwise: JSON.parse(r.clockwiseJson) as { type: string; coordinates: unknown },
  }));
}
