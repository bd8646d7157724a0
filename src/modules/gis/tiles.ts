/**
 * Vector tiles of the commune's layers: `/tiles/{layer}/{z}/{x}/{y}.mvt` (Mapbox Vector Tile 2.1,
 * web mercator) and a TileJSON 3.0 per layer at `/tiles/{layer}.json`. PostGIS encodes them on
 * PostgreSQL (ST_AsMVT); on the embedded database, whose PostGIS build has no protobuf, the same
 * features go through MapLibre's geojson-vt and vt-pbf. Tiles are cached per process under the
 * layer's last change, which is also their ETag: an edited layer is never served stale.
 */
import { createHash } from 'node:crypto';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { FastifyRequest } from 'fastify';
import { withCommune } from '../../platform/db/tenant.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import type { App, Platform } from '../../platform/platform.js';
import * as repo from './gis.repository.js';
import { GisService } from './gis.service.js';

export const MAX_ZOOM = 22;
const EXTENT = 4096;
const CACHE_ENTRIES = 5_000;

/** Parses `{z}/{x}/{y}` and refuses what is outside the tile pyramid. */
export function parseTile(z: string, x: string, y: string): { z: number; x: number; y: number } {
  if (![z, x, y].every((v) => /^\d{1,8}$/.test(v))) throw invalid('/params');
  const [zz, xx, yy] = [Number(z), Number(x), Number(y)];
  if (zz > MAX_ZOOM)
    throw new AppError('validation_failed', 400, 'problem.tiles.zoom.detail', { max: MAX_ZOOM }, [
      { pointer: '/params/z', key: 'problem.field.invalid' },
    ]);
  const n = 2 ** zz;
  if (xx >= n || yy >= n)
    throw new AppError('validation_failed', 400, 'problem.tiles.range.detail', { z: zz, max: n - 1 }, [
      { pointer: '/params/x', key: 'problem.field.invalid' },
    ]);
  return { z: zz, x: xx, y: yy };
}

/** Encodes a tile in JavaScript from the features `tileFeatures` selected (what ST_AsMVT does in PostGIS). */
export function jsTile(
  layerCode: string,
  rows: { id: string; propertiesJson: string; geometryJson: string }[],
  z: number,
  x: number,
  y: number,
): Buffer {
  if (rows.length === 0) return Buffer.alloc(0);
  const collection = {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      id: Number(r.id),
      geometry: JSON.parse(r.geometryJson),
      properties: JSON.parse(r.propertiesJson),
    })),
  };
  const tile = geoJSONToTile(collection, z, x, y, { extent: EXTENT, buffer: 64, clip: true });
  return Buffer.from(fromGeojsonVt({ [layerCode]: tile }, { version: 2, extent: EXTENT }));
}

export async function tileRoutes(app: App, { db }: Platform) {
  const gis = new GisService(db);
  // Insertion order is age: the oldest entry goes first when the cache is full.
  const cache = new Map<string, { body: Buffer; etag: string }>();

  async function encode(communeId: string, layer: repo.LayerRow, z: number, x: number, y: number): Promise<Buffer> {
    return withCommune(db, communeId, async (trx) => {
      if (db.kind === 'postgres') return repo.mvtTile(trx, layer, z, x, y);
      return jsTile(layer.code, await repo.tileFeatures(trx, layer.id, z, x, y), z, x, y);
    });
  }

  const hide = { hide: true } as const;

  app.get('/tiles/:layer/:z/:x/:file', { schema: hide }, async (request, reply) => {
    const { layer: code, z, x, file } = request.params as Record<string, string>;
    const match = /^(\d{1,8})\.(mvt|pbf)$/.exec(file ?? '');
    if (!match) throw notFound();
    const tile = parseTile(z ?? '', x ?? '', match[1]!);
    const layer = await gis.readableLayer(request, code ?? '');
    const key = `${request.commune.id}:${layer.id}:${layer.updatedAt.getTime()}:${tile.z}/${tile.x}/${tile.y}`;
    let hit = cache.get(key);
    if (!hit) {
      const body = await encode(request.commune.id, layer, tile.z, tile.x, tile.y);
      hit = { body, etag: `"${createHash('sha1').update(key).update(body).digest('base64url')}"` };
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(key, hit);
    }
    reply
      .header('etag', hit.etag)
      .header('cache-control', layer.isPublic ? 'public, max-age=60' : 'private, max-age=60')
      .header('vary', 'cookie, authorization');
    if (request.headers['if-none-match'] === hit.etag) return reply.code(304).send();
    return reply.type('application/vnd.mapbox-vector-tile').send(hit.body);
  });

  app.get('/tiles/:file', { schema: hide }, async (request: FastifyRequest, reply) => {
    const match = /^([a-z0-9][a-z0-9_-]{0,62})\.json$/.exec((request.params as { file: string }).file);
    if (!match) throw notFound();
    const { layer, extent } = await gis.readableLayerWithExtent(request, match[1]!);
    const base = `${request.protocol}://${request.host}`;
    const bounds = extent ?? [-180, -85.0511, 180, 85.0511];
    return reply.type('application/json').send({
      tilejson: '3.0.0',
      name: layer.code,
      tiles: [`${base}/tiles/${layer.code}/{z}/{x}/{y}.mvt`],
      minzoom: 0,
      maxzoom: MAX_ZOOM,
      bounds,
      center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 12],
      attribution: request.commune.attribution,
      vector_layers: [
        {
          id: layer.code,
          fields: Object.fromEntries(
            layer.attributes.map((a) => [
              a.name,
              a.type === 'integer' || a.type === 'number' ? 'Number' : a.type === 'boolean' ? 'Boolean' : 'String',
            ]),
          ),
          minzoom: 0,
          maxzoom: MAX_ZOOM,
        },
      ],
    });
  });
}
