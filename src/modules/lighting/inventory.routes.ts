import { contextOf } from '../../platform/http/context.js';
import { IdParams, page, problemResponses } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';
import type { CabinetRow, LuminaireRow, ReadingRow } from './inventory.repository.js';
import * as s from './inventory.schemas.js';
import { InventoryService } from './inventory.service.js';

const tags = ['lighting'];
const read = problemResponses(400, 401, 403);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function presentLuminaire(r: LuminaireRow) {
  return {
    id: r.id,
    code: r.code,
    location: { lon: r.lon, lat: r.lat },
    technology: r.technology,
    powerRating: r.powerRating,
    dateServiceStarted: r.dateServiceStarted,
    circuit: r.circuit,
    cabinet: r.cabinetId && r.cabinetCode ? { id: r.cabinetId, code: r.cabinetCode } : null,
    group: r.groupId && r.groupCode ? { id: r.groupId, code: r.groupCode } : null,
    deviceId: r.deviceId,
    state: r.state,
    dimLevel: r.dimLevel,
    power: r.power,
    faults: r.faults,
    lastSeenAt: iso(r.lastSeenAt),
  };
}

const presentReading = (r: ReadingRow) => ({ ...r, observedAt: r.observedAt.toISOString() });

function presentCabinet(r: CabinetRow) {
  const { lon, lat, lastSeenAt, ...rest } = r;
  return { ...rest, location: { lon, lat }, lastSeenAt: iso(lastSeenAt) };
}

/** The inventory for the office's map and lists: luminaires and cabinets with their live state. */
export async function inventoryRoutes(app: App, { db }: Platform) {
  const service = new InventoryService(db);

  app.get(
    '/api/v1/lighting/luminaires',
    {
      schema: {
        tags,
        summary: 'Luminaires with their live state, filtered by cabinet, group, district, technology, state or box',
        querystring: s.LuminaireListQuery,
        response: { 200: s.LuminaireListResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const q = request.query;
      const { rows, total } = await service.luminaires(contextOf(request), {
        cabinetId: q.cabinet,
        groupId: q.group,
        districtId: q.district,
        technology: q.technology,
        state: q.state,
        bbox: q.bbox,
        limit,
        offset,
      });
      return { items: rows.map(presentLuminaire), page: { total, limit, offset } };
    },
  );

  app.get(
    '/api/v1/lighting/luminaires/map',
    {
      schema: {
        tags,
        summary: 'Every luminaire and its live state as GeoJSON, for the whole-city map',
        response: { 200: s.LuminaireMapResponse, ...read },
      },
    },
    async (request, reply) => {
      const points = await service.points(contextOf(request));
      return reply.type('application/geo+json').send({
        type: 'FeatureCollection' as const,
        features: points.map((p) => ({
          type: 'Feature' as const,
          id: p.id,
          geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
          properties: { code: p.code, state: p.state },
        })),
      });
    },
  );

  app.get(
    '/api/v1/lighting/luminaires/:id',
    {
      schema: {
        tags,
        summary: 'One luminaire, its live state and its latest readings',
        params: IdParams,
        response: { 200: s.LuminaireDetailResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { row, readings } = await service.luminaire(contextOf(request), request.params.id);
      return { ...presentLuminaire(row), readings: readings.map(presentReading) };
    },
  );

  app.get(
    '/api/v1/lighting/cabinets',
    {
      schema: {
        tags,
        summary: 'Control cabinets with their luminaires’ count and their controller’s live state',
        querystring: s.CabinetListQuery,
        response: { 200: s.CabinetListResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, total } = await service.cabinets(contextOf(request), { state: request.query.state, limit, offset });
      return { items: rows.map(presentCabinet), page: { total, limit, offset } };
    },
  );

  app.get(
    '/api/v1/lighting/inventory/facets',
    {
      schema: {
        tags,
        summary: 'What the inventory’s filters offer, and how many luminaires are in each live state',
        response: { 200: s.InventoryFacetsResponse, ...read },
      },
    },
    async (request) => {
      const f = await service.facets(contextOf(request));
      return { ...f, states: f.states.map((x) => ({ state: x.state, count: x.n })) };
    },
  );
}
