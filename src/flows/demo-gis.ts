import { sql } from 'kysely';
import { countLayers, insertFeature, insertLayer } from '../modules/gis/index.js';
import { type Actor, recordAudit } from '../platform/audit/audit.js';
import type { Tx } from '../platform/db/tenant.js';

/**
 * The GIS module's demo content: a public layer of the province's communes (real boundaries from
 * OpenStreetMap, names and census from the HCP — the reference areas the platform already holds),
 * so the map, OGC API – Features and GDAL have real data from the first start. Does nothing when
 * the layer exists.
 */
export async function seedGisDemo(trx: Tx, communeId: string, actor: Actor): Promise<boolean> {
  if ((await countLayers(trx)) > 0) return false;
  const layer = await insertLayer(trx, communeId, {
    code: 'province_communes',
    title: { ar: 'جماعات إقليم بركان', fr: 'Communes de la province de Berkane', en: 'Communes of Berkane province' },
    description: {
      ar: 'الحدود: © مساهمو OpenStreetMap (ODbL). السكان: المندوبية السامية للتخطيط، الإحصاء العام 2024 و2014.',
      fr: 'Limites : © contributeurs OpenStreetMap (ODbL). Population : HCP, RGPH 2024 et 2014.',
      en: 'Boundaries: © OpenStreetMap contributors (ODbL). Population: HCP, RGPH 2024 and 2014.',
    },
    geometryType: 'MultiPolygon',
    attributes: [
      { name: 'official_code', type: 'string', title: { ar: 'الرمز', fr: 'Code HCP', en: 'HCP code' }, required: true },
      { name: 'name_fr', type: 'string', title: { ar: 'الاسم بالفرنسية', fr: 'Nom', en: 'Name (French)' }, required: true },
      { name: 'name_ar', type: 'string', title: { ar: 'الاسم', fr: 'Nom en arabe', en: 'Name (Arabic)' }, required: true },
      { name: 'kind', type: 'string', title: { ar: 'النوع', fr: 'Type', en: 'Kind' }, required: true },
      {
        name: 'population_2024',
        type: 'integer',
        title: { ar: 'السكان 2024', fr: 'Population 2024', en: 'Population 2024' },
        required: false,
      },
      {
        name: 'population_2014',
        type: 'integer',
        title: { ar: 'السكان 2014', fr: 'Population 2014', en: 'Population 2014' },
        required: false,
      },
    ],
    style: { fill: '#2a7f62', stroke: '#1d5c47' },
    isPublic: true,
    timeAttribute: null,
  });
  const { rows } = await sql<{
    code: string;
    nameFr: string;
    nameAr: string;
    kind: string;
    p2024: number | null;
    p2014: number | null;
    geometry: string;
  }>`
    SELECT official_code AS code, name->>'fr' AS name_fr, name->>'ar' AS name_ar, kind,
           (census->>'population2024')::int AS p2024, (census->>'population2014')::int AS p2014,
           ST_AsGeoJSON(boundary) AS geometry
      FROM platform.admin_area ORDER BY official_code`.execute(trx);
  for (const r of rows) {
    await insertFeature(trx, communeId, layer.id, JSON.parse(r.geometry), {
      official_code: r.code,
      name_fr: r.nameFr,
      name_ar: r.nameAr,
      kind: r.kind,
      population_2024: r.p2024,
      population_2014: r.p2014,
    });
  }
  await recordAudit(trx, communeId, actor, {
    action: 'gis.layer.create',
    entityType: 'layer',
    entityId: layer.id,
    after: { ...layer, features: rows.length },
  });
  return true;
}
