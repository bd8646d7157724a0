import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { invalid, notFound } from '../../platform/http/errors.js';
import * as repo from './inventory.repository.js';

export const INVENTORY_READ = 'lighting.inventory.read';
/** The detail panel's readings: at most this many, of the last two days. */
const DETAIL_READINGS = 12;
const DETAIL_DAYS = 2;

/** `west,south,east,north` → a box, or a 400 pointing at the parameter. */
export function parseBbox(text: string): [number, number, number, number] {
  const [w, s, e, n] = text.split(',').map(Number) as [number, number, number, number];
  const ok = w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n;
  if (!ok) throw invalid('/query/bbox');
  return [w, s, e, n];
}

/** The office's view of the lighting inventory: lamps and cabinets with their controllers' live state. */
export class InventoryService {
  constructor(private readonly db: Database) {}

  luminaires(ctx: CallContext, filter: Omit<repo.LuminaireFilter, 'bbox'> & { bbox?: string }) {
    authorize(ctx.principal, INVENTORY_READ);
    const bbox = filter.bbox === undefined ? undefined : parseBbox(filter.bbox);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listLuminaires(trx, { ...filter, bbox }));
  }

  luminaire(ctx: CallContext, id: string) {
    authorize(ctx.principal, INVENTORY_READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const row = await repo.findLuminaire(trx, id);
      if (!row) throw notFound();
      const readings = row.deviceId ? await repo.lastReadings(trx, row.deviceId, DETAIL_READINGS, DETAIL_DAYS) : [];
      return { row, readings };
    });
  }

  points(ctx: CallContext) {
    authorize(ctx.principal, INVENTORY_READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.luminairePoints(trx));
  }

  cabinets(ctx: CallContext, filter: { state?: repo.LiveState; limit: number; offset: number }) {
    authorize(ctx.principal, INVENTORY_READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listCabinets(trx, filter));
  }

  facets(ctx: CallContext) {
    authorize(ctx.principal, INVENTORY_READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.inventoryFacets(trx));
  }
}
