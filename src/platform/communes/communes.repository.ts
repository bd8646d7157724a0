import { type Kysely, sql } from 'kysely';
import type { Multilingual, PlatformTables } from '../db/types.js';

/** What every request knows about its commune. */
export interface CommuneRow {
  id: string;
  code: string;
  officialCode: string | null;
  name: Multilingual;
  kind: 'urban' | 'rural';
  defaultLocale: string;
  localeFallback: string[];
  timeZone: string;
  census: Record<string, unknown>;
  attribution: string;
  isDemo: boolean;
}

const COLUMNS = [
  'c.id',
  'c.code',
  'c.officialCode',
  'c.name',
  'c.kind',
  'c.defaultLocale',
  'c.localeFallback',
  'c.timeZone',
  'c.census',
  'c.attribution',
  'c.isDemo',
] as const;

export function findCommuneByHost(db: Kysely<PlatformTables>, host: string): Promise<CommuneRow | undefined> {
  return db
    .selectFrom('platform.communeHost as h')
    .innerJoin('platform.commune as c', 'c.id', 'h.communeId')
    .select(COLUMNS)
    .where('h.host', '=', host)
    .executeTakeFirst();
}

export function findCommuneByCode(db: Kysely<PlatformTables>, code: string): Promise<CommuneRow | undefined> {
  return db.selectFrom('platform.commune as c').select(COLUMNS).where('c.code', '=', code).executeTakeFirst();
}

export function listCommunes(db: Kysely<PlatformTables>) {
  return db
    .selectFrom('platform.commune as c')
    .select([
      ...COLUMNS,
      sql<string[]>`coalesce((SELECT array_agg(host ORDER BY host) FROM platform.commune_host h WHERE h.commune_id = c.id), '{}')`.as(
        'hosts',
      ),
    ])
    .orderBy('c.code')
    .execute();
}

/** The commune's boundary as GeoJSON (a MultiPolygon), or null. */
export async function communeBoundary(db: Kysely<PlatformTables>, id: string): Promise<unknown> {
  const row = await db
    .selectFrom('platform.commune')
    .select(sql<string | null>`ST_AsGeoJSON(boundary, 6)`.as('geojson'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.geojson ? JSON.parse(row.geojson) : null;
}

export interface NewCommune {
  code: string;
  officialCode: string | null;
  name: Multilingual;
  kind: 'urban' | 'rural';
  defaultLocale: string;
  timeZone: string;
  /** GeoJSON Polygon or MultiPolygon, WGS 84 */
  boundary: unknown;
  census: Record<string, unknown>;
  attribution: string;
  hosts: string[];
  isDemo: boolean;
}

export async function insertCommune(db: Kysely<PlatformTables>, c: NewCommune): Promise<string> {
  const row = await db
    .insertInto('platform.commune')
    .values({
      code: c.code,
      officialCode: c.officialCode,
      name: JSON.stringify(c.name),
      kind: c.kind,
      defaultLocale: c.defaultLocale,
      timeZone: c.timeZone,
      boundary: c.boundary ? sql`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(c.boundary)}), 4326))` : null,
      census: JSON.stringify(c.census),
      attribution: c.attribution,
      isDemo: c.isDemo,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (c.hosts.length > 0) {
    await db
      .insertInto('platform.communeHost')
      .values(c.hosts.map((host) => ({ host: host.toLowerCase(), communeId: row.id })))
      .execute();
  }
  return row.id;
}

/**
 * The commune and the reference communes around it (within `radiusKm` of its boundary) as a
 * GeoJSON FeatureCollection for the base map, simplified to about `toleranceDeg` degrees.
 */
export async function communeMap(db: Kysely<PlatformTables>, communeId: string, radiusKm = 30, toleranceDeg = 0.0002) {
  const result = await sql<{ collection: unknown }>`
    WITH self AS (SELECT official_code, boundary FROM platform.commune WHERE id = ${communeId})
    SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
             'type', 'Feature',
             'id', a.official_code,
             'geometry', ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(a.boundary, ${toleranceDeg})), 6)::json,
             'properties', json_build_object(
               'code', a.official_code, 'slug', a.slug, 'name_ar', a.name->>'ar', 'name_fr', a.name->>'fr',
               'kind', a.kind, 'population_2024', a.census->'population2024',
               'role', CASE WHEN a.official_code = self.official_code THEN 'self' ELSE 'neighbour' END,
               'label_lon', ST_X(a.label_point), 'label_lat', ST_Y(a.label_point)))
             ORDER BY a.official_code = self.official_code, a.official_code), '[]'::json)) AS collection
      FROM platform.admin_area a, self
     WHERE a.official_code = self.official_code
        OR ST_DWithin(a.boundary::geography, self.boundary::geography, ${radiusKm * 1000})`.execute(db);
  return result.rows[0]?.collection ?? { type: 'FeatureCollection', features: [] };
}
