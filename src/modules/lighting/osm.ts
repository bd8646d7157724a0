/**
 * Street lamps of an OpenStreetMap extract (`highway=street_lamp` nodes) into the luminaire
 * inventory, through the GIS import's target registry. A lamp is kept under its `ref` when that
 * is a valid pole number, else under `OSM-<node id>`: importing the same extract again updates
 * the same luminaires. No controller is attached (that is provisioning's job).
 */
import { sql } from 'kysely';
import { batches, type OsmTarget } from '../gis/index.js';

/** The rated power given to a lamp whose OSM tags say none: a placeholder (W) until the lamp is surveyed. */
export const OSM_DEFAULT_POWER_W = 150;

const CODE = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$/;

/** OSM `light:method` / `lamp_type` values → the inventory's technologies (FIWARE lampTechnology). */
const TECHNOLOGY: Record<string, 'LED' | 'HPS' | 'MH' | 'LPS'> = {
  led: 'LED',
  high_pressure_sodium: 'HPS',
  sodium: 'HPS',
  son: 'HPS',
  'metal-halide': 'MH',
  metal_halide: 'MH',
  low_pressure_sodium: 'LPS',
  sox: 'LPS',
};

/** "100", "100 W", "0.1 kW" → watts, when within the inventory's range (0, 2000]. */
export function osmPower(value: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(w|kw)?\s*$/i.exec(value ?? '');
  if (!m) return undefined;
  const watts = Number(m[1]) * (m[2]?.toLowerCase() === 'kw' ? 1000 : 1);
  return watts > 0 && watts <= 2000 ? watts : undefined;
}

export const lightingOsmTarget: OsmTarget = {
  code: 'lighting.luminaire',
  match: (tags) => tags.highway === 'street_lamp',
  async write(trx, ctx, features) {
    const byCode = new Map<string, { code: string; lon: number; lat: number; technology: string; power: number }>();
    for (const f of features) {
      if (f.geometry.type !== 'Point') continue;
      const code = f.tags.ref !== undefined && CODE.test(f.tags.ref) ? f.tags.ref : `OSM-${f.osmId}`;
      const method = (f.tags['light:method'] ?? f.tags.lamp_type ?? '').toLowerCase();
      const [lon, lat] = f.geometry.coordinates;
      byCode.set(code, {
        code,
        lon,
        lat,
        technology: TECHNOLOGY[method] ?? 'other',
        power: osmPower(f.tags['light:power'] ?? f.tags.lamp_power) ?? OSM_DEFAULT_POWER_W,
      });
    }
    let written = 0;
    for (const batch of batches([...byCode.values()])) {
      const { rows } = await sql<{ n: number }>`
        WITH written AS (
          INSERT INTO lighting.luminaire (commune_id, code, location, technology, power_rating)
          SELECT ${ctx.communeId}, e->>'code', ST_SetSRID(ST_MakePoint((e->>'lon')::float8, (e->>'lat')::float8), 4326),
                 e->>'technology', (e->>'power')::real
            FROM jsonb_array_elements(${JSON.stringify(batch)}::jsonb) AS e
          ON CONFLICT (commune_id, code) DO UPDATE
            SET location = EXCLUDED.location, technology = EXCLUDED.technology, power_rating = EXCLUDED.power_rating, updated_at = now()
          RETURNING 1)
        SELECT count(*)::int AS n FROM written`.execute(trx);
      written += rows[0]!.n;
    }
    return written;
  },
};
