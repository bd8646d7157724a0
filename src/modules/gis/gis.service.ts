import { rm } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, holds } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import { type CallContext, contextOf } from '../../platform/http/context.js';
import { AppError, conflict, notFound, unauthenticated } from '../../platform/http/errors.js';
import { checkGeometry, checkProperties } from './features.js';
import type { FeatureFilter, LayerRow, LayerValues, OutputCrs } from './gis.repository.js';
import * as repo from './gis.repository.js';
import { importOsmExtract } from './osm/import.js';

export const READ_PRIVATE = 'gis.layers.read';
export const MANAGE = 'gis.layers.manage';
export const EDIT = 'gis.features.edit';

export interface FeatureInput {
  geometry?: { type: string; coordinates?: unknown };
  properties?: Record<string, unknown>;
}

/** How far from the commune's boundary a drawn feature may lie (neighbouring areas appear on its maps). */
export const REACH_KM = 50;

const refuse = (errors: { pointer: string; key: string }[]) => {
  if (errors.length) throw new AppError('validation_failed', 400, undefined, {}, errors);
};

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
      return layer;
    });
  }

  /** A readable layer with its extent (a pass over its features: for descriptions, not for every tile or page). */
  async readableLayerWithExtent(request: FastifyRequest, code: string) {
    const layer = await this.readableLayer(request, code);
    return { layer, extent: await withCommune(this.db, request.commune.id, (trx) => repo.layerExtent(trx, layer.id)) };
  }

  /** A page of a layer's features and how many match in all (the caller has checked it may read the layer). */
  features(request: FastifyRequest, layer: LayerRow, filter: FeatureFilter, crs: OutputCrs, page: { limit: number; offset: number }) {
    return withCommune(this.db, request.commune.id, async (trx) => ({
      rows: await repo.listFeatures(trx, layer.id, filter, crs, page),
      total: await repo.countFeatures(trx, layer.id, filter),
    }));
  }

  /** A whole layer the caller may read (public, or private for staff), for export. */
  async export(request: FastifyRequest, code: string) {
    const layer = await this.readableLayer(request, code);
    return withCommune(this.db, request.commune.id, async (trx) => ({ layer, rows: await repo.exportFeatures(trx, layer.id) }));
  }

  feature(request: FastifyRequest, layer: LayerRow, id: string, crs: OutputCrs) {
    return withCommune(this.db, request.commune.id, async (trx) => {
      const row = await repo.findFeature(trx, layer.id, id, crs);
      if (!row) throw notFound();
      return row;
    });
  }

  /** A new layer (staff who manage the commune's map). */
  createLayer(ctx: CallContext, v: LayerValues) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      if (await repo.findLayerByCode(trx, v.code)) throw conflict('problem.gis.layer_code_taken.detail', { code: v.code });
      if (v.timeAttribute && !v.attributes.some((a) => a.name === v.timeAttribute && (a.type === 'date' || a.type === 'datetime'))) {
        refuse([{ pointer: '/body/timeAttribute', key: 'problem.field.invalid' }]);
      }
      const layer = await repo.insertLayer(trx, ctx.communeId, v);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'gis.layer.create',
        entityType: 'layer',
        entityId: layer.id,
        after: layer,
      });
      return layer;
    });
  }

  private async checkPlace(trx: Tx, ctx: CallContext, geometry: unknown) {
    if (!(await repo.nearCommune(trx, ctx.communeId, geometry, REACH_KM))) {
      throw new AppError('outside_commune', 422, 'problem.gis.far_from_commune.detail', { km: REACH_KM }, [
        { pointer: '/body/geometry', key: 'problem.outside_commune.title' },
      ]);
    }
  }

  private async editable(trx: Tx, ctx: CallContext, code: string) {
    authorize(ctx.principal, EDIT);
    const layer = await repo.findLayerByCode(trx, code);
    if (!layer) throw notFound();
    return layer;
  }

  /** Draws a feature: geometry checked against the layer's type, attributes against its schema; audited. */
  addFeature(ctx: CallContext, code: string, input: Required<FeatureInput>) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const layer = await this.editable(trx, ctx, code);
      refuse([
        ...checkGeometry(input.geometry, layer.geometryType, '/body/geometry'),
        ...checkProperties(layer.attributes, input.properties, '/body/properties'),
      ]);
      await this.checkPlace(trx, ctx, input.geometry);
      const id = await repo.insertFeature(trx, ctx.communeId, layer.id, input.geometry, input.properties);
      const after = await repo.findStoredFeature(trx, layer.id, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'gis.feature.create',
        entityType: `layer:${layer.code}`,
        entityId: id,
        after,
      });
      return after!;
    });
  }

  /** Moves or reshapes a feature, or changes its attributes (all of them: the form sends the whole set); audited with before and after. */
  updateFeature(ctx: CallContext, code: string, id: string, input: FeatureInput) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const layer = await this.editable(trx, ctx, code);
      const before = await repo.findStoredFeature(trx, layer.id, id);
      if (!before) throw notFound();
      refuse([
        ...(input.geometry ? checkGeometry(input.geometry, layer.geometryType, '/body/geometry') : []),
        ...(input.properties ? checkProperties(layer.attributes, input.properties, '/body/properties') : []),
      ]);
      if (input.geometry) await this.checkPlace(trx, ctx, input.geometry);
      await repo.updateFeature(trx, layer.id, id, input);
      const after = await repo.findStoredFeature(trx, layer.id, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'gis.feature.update',
        entityType: `layer:${layer.code}`,
        entityId: id,
        before,
        after,
      });
      return after!;
    });
  }

  deleteFeature(ctx: CallContext, code: string, id: string) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const layer = await this.editable(trx, ctx, code);
      const before = await repo.findStoredFeature(trx, layer.id, id);
      if (!before) throw notFound();
      await repo.deleteFeature(trx, layer.id, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'gis.feature.delete',
        entityType: `layer:${layer.code}`,
        entityId: id,
        before,
      });
    });
  }

  /**
   * Imports an OpenStreetMap extract (staff who manage the commune's map): `receive` brings the
   * uploaded file to disk once the caller is known to be allowed; the file is removed afterwards.
   */
  async importOsm(ctx: CallContext, receive: () => Promise<string>) {
    authorize(ctx.principal, MANAGE);
    const file = await receive();
    try {
      return await importOsmExtract(this.db, ctx.communeId, ctx.actor, file);
    } finally {
      await rm(file, { force: true });
    }
  }
}
