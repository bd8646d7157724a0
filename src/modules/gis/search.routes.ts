/**
 * The map's search box and "what is here?": `/api/v1/gis/search` finds communes of the province,
 * the commune's districts and the named features of the layers the caller may read, by name in
 * Arabic or Latin script (insensitive to case, accents, Arabic diacritics and letter variants;
 * ranked by trigram word similarity); `/api/v1/gis/reverse` tells the commune and district a point
 * lies in and the named features near it.
 */
import { Type } from 'typebox';
import { holds } from '../../platform/auth/principal.js';
import { withCommune } from '../../platform/db/tenant.js';
import { LatLon, Nullable, plainText, problemResponses, Strict, TextOut } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import type { App, Platform } from '../../platform/platform.js';
import { READ_PRIVATE } from './gis.service.js';
import { placeAt, searchPlaces } from './search.repository.js';

const tags = ['gis: search'];
const Point = Nullable(Type.Object({ lat: Type.Number(), lon: Type.Number() }));
const Layer = Type.Object({ code: Type.String(), title: TextOut });

const SearchQuery = Strict({
  q: plainText(LIMITS.searchMax, 'line'),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 10 })),
});
const SearchResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      kind: Type.Unsafe<'commune' | 'district' | 'feature'>({ type: 'string', enum: ['commune', 'district', 'feature'] }),
      id: Type.String({ description: "A commune's code, a district's id, a feature's id in its layer" }),
      name: Nullable(TextOut),
      title: Nullable(Type.String({ description: "A feature's name as its data gives it" })),
      layer: Nullable(Layer),
      point: Point,
      score: Type.Number({ description: 'Trigram word similarity of the name to the query, 0–1' }),
    }),
  ),
});
const ReverseQuery = Strict({
  ...LatLon.properties,
  metres: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'How far to look for named features' })),
});
const ReverseResponse = Type.Object({
  commune: Nullable(Type.Object({ code: Type.String(), name: TextOut })),
  district: Nullable(Type.Object({ id: Type.String(), name: TextOut })),
  nearby: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), layer: Layer, distanceMetres: Type.Number() })),
});

export async function searchRoutes(app: App, { db }: Platform) {
  const includePrivate = (principal: Parameters<typeof holds>[0] | null) => principal !== null && holds(principal, READ_PRIVATE);

  app.get(
    '/api/v1/gis/search',
    {
      schema: {
        tags,
        summary: 'Find places by name',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { q, limit = 10 } = request.query;
      const rows = await withCommune(db, request.commune.id, (trx) => searchPlaces(trx, q, includePrivate(request.principal), limit));
      return {
        items: rows.map((r) => ({
          kind: r.kind,
          id: r.id,
          name: r.nameJson ? JSON.parse(r.nameJson) : null,
          title: r.title,
          layer: r.layerCode ? { code: r.layerCode, title: JSON.parse(r.layerTitleJson ?? '{}') } : null,
          point: r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon },
          score: Math.round(r.score * 1000) / 1000,
        })),
      };
    },
  );

  app.get(
    '/api/v1/gis/reverse',
    {
      schema: {
        tags,
        summary: 'What is at a point',
        querystring: ReverseQuery,
        response: { 200: ReverseResponse, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { lat, lon, metres = 100 } = request.query;
      const at = await withCommune(db, request.commune.id, (trx) => placeAt(trx, lon, lat, metres, includePrivate(request.principal), 5));
      return {
        commune: at.commune && { code: at.commune.code, name: JSON.parse(at.commune.nameJson) },
        district: at.district && { id: at.district.id, name: JSON.parse(at.district.nameJson) },
        nearby: at.nearby.map((n) => ({
          id: n.featureId,
          title: n.name,
          layer: { code: n.layerCode, title: JSON.parse(n.layerTitleJson) },
          distanceMetres: Math.round(n.distance * 10) / 10,
        })),
      };
    },
  );
}
