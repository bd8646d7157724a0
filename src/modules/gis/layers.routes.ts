import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { contextOf } from '../../platform/http/context.js';
import { AppError, invalid } from '../../platform/http/errors.js';
import { Binary, multilingual, Nullable, problemResponses, Strict, TextOut, Uuid } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import type { App, Platform } from '../../platform/platform.js';
import { ATTRIBUTE_TYPES, type AttributeType, GEOMETRY_TYPES, type GeometryType, type LayerRow } from './gis.repository.js';
import { GisService } from './gis.service.js';
import { IMPORT_CRS, type ImportSrid } from './import.js';

/** The largest import file; larger ones are refused as soon as the limit is reached. */
const IMPORT_BYTES_MAX = 50 * 1024 * 1024;

const tags = ['gis: layers'];
const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' });
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
  extent,
  links: { ogc: `/ogc/collections/${layer.code}`, tiles: `/tiles/${layer.code}.json` },
});

/** The layer registry and the editor's writes under `/api/v1/gis` (reading features is OGC API – Features' job). */
export async function layersRoutes(app: App, { db }: Platform) {
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
        summary: 'Import a GeoJSON or CSV file (multipart field "file") into a layer, all or nothing',
        description:
          'CSV: longitude/latitude columns (lon, lng, longitude, x / lat, latitude, y) or a WKT column (wkt, geometry). The coordinates are in `crs` (EPSG code: 4326 by default, or the one a GeoJSON file names): 4261 Merchich, 26191 Nord Maroc, 26192 Sud Maroc, 26194 Sahara Nord, 26195 Sahara Sud, 3857. Rows with errors are listed with their numbers and nothing is imported; invalid geometries are repaired when the repair keeps their kind; rows outside the commune are reported.',
        params: Strict({ code: Code }),
        querystring: Strict({ crs: Type.Optional(Type.Unsafe<ImportSrid>({ type: 'integer', enum: [...IMPORT_CRS] })) }),
        consumes: ['multipart/form-data'],
        response: {
          200: Type.Object({
            imported: Type.Integer(),
            repaired: Type.Array(Type.Integer(), { description: 'rows whose geometry was repaired' }),
            outside: Type.Array(Type.Integer(), { description: "rows outside the commune's boundary" }),
            srid: Type.Integer(),
            ignored: Type.Array(Type.String(), { description: 'columns the layer has no attribute for' }),
          }),
          ...write,
        },
      },
    },
    async (request) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 415, 'problem.gis.import.format.detail');
      const part = await request.file({ limits: { fileSize: IMPORT_BYTES_MAX, files: 1, fields: 0 } });
      if (part?.fieldname !== 'file') throw invalid('/body/file', 'problem.field.required');
      // The stream stops at the limit: a huge file is never read whole.
      const data = await part.toBuffer().catch((err: { code?: string }) => {
        if (err.code === 'FST_REQ_FILE_TOO_LARGE')
          throw new AppError('payload_too_large', 413, 'problem.gis.import.too_large.detail', { max: IMPORT_BYTES_MAX / 1024 / 1024 });
        throw err;
      });
      return gis.importFile(contextOf(request), request.params.code, data, request.query.crs);
    },
  );
  app.get(
    '/api/v1/gis/layers/:code/export',
    {
      schema: {
        tags,
        summary: 'Every feature of a layer the caller may read, as a GeoJSON file or a CSV file (WKT geometry, WGS 84)',
        params: Strict({ code: Code }),
        querystring: Strict({ format: Type.Unsafe<'geojson' | 'csv'>({ type: 'string', enum: ['geojson', 'csv'] }) }),
        response: { 200: Binary, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { layer, rows } = await gis.export(request, request.params.code);
      const name = `${layer.code}.${request.query.format === 'csv' ? 'csv' : 'geojson'}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (request.query.format === 'csv') {
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
