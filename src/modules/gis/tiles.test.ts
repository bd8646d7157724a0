import { VectorTile } from '@mapbox/vector-tile';
import { sql } from 'kysely';
import Protobuf from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';
import { withCommune } from '../../platform/db/tenant.js';
import { findLayerByCode, insertFeature, insertLayer, mvtTile, tileFeatures } from './gis.repository.js';
import { jsTile } from './tiles.js';

let t: TestApp;
let viewer: Session;
let communeId: string;
/** The tile at zoom 12 over the city of Berkane, computed from its label point. */
let tile: { z: number; x: number; y: number };

beforeAll(async () => {
  t = await createTestApp();
  viewer = await loginAs(t, 'viewer');
  const { rows } = await sql<{ id: string; lon: number; lat: number }>`
    SELECT c.id, ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat
      FROM platform.commune c JOIN platform.admin_area a ON a.official_code = c.official_code WHERE c.code = 'berkane'`.execute(
    t.database.db.kysely,
  );
  communeId = rows[0]!.id;
  const { lon, lat } = rows[0]!;
  const z = 12;
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  tile = { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n) };
  await withCommune(t.database.db, communeId, (trx) =>
    insertLayer(trx, communeId, {
      code: 'private_points',
      title: { fr: 'Privé' },
      description: null,
      geometryType: 'Point',
      attributes: [],
      style: {},
      isPublic: false,
      timeAttribute: null,
    }),
  );
});
afterAll(() => t.close());

const url = (layer = 'province_communes', z = tile.z, x = tile.x, y = tile.y) => `/tiles/${layer}/${z}/${x}/${y}.mvt`;
const decode = (body: Buffer) => new VectorTile(new Protobuf(body));
function features(body: Buffer, layer: string) {
  const l = decode(body).layers[layer];
  return l ? Array.from({ length: l.length }, (_, i) => l.feature(i)) : [];
}

describe('vector tiles', () => {
  it('serve the features of a tile as a Mapbox Vector Tile with their attributes', async () => {
    const response = await t.app.inject({ url: url() });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    const found = features(response.rawPayload, 'province_communes');
    expect(found.map((f) => f.properties.name_fr)).toContain('Berkane');
    const berkane = found.find((f) => f.properties.name_fr === 'Berkane')!;
    expect(berkane.type).toBe(3);
    expect(berkane.properties.name_ar).toBe('بركان');
    expect(typeof berkane.id).toBe('number');
  });

  it('answer 304 to a client holding the current ETag, and change it when the layer changes', async () => {
    const first = await t.app.inject({ url: url() });
    const etag = first.headers.etag as string;
    expect((await t.app.inject({ url: url(), headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const layer = await withCommune(t.database.db, communeId, (trx) => findLayerByCode(trx, 'province_communes'));
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM platform.admin_area WHERE slug = 'berkane'`.execute(
      t.database.db.kysely,
    );
    await withCommune(t.database.db, communeId, (trx) =>
      insertFeature(trx, communeId, layer!.id, { type: 'Point', coordinates: [rows[0]!.lon, rows[0]!.lat] }, { name_fr: 'Nouveau point' }),
    );
    const after = await t.app.inject({ url: url(), headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(features(after.rawPayload, 'province_communes').map((f) => f.properties.name_fr)).toContain('Nouveau point');
  });

  it('describe each layer in TileJSON 3.0', async () => {
    const response = await t.app.inject({ url: '/tiles/province_communes.json' });
    expect(response.statusCode).toBe(200);
    const tj = response.json();
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles[0]).toMatch(/\/tiles\/province_communes\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    expect(tj.vector_layers[0]).toMatchObject({ id: 'province_communes', fields: { name_fr: 'String', population_2024: 'Number' } });
    expect(tj.bounds[0]).toBeLessThan(tj.bounds[2]);
  });

  it('are empty where a layer has nothing', async () => {
    const response = await t.app.inject({ url: url('province_communes', 12, 0, 0) });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.length).toBe(0);
  });

  it('refuse tiles outside the pyramid and private layers without a token', async () => {
    for (const bad of [
      '/tiles/province_communes/23/0/0.mvt',
      '/tiles/province_communes/2/4/0.mvt',
      '/tiles/province_communes/2/0/4.mvt',
      '/tiles/province_communes/a/0/0.mvt',
    ]) {
      const response = await t.app.inject({ url: bad });
      expect(response.statusCode, bad).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.app.inject({ url: '/tiles/province_communes/2/0/0.png' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: url('private_points') })).statusCode).toBe(401);
    const staff = await t.app.inject({ url: url('private_points'), headers: as(viewer) });
    expect(staff.statusCode).toBe(200);
    expect(staff.headers['cache-control']).toBe('private, max-age=60');
    expect((await t.app.inject({ url: url('no_such_layer') })).statusCode).toBe(404);
  });
});

describe('box queries through the geometry index (gis.features_in_box)', () => {
  it("never return another commune's features, even asked with that commune's layer", async () => {
    const saidia = await createCommuneFromArea(t.database.db, 'saidia', { hosts: [] }, { type: 'cli', id: null, label: 'test' });
    const everywhere = sql`ST_MakeEnvelope(-180, -90, 180, 90, 4326)`;
    const foreign = await withCommune(t.database.db, saidia!, async (trx) => {
      const layer = await insertLayer(trx, saidia!, {
        code: 'saidia_points',
        title: { fr: 'Saïdia' },
        description: null,
        geometryType: 'Point',
        attributes: [],
        style: {},
        isPublic: true,
        timeAttribute: null,
      });
      await insertFeature(trx, saidia!, layer.id, { type: 'Point', coordinates: [-2.3, 35.1] }, {});
      return layer.id;
    });
    const count = (commune: string) =>
      withCommune(t.database.db, commune, async (trx) => {
        const { rows } = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM gis.features_in_box(${foreign}::uuid, ${everywhere})`.execute(trx);
        return rows[0]!.n;
      });
    expect(await count(communeId)).toBe(0);
    expect(await count(saidia!)).toBe(1);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('ST_AsMVT (PostgreSQL) and the JavaScript encoder (PGlite)', () => {
  it('put the same features with the same attributes in a tile', async () => {
    const { a, b } = await withCommune(t.database.db, communeId, async (trx) => {
      const layer = (await findLayerByCode(trx, 'province_communes'))!;
      return {
        a: await mvtTile(trx, layer, tile.z, tile.x, tile.y),
        b: jsTile(layer.code, await tileFeatures(trx, layer.id, tile.z, tile.x, tile.y), tile.z, tile.x, tile.y),
      };
    });
    const summary = (body: Buffer) =>
      features(body, 'province_communes')
        .map((f) => ({ id: f.id, type: f.type, properties: f.properties }))
        .sort((p, q) => Number(p.id) - Number(q.id));
    expect(summary(a).length).toBeGreaterThan(0);
    expect(summary(b)).toEqual(summary(a));
  });
});
