import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { contextOf } from '../../platform/http/context.js';
import { invalid } from '../../platform/http/errors.js';
import { Binary, multilingual, Nullable, problemResponses, Strict, TextOut, Uuid } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import type { App, Platform } from '../../platform/platform.js';
import { writeGeoPackage } from './formats/geopackage.js';
import { canWriteShapefile, writeShapefileZip } from './formats/shapefile-write.js';
import { ATTRIBUTE_TYPES, type AttributeType, GEOMETRY_TYPES, type GeometryType, type LayerRow } from './gis.repository.js';
import { GisService } from './gis.service.js';
import { receiveFor } from './imports.routes.js';
import { Code, CrsQuery, ImportResultSchema } from './imports.schemas.js';
import type { ImportsService } from './imports.service.js';
import { BASEMAP_LAYERS } from './tiles.js';

type ExportFormat = 'geojson' | 'csv' | 'gpkg' | 'shapefile';
const GPKG_TYPES = { string: 'TEXT', integer: 'INTEGER', number: 'REAL', boolean: 'BOOLEAN', date: 'DATE', datetime: 'DATETIME' } as const;

const tags = ['gis: layers'];
const AttributeName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' });
const GeometryTypeT = Type.Unsafe<GeometryType>({ type: 'string', enum: [...GEOMETRY_TYPES] });
const Attribute = Strict({
  name: AttributeName,
  type: Type.Unsafe<AttributeType>({ type: 'string', enum: [...ATTRIBUTE_TYPES] }),
  title: multilingual(LIMITS.nameMax, 'line'),
  required: Type.Boolean(),
});
const Geometry = Strict(
  {
    type: Type.Unsafe<string>({ type: 'string', enum: GEOMETRY_TYPES.filter((g) => g !== 'Geometry') }),
    coordinates: Type.Array(Type.Unknown()),
  },
  { description: 'GeoJSON geometry in WGS 84 (longitude, latitude)' },
);
const Properties = Type.Record(Type.String({ maxLength: 63 }), Type.Unknown(), { maxProperties: 100 });

const LayerResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  title: TextOut,
  description: Nullable(TextOut),
  geometryType: GeometryTypeT,
  attributes: Type.Array(Type.Object({ name: Type.String(), type: Type.String(), title: TextOut, required: Type.Boolean() })),
  isPublic: Type.Boolean(),
  timeAttribute: Nullable(Type.String()),
  basemap: Type.Boolean({ description: 'drawn by the combined base map (/tiles/basemap.json): maps need not draw it again' }),
  extent: Nullable(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 })),
  links: Type.Object({ ogc: Type.String(), tiles: Type.String() }),
});
const FeatureResponse = Type.Object({
  id: Type.String(),
  geometry: Type.Unknown(),
  properties: Type.Record(Type.String(), Type.Unknown()),
});
const FeatureParams = Strict({ code: Code, id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) });

const present = (layer: LayerRow, extent: number[] | null) => ({
  id: layer.id,
  code: layer.code,
  title: layer.title,
  description: layer.description,
  geometryType: layer.geometryType,
  attributes: layer.attributes,
  isPublic: layer.isPublic,
  timeAttribute: layer.timeAttribute,
  basemap: BASEMAP_LAYERS.some((b) => b.code === layer.code),
  extent,
  links: { ogc: `/ogc/collections/${layer.code}`, tiles: `/tiles/${layer.code}.json` },
});

/** The layer registry and the editor's writes under `/api/v1/gis` (reading features is OGC API – Features' job). */
export async function layersRoutes(app: App, { db }: Platform, imports: ImportsService) {
  const gis = new GisService(db);
  await app.register(multipart);
  const write = problemResponses(400, 401, 403, 404, 409, 413, 415);

  app.get(
    '/api/v1/gis/layers',
    {
      schema: {
        tags,
        summary: 'The layers the caller may read (public ones for everyone)',
        response: { 200: Type.Object({ items: Type.Array(LayerResponse) }) },
      },
    },
    async (request) => ({ items: (await gis.readableLayers(request)).map(({ layer, extent }) => present(layer, extent)) }),
  );
  app.post(
    '/api/v1/gis/layers',
    {
      schema: {
        tags,
        summary: 'Create a layer: code, titles, geometry type, typed attribute schema, visibility',
        body: Strict({
          code: Code,
          title: multilingual(LIMITS.nameMax, 'line'),
          description: Type.Optional(Nullable(multilingual(LIMITS.descriptionMax, 'text'))),
          geometryType: GeometryTypeT,
          attributes: Type.Array(Attribute, { maxItems: 100 }),
          style: Type.Optional(Type.Record(Type.String({ maxLength: 63 }), Type.Unknown(), { maxProperties: 50 })),
          isPublic: Type.Boolean(),
          timeAttribute: Type.Optional(Nullable(AttributeName)),
        }),
        response: { 201: LayerResponse, ...write },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const layer = await gis.createLayer(contextOf(request), {
        ...b,
        description: b.description ?? null,
        style: b.style ?? {},
        timeAttribute: b.timeAttribute ?? null,
      });
      return reply.code(201).send(present(layer, null));
    },
  );
  app.post(
    '/api/v1/gis/layers/:code/features',
    {
      schema: {
        tags,
        summary: 'Draw a feature (geometry of the layer’s type, attributes by its schema); it is in OGC API and the tiles at once',
        params: Strict({ code: Code }),
        body: Strict({ geometry: Geometry, properties: Properties }),
        response: { 201: FeatureResponse, ...write },
      },
    },
    async (request, reply) => reply.code(201).send(await gis.addFeature(contextOf(request), request.params.code, request.body)),
  );
  app.patch(
    '/api/v1/gis/layers/:code/features/:id',
    {
      schema: {
        tags,
        summary: 'Move or reshape a feature, or replace its attributes',
        params: FeatureParams,
        body: Strict({ geometry: Type.Optional(Geometry), properties: Type.Optional(Properties) }),
        response: { 200: FeatureResponse, ...write },
      },
    },
    async (request) => gis.updateFeature(contextOf(request), request.params.code, request.params.id, request.body),
  );
  app.post(
    '/api/v1/gis/layers/:code/import',
    {
      schema: {
        tags,
        summary: 'Import a small file (multipart field "file") into a layer at once, all or nothing',
        description:
          'The same import as `POST /api/v1/gis/layers/{code}/imports`, waited for: GeoJSON, CSV (longitude/latitude columns — lon, lng, longitude, x / lat, latitude, y — or a WKT column — wkt, geometry), zipped Shapefile or GeoPackage. The coordinates are in `crs` (EPSG code), else the one the file names, else 4326: 4261 Merchich, 26191 Nord Maroc, 26192 Sud Maroc, 26194 Sahara Nord, 26195 Sahara Sud, 3857. Rows with errors are listed with their numbers and nothing is imported; invalid geometries are repaired when the repair keeps their kind; rows outside the commune are reported.',
        params: Strict({ code: Code }),
        querystring: CrsQuery,
        consumes: ['multipart/form-data'],
        response: { 200: Type.Object({ ...ImportResultSchema.properties, srid: Type.Integer() }), ...write },
      },
    },
    async (request) => {
      const { layer, upload } = await receiveFor(request, imports, request.params.code);
      const ctx = contextOf(request);
      return imports.runNow(ctx, await imports.create(ctx, layer, upload, request.query.crs, { queue: false }));
    },
  );
  app.get(
    '/api/v1/gis/layers/:code/export',
    {
      schema: {
        tags,
        summary: 'Every feature of a layer the caller may read: GeoJSON, CSV (WKT geometry), GeoPackage or zipped Shapefile, in WGS 84',
        params: Strict({ code: Code }),
        querystring: Strict({
          format: Type.Unsafe<ExportFormat>({ type: 'string', enum: ['geojson', 'csv', 'gpkg', 'shapefile'] }),
        }),
        response: { 200: Binary, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const disposition = (name: string) => reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'gpkg' || format === 'shapefile') {
        const layer = await gis.readableLayer(request, request.params.code);
        const rows = await imports.exportRows(request.commune.id, layer.id);
        if (format === 'gpkg') {
          const columns = layer.attributes.map((a) => ({ name: a.name, type: GPKG_TYPES[a.type] }));
          const title = layer.title.fr ?? layer.title.ar ?? layer.code;
          const features = rows.map((r) => ({ properties: r.properties, wkb: r.wkb, envelope: r.envelope }));
          disposition(`${layer.code}.gpkg`);
          return reply
            .type('application/geopackage+sqlite3')
            .send(await writeGeoPackage(layer.code, title, layer.geometryType, columns, features));
        }
        if (!canWriteShapefile(layer.geometryType)) throw invalid('/query/format', 'problem.gis.export.shapefile_mixed');
        const features = rows.map((r) => ({ geometry: r.clockwise, properties: r.properties }));
        disposition(`${layer.code}.zip`);
        return reply.type('application/zip').send(await writeShapefileZip(layer.code, layer.geometryType, layer.attributes, features));
      }
      const { layer, rows } = await gis.export(request, request.params.code);
      disposition(`${layer.code}.${format === 'csv' ? 'csv' : 'geojson'}`);
      if (format === 'csv') {
        const columns = layer.attributes.map((a) => a.name);
        const cell = (v: unknown) => {
          const text = v === null || v === undefined ? '' : String(v);
          // Quoted when needed (RFC 4180); a leading = + - @ is defused for spreadsheets.
          const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
          return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
        };
        const lines = [
          ['id', ...columns, 'wkt'].join(','),
          ...rows.map((r) => [r.id, ...columns.map((c) => cell(r.properties[c])), cell(r.wkt)].join(',')),
        ];
        return reply.type('text/csv; charset=utf-8').send(Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`));
      }
      const collection = {
        type: 'FeatureCollection',
        name: layer.code,
        features: rows.map((r) => ({ type: 'Feature', id: Number(r.id), geometry: r.geometry, properties: r.properties })),
      };
      return reply.type('application/geo+json').send(Buffer.from(JSON.stringify(collection)));
    },
  );
  app.delete(
    '/api/v1/gis/layers/:code/features/:id',
    { schema: { tags, summary: 'Remove a feature', params: FeatureParams, response: { 204: { type: 'null' }, ...write } } },
    async (request, reply) => {
      await gis.deleteFeature(contextOf(request), request.params.code, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
