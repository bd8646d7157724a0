/** The SQL of the OpenStreetMap import (see migration 20261129T1450__osm.sql). */
import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/tenant.js';

/** Rows per statement: a JSON array of this many features is one parameter. */
export const BATCH = 1000;

/** Splits a list into statement-sized batches. */
export function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/** The indexes (into `geometries`, GeoJSON in WGS 84) of those within `metres` of the commune's boundary. */
export async function indexesNearCommune(trx: Tx, communeId: string, geometries: readonly unknown[], metres: number): Promise<number[]> {
  // The zone is computed once (a buffer on the sphere takes a good part of a second) and sent back with each batch.
  const { rows: zones } = await sql<{ zone: Uint8Array | null }>`
    SELECT ST_AsBinary(ST_Buffer(c.boundary::geography, ${metres}::float8)::geometry) AS zone FROM platform.commune c WHERE c.id = ${communeId}`.execute(
    trx,
  );
  const zone = zones[0]?.zone;
  if (!zone) return [];
  const kept: number[] = [];
  for (const [b, batch] of batches(geometries).entries()) {
    const { rows } = await sql<{ i: number }>`
      SELECT (e.n - 1)::int AS i
        FROM jsonb_array_elements(${JSON.stringify(batch)}::jsonb) WITH ORDINALITY AS e(g, n)
       WHERE ST_Intersects(ST_GeomFromWKB(${zone}, 4326), ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(e.g::text), 4326)))
       ORDER BY 1`.execute(trx);
    kept.push(...rows.map((r) => b * BATCH + r.i));
  }
  return kept;
}

/** Whether a layer was made by the OpenStreetMap import (undefined when there is no such layer). */
export async function layerSource(trx: Tx, layerId: string): Promise<string | null | undefined> {
  const { rows } = await sql<{ source: string | null }>`SELECT source FROM gis.layer WHERE id = ${layerId}`.execute(trx);
  return rows[0]?.source;
}

/** Marks a layer as imported from a source, with the attribution its licence requires. */
export async function markLayerSource(trx: Tx, layerId: string, source: 'osm', attribution: string) {
  await sql`UPDATE gis.layer SET source = ${source}, attribution = ${attribution} WHERE id = ${layerId}`.execute(trx);
}

/** How a layer stores what OSM maps: points (areas by a point on their surface), lines, or multipolygons. */
export type OsmShape = 'point' | 'line' | 'area';

const SHAPES: Record<OsmShape, { geom: ReturnType<typeof sql>; kind: string }> = {
  point: { geom: sql`ST_PointOnSurface(raw)`, kind: 'POINT' },
  line: { geom: sql`raw`, kind: 'LINESTRING' },
  area: { geom: sql`ST_Multi(ST_CollectionExtract(raw, 3))`, kind: 'MULTIPOLYGON' },
};

/**
 * Inserts features into a layer, or updates those already imported with the same OSM reference
 * (`n123`, `w45`, `r6`). A geometry that cannot take the layer's shape once repaired is left out.
 * Returns how many were written.
 */
export async function upsertOsmFeatures(
  trx: Tx,
  communeId: string,
  layerId: string,
  shape: OsmShape,
  rows: readonly { ref: string; properties: Record<string, unknown>; geometry: unknown }[],
): Promise<number> {
  const { geom, kind } = SHAPES[shape];
  let written = 0;
  for (const batch of batches(rows)) {
    const { rows: out } = await sql<{ n: number }>`
      WITH input AS (
        SELECT e->>'ref' AS ref, e->'properties' AS properties,
               ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON((e->'geometry')::text), 4326)) AS raw
          FROM jsonb_array_elements(${JSON.stringify(batch)}::jsonb) AS e),
      shaped AS (SELECT ref, properties, ${geom} AS geom FROM input),
      written AS (
        INSERT INTO gis.feature (commune_id, layer_id, properties, geom, osm_ref)
        SELECT ${communeId}, ${layerId}, properties, geom, ref FROM shaped
         WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom) AND GeometryType(geom) = ${kind}
        ON CONFLICT (commune_id, layer_id, osm_ref) WHERE osm_ref IS NOT NULL
        DO UPDATE SET properties = EXCLUDED.properties, geom = EXCLUDED.geom, updated_at = clock_timestamp()
        RETURNING 1)
      SELECT count(*)::int AS n FROM written`.execute(trx);
    written += out[0]!.n;
  }
  // The layer's tiles are cached under its last change.
  await sql`UPDATE gis.layer SET updated_at = clock_timestamp() WHERE id = ${layerId}`.execute(trx);
  return written;
}

/** The attribution each of these layers carries (layers imported from a source whose licence asks for one). */
export async function layerAttributions(trx: Tx, layerIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; attribution: string }>`
    SELECT id::text AS id, attribution FROM gis.layer WHERE id = ANY (${layerIds}::uuid[]) AND attribution IS NOT NULL`.execute(trx);
  return new Map(rows.map((r) => [r.id, r.attribution]));
}
