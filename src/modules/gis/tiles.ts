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
import type { FastifyReply, FastifyRequest } from 'fastify';
import { withCommune } from '../../platform/db/tenant.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import type { App, Platform } from '../../platform/platform.js';
import * as repo from './gis.repository.js';
import { GisService } from './gis.service.js';
import { layerAttributions } from './osm/osm.repository.js';

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

/** The TileJSON 3.0 document of a tileset at `/tiles/{name}/{z}/{x}/{y}.mvt`, without its vector layers. */
function tileJson(request: FastifyRequest, name: string, bounds: [number, number, number, number], attribution: string | null) {
  return {
    tilejson: '3.0.0',
    name,
    tiles: [`${request.protocol}://${request.host}/tiles/${name}/{z}/{x}/{y}.mvt`],
    minzoom: 0,
    maxzoom: MAX_ZOOM,
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 12],
    attribution,
  };
}

/** A layer's entry in TileJSON's `vector_layers`: its attributes typed as TileJSON says. */
function vectorLayer(layer: repo.LayerRow, minzoom: number) {
  const fields = layer.attributes.map((a) => [
    a.name,
    a.type === 'integer' || a.type === 'number' ? 'Number' : a.type === 'boolean' ? 'Boolean' : 'String',
  ]);
  return { id: layer.code, fields: Object.fromEntries(fields), minzoom, maxzoom: MAX_ZOOM };
}

/**
 * The source layers of the combined base map, bottom to top, and the zoom each appears from
 * (buildings only once they are big enough to see). Those the commune has, public, are served.
 */
export const BASEMAP_LAYERS = [
  { code: 'province_communes', minzoom: 0 },
  { code: 'osm_buildings', minzoom: 14 },
  { code: 'osm_streets', minzoom: 12 },
  { code: 'osm_places', minzoom: 13 },
] as const;

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

  /** The base map's layers the commune has (public ones only: the base map is for everyone). */
  function basemapLayers(communeId: string) {
    return withCommune(db, communeId, async (trx) => {
      const byCode = new Map((await repo.listLayers(trx, { publicOnly: true })).map((l) => [l.code, l]));
      const attributions = await layerAttributions(
        trx,
        [...byCode.values()].map((l) => l.id),
      );
      return BASEMAP_LAYERS.flatMap(({ code, minzoom }) => {
        const layer = byCode.get(code);
        return layer ? [{ layer, minzoom, attribution: attributions.get(layer.id) ?? null }] : [];
      });
    });
  }

  const hide = { hide: true } as const;

  /**
   * Sends a tile from the cache or encodes it: `key` names what it shows and the last change of
   * every layer in it, so a change makes a new key (and ETag) and nothing stale is served.
   */
  async function sendTile(request: FastifyRequest, reply: FastifyReply, key: string, isPublic: boolean, make: () => Promise<Buffer>) {
    let hit = cache.get(key);
    if (!hit) {
      const body = await make();
      hit = { body, etag: `"${createHash('sha1').update(key).update(body).digest('base64url')}"` };
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(key, hit);
    }
    reply
      .header('etag', hit.etag)
      .header('cache-control', isPublic ? 'public, max-age=60' : 'private, max-age=60')
      .header('vary', 'cookie, authorization');
    if (request.headers['if-none-match'] === hit.etag) return reply.code(304).send();
    return reply.type('application/vnd.mapbox-vector-tile').send(hit.body);
  }

  /** `{z}/{x}/{y}.mvt` (or `.pbf`) of a request, checked against the pyramid. */
  function tileOf(params: Record<string, string | undefined>) {
    const match = /^(\d{1,8})\.(mvt|pbf)$/.exec(params.file ?? '');
    if (!match) throw notFound();
    return parseTile(params.z ?? '', params.x ?? '', match[1]!);
  }

  app.get('/tiles/:layer/:z/:x/:file', { schema: hide }, async (request, reply) => {
    const params = request.params as Record<string, string>;
    const tile = tileOf(params);
    const layer = await gis.readableLayer(request, params.layer ?? '');
    const key = `${request.commune.id}:${layer.id}:${layer.updatedAt.getTime()}:${tile.z}/${tile.x}/${tile.y}`;
    return sendTile(request, reply, key, layer.isPublic, () => encode(request.commune.id, layer, tile.z, tile.x, tile.y));
  });

  // The combined base map: one tile holds a source layer per base layer present (an MVT tile is a
  // list of layers, so the layers' own tiles, encoded as above, are concatenated and cached together).
  app.get('/tiles/basemap/:z/:x/:file', { schema: hide }, async (request, reply) => {
    const tile = tileOf(request.params as Record<string, string>);
    const layers = (await basemapLayers(request.commune.id)).filter(({ minzoom }) => tile.z >= minzoom);
    const key = `${request.commune.id}:basemap:${layers.map(({ layer }) => `${layer.id}@${layer.updatedAt.getTime()}`).join(',')}:${tile.z}/${tile.x}/${tile.y}`;
    return sendTile(request, reply, key, true, async () => {
      const parts = [];
      for (const { layer } of layers) parts.push(await encode(request.commune.id, layer, tile.z, tile.x, tile.y));
      return Buffer.concat(parts);
    });
  });

  app.get('/tiles/basemap.json', { schema: hide }, async (request, reply) => {
    const layers = await basemapLayers(request.commune.id);
    const extents = await withCommune(db, request.commune.id, (trx) =>
      Promise.all(layers.map(({ layer }) => repo.layerExtent(trx, layer.id))),
    );
    const known = extents.filter((e) => e !== null);
    const bounds: [number, number, number, number] = known.length
      ? [
          Math.min(...known.map((e) => e[0])),
          Math.min(...known.map((e) => e[1])),
          Math.max(...known.map((e) => e[2])),
          Math.max(...known.map((e) => e[3])),
        ]
      : [-180, -85.0511, 180, 85.0511];
    // A layer's attribution that the commune's already states (its boundaries come from OSM too) is not repeated.
    const own = request.commune.attribution;
    const extra = new Set(layers.flatMap(({ attribution }) => (attribution && !own.includes(attribution) ? [attribution] : [])));
    const attributions = [own, ...extra].filter(Boolean);
    return reply.type('application/json').send({
      ...tileJson(request, 'basemap', bounds, attributions.join(' · ')),
      // Every base layer is declared, those the commune has not imported (yet) without fields: a
      // style names them all, and MapLibre refuses a style layer whose source layer is undeclared.
      vector_layers: BASEMAP_LAYERS.map(({ code, minzoom }) => {
        const present = layers.find(({ layer }) => layer.code === code);
        return present ? vectorLayer(present.layer, minzoom) : { id: code, fields: {}, minzoom, maxzoom: MAX_ZOOM };
      }),
    });
  });

  app.get('/tiles/:file', { schema: hide }, async (request: FastifyRequest, reply) => {
    const match = /^([a-z0-9][a-z0-9_-]{0,62})\.json$/.exec((request.params as { file: string }).file);
    if (!match) throw notFound();
    const { layer, extent } = await gis.readableLayerWithExtent(request, match[1]!);
    return reply.type('application/json').send({
      ...tileJson(request, layer.code, extent ?? [-180, -85.0511, 180, 85.0511], request.commune.attribution),
      vector_layers: [vectorLayer(layer, 0)],
    });
  });
}
