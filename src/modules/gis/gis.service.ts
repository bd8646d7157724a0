import type { FastifyRequest } from 'fastify';
import { holds } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import { type CallContext, contextOf } from '../../platform/http/context.js';
import { notFound, unauthenticated } from '../../platform/http/errors.js';
import type { FeatureFilter, LayerRow, OutputCrs } from './gis.repository.js';
import * as repo from './gis.repository.js';

export const READ_PRIVATE = 'gis.layers.read';

const seesPrivate = (ctx: CallContext) => ctx.principal !== null && holds(ctx.principal, READ_PRIVATE);

/** Reading the commune's layers: public ones for everyone, private ones for staff and API keys that may. */
export class GisService {
  constructor(private readonly db: Database) {}

  /** Every layer the caller may read, with its extent. */
  readableLayers(request: FastifyRequest) {
    const ctx = contextOf(request);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const layers = await repo.listLayers(trx, { publicOnly: !seesPrivate(ctx) });
      return Promise.all(layers.map(async (layer) => ({ layer, extent: await repo.layerExtent(trx, layer.id) })));
    });
  }

  /** One layer by code: 404 when there is none, 401 when it is private and nobody signed in. */
  readableLayer(request: FastifyRequest, code: string) {
    const ctx = contextOf(request);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const layer = await repo.findLayerByCode(trx, code);
      if (!layer) throw notFound();
      if (!layer.isPublic && !seesPrivate(ctx)) throw ctx.principal ? notFound() : unauthenticated();
      return { layer, extent: await repo.layerExtent(trx, layer.id) };
    });
  }

  /** A page of a layer's features and how many match in all (the caller has checked it may read the layer). */
  features(request: FastifyRequest, layer: LayerRow, filter: FeatureFilter, crs: OutputCrs, page: { limit: number; offset: number }) {
    return withCommune(this.db, request.commune.id, async (trx) => ({
      rows: await repo.listFeatures(trx, layer.id, filter, crs, page),
      total: await repo.countFeatures(trx, layer.id, filter),
    }));
  }

  feature(request: FastifyRequest, layer: LayerRow, id: string, crs: OutputCrs) {
    return withCommune(this.db, request.commune.id, async (trx) => {
      const row = await repo.findFeature(trx, layer.id, id, crs);
      if (!row) throw notFound();
      return row;
    });
  }
}
