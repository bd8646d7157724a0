/** Finding places by name and what lies at a point: the SQL (see migration 20261129T1430__search.sql). */
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';

/** Below this trigram word similarity, a name is not offered for a query. */
const MIN_SCORE = 0.3;

export interface NamedPlace {
  kind: 'commune' | 'district' | 'feature';
  id: string;
  /** Communes and districts: their name in the commune's languages. */
  nameJson: string | null;
  /** Features: the name their data gives (its languages joined by " / "). */
  title: string | null;
  layerCode: string | null;
  layerTitleJson: string | null;
  score: number;
  lon: number | null;
  lat: number | null;
}

/**
 * Communes of the province, the commune's districts and the named features of the layers the
 * caller may read whose folded names hold the folded query (trigram word similarity), best first.
 */
export async function searchPlaces(trx: Tx, q: string, includePrivate: boolean, limit: number): Promise<NamedPlace[]> {
  const folded = sql`platform.search_fold(${q})`;
  const score = (name: ReturnType<typeof sql>) => sql`word_similarity(${folded}, platform.search_fold(${name}))`;
  const names = (j: ReturnType<typeof sql>) => sql`concat_ws(' / ', ${j}->>'ar', ${j}->>'fr', ${j}->>'en', ${j}->>'zgh')`;
  const { rows } = await sql<NamedPlace>`
    SELECT * FROM (
      SELECT 'commune' AS kind, a.slug AS id, a.name::text AS name_json, NULL AS title, NULL AS layer_code, NULL AS layer_title_json,
             ${score(names(sql`a.name`))} AS score, ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat
        FROM platform.admin_area a
       WHERE a.province_code = (SELECT a2.province_code FROM platform.commune c JOIN platform.admin_area a2 ON a2.official_code = c.official_code
                                 WHERE c.id = platform.current_commune())
      UNION ALL
      SELECT 'district', d.id::text, d.name::text, NULL, NULL, NULL, ${score(names(sql`d.name`))},
             ST_X(ST_PointOnSurface(d.area)), ST_Y(ST_PointOnSurface(d.area))
        FROM platform.district d
      UNION ALL
      SELECT 'feature', s.feature_id::text, NULL, s.name, s.layer_code, s.layer_title, s.score, s.lon, s.lat
        FROM gis.search_features(${q}, ${includePrivate}, ${limit}) s
    ) AS found
     WHERE score >= ${MIN_SCORE}
     ORDER BY score DESC, kind, id
     LIMIT ${limit}`.execute(trx);
  return rows;
}

export interface PlaceAt {
  commune: { code: string; nameJson: string } | null;
  district: { id: string; nameJson: string } | null;
  nearby: { featureId: string; layerCode: string; layerTitleJson: string; name: string; distance: number }[];
}

/** The commune (of the province) and district a point lies in, and the named features within `metres`. */
export async function placeAt(trx: Tx, lon: number, lat: number, metres: number, includePrivate: boolean, limit: number): Promise<PlaceAt> {
  const point = sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`;
  const { rows: communes } = await sql<{ code: string; nameJson: string }>`
    SELECT a.slug AS code, a.name::text AS name_json FROM platform.admin_area a WHERE ST_Intersects(a.boundary, ${point}) ORDER BY a.slug LIMIT 1`.execute(
    trx,
  );
  const { rows: districts } = await sql<{ id: string; nameJson: string }>`
    SELECT d.id::text AS id, d.name::text AS name_json FROM platform.district d WHERE ST_Intersects(d.area, ${point}) ORDER BY d.id LIMIT 1`.execute(
    trx,
  );
  const { rows: nearby } = await sql<PlaceAt['nearby'][number]>`
    SELECT n.feature_id::text AS feature_id, n.layer_code, n.layer_title AS layer_title_json, n.name, n.distance
      FROM gis.named_features_near(${lon}::float8, ${lat}::float8, ${metres}::float8, ${includePrivate}, ${limit}) n`.execute(trx);
  return { commune: communes[0] ?? null, district: districts[0] ?? null, nearby };
}
