/**
 * Public facts about the communes served: the current one (from the host name) with its boundary,
 * census figures and the attribution their sources require; and the list of communes.
 */
import { Type } from 'typebox';
import { communeBoundary, communeMap, listCommunes } from '../../platform/communes/communes.repository.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';

const Names = Type.Record(Type.String(), Type.String());
const CommuneSummary = Type.Object({
  code: Type.String(),
  officialCode: Type.Union([Type.String(), Type.Null()]),
  name: Names,
  kind: Type.String(),
});
const CurrentCommuneResponse = Type.Object({
  ...CommuneSummary.properties,
  defaultLocale: Type.String(),
  localeFallback: Type.Array(Type.String()),
  timeZone: Type.String(),
  census: Type.Record(Type.String(), Type.Unknown()),
  attribution: Type.String(),
  isDemo: Type.Boolean(),
  boundary: Type.Unknown({ description: 'GeoJSON MultiPolygon, WGS 84' }),
});

export async function communesRoutes(app: App, { db }: Platform) {
  const tags = ['communes'];
  app.get(
    '/api/v1/communes/current',
    { schema: { tags, summary: 'The commune this host serves', response: { 200: CurrentCommuneResponse, ...problemResponses(404) } } },
    async (request) => {
      const c = request.commune;
      return {
        code: c.code,
        officialCode: c.officialCode,
        name: c.name as Record<string, string>,
        kind: c.kind,
        defaultLocale: c.defaultLocale,
        localeFallback: c.localeFallback,
        timeZone: c.timeZone,
        census: c.census,
        attribution: c.attribution,
        isDemo: c.isDemo,
        boundary: await communeBoundary(db.kysely, c.id),
      };
    },
  );
  app.get(
    '/api/v1/communes/current/map',
    {
      schema: {
        tags,
        summary: 'The commune and its neighbours as GeoJSON, for the base map (served by Madina: no third-party host)',
        response: {
          200: Type.Object({
            type: Type.Literal('FeatureCollection'),
            features: Type.Array(Type.Unknown()),
            attribution: Type.String(),
          }),
        },
      },
    },
    async (request, reply) => {
      const collection = (await communeMap(db.kysely, request.commune.id)) as { type: 'FeatureCollection'; features: unknown[] };
      reply.header('cache-control', 'public, max-age=3600');
      return { ...collection, attribution: request.commune.attribution };
    },
  );
  app.get(
    '/api/v1/communes',
    {
      schema: {
        tags,
        summary: 'Every commune this platform serves',
        response: { 200: Type.Object({ items: Type.Array(CommuneSummary) }) },
      },
    },
    async () => ({
      items: (await listCommunes(db.kysely)).map((c) => ({
        code: c.code,
        officialCode: c.officialCode,
        name: c.name as Record<string, string>,
        kind: c.kind,
      })),
    }),
  );
}
