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
