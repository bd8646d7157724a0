import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
let supervisor: Session;
let technician: Session;
let viewer: Session;
/** The label point of Berkane (real data), and a square around it. */
let here: [number, number];

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await loginAs(t, 'supervisor');
  technician = await loginAs(t, 'technician');
  viewer = await loginAs(t, 'viewer');
  const { rows } = await sql<{
    lon: number;
    lat: number;
  }>`SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM platform.admin_area WHERE slug = 'berkane'`.execute(
    t.database.db.kysely,
  );
  here = [rows[0]!.lon, rows[0]!.lat];
});
afterAll(() => t.close());

const inject = (o: InjectOptions) => t.app.inject(o);
const square = (d = 0.001) => [
  [
    [here[0] - d, here[1] - d],
    [here[0] + d, here[1] - d],
    [here[0] + d, here[1] + d],
    [here[0] - d, here[1] + d],
    [here[0] - d, here[1] - d],
  ],
];
async function counts() {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*)::int FROM gis.feature) AS features, (SELECT count(*)::int FROM gis.layer) AS layers,
           (SELECT count(*)::int FROM platform.audit_event) AS audit`.execute(t.database.db.kysely);
  return rows[0];
}

describe('the layer registry and the editor', () => {
  it('creates a public layer of markets; a drawn feature is in OGC API – Features and the tiles at once, and audited', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/gis/layers',
      headers: as(supervisor),
      payload: {
        code: 'markets',
        title: { ar: 'الأسواق', fr: 'Marchés' },
        geometryType: 'Polygon',
        attributes: [
          { name: 'name', type: 'string', title: { fr: 'Nom' }, required: true },
          { name: 'stalls', type: 'integer', title: { fr: 'Étals' }, required: false },
          { name: 'opened', type: 'date', title: { fr: 'Ouverture' }, required: false },
        ],
        isPublic: true,
        timeAttribute: 'opened',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    // The zoom-14 tile over the market (at zoom 0 a 200-m square is less than a pixel, which PostGIS drops).
    const n = 2 ** 14;
    const tileUrl = `/tiles/markets/14/${Math.floor(((here[0] + 180) / 360) * n)}/${Math.floor(((1 - Math.asinh(Math.tan((here[1] * Math.PI) / 180)) / Math.PI) / 2) * n)}.mvt`;
    const tileBefore = await inject({ url: tileUrl });
    expect(tileBefore.rawPayload.length).toBe(0);

    const drawn = await inject({
      method: 'POST',
      url: '/api/v1/gis/layers/markets/features',
      headers: as(technician),
      payload: {
        geometry: { type: 'Polygon', coordinates: square() },
        properties: { name: 'سوق الأحد', stalls: 120, opened: '2019-04-01' },
      },
    });
    expect(drawn.statusCode, drawn.body).toBe(201);
    const id = drawn.json().id;
    const items = (await inject({ url: '/ogc/collections/markets/items' })).json();
    expect(items.numberMatched).toBe(1);
    expect(items.features[0].properties).toEqual({ name: 'سوق الأحد', stalls: 120, opened: '2019-04-01' });
    const tileAfter = await inject({ url: tileUrl });
    expect(tileAfter.rawPayload.length).toBeGreaterThan(0);
    expect(tileAfter.headers.etag).not.toBe(tileBefore.headers.etag);

    const moved = await inject({
      method: 'PATCH',
      url: `/api/v1/gis/layers/markets/features/${id}`,
      headers: as(technician),
      payload: { properties: { name: 'Souk El Had', stalls: 130 } },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().properties).toEqual({ name: 'Souk El Had', stalls: 130 });
    const { rows } = await sql<{
      action: string;
    }>`SELECT action FROM platform.audit_event WHERE entity_type = 'layer:markets' ORDER BY id`.execute(t.database.db.kysely);
    expect(rows.map((r) => r.action)).toEqual(['gis.feature.create', 'gis.feature.update']);
    expect((await inject({ method: 'DELETE', url: `/api/v1/gis/layers/markets/features/${id}`, headers: as(technician) })).statusCode).toBe(
      204,
    );
    expect((await inject({ url: '/ogc/collections/markets/items' })).json().numberMatched).toBe(0);
  });

  it('lists private layers only for staff', async () => {
    await inject({
      method: 'POST',
      url: '/api/v1/gis/layers',
      headers: as(supervisor),
      payload: { code: 'parcels', title: { fr: 'Parcelles' }, geometryType: 'MultiPolygon', attributes: [], isPublic: false },
    });
    const anonymous = (await inject({ url: '/api/v1/gis/layers' })).json().items.map((l: { code: string }) => l.code);
    const staff = (await inject({ url: '/api/v1/gis/layers', headers: as(viewer) })).json().items.map((l: { code: string }) => l.code);
    expect(anonymous).not.toContain('parcels');
    expect(staff).toContain('parcels');
  });

  it('says which layers the combined base map draws already (the portal map does not draw them twice)', async () => {
    const items: { code: string; basemap: boolean }[] = (await inject({ url: '/api/v1/gis/layers' })).json().items;
    expect(items.find((l) => l.code === 'province_communes')?.basemap).toBe(true);
    expect(items.find((l) => l.code === 'markets')?.basemap).toBe(false);
  });
});

describe('bad drawings are refused and change nothing', () => {
  const draw = (payload: unknown, session = technician) =>
    inject({
      method: 'POST',
      url: '/api/v1/gis/layers/markets/features',
      headers: { ...as(session), 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const cases: [string, () => unknown, number][] = [
    ['a point on a polygon layer', () => ({ geometry: { type: 'Point', coordinates: here }, properties: { name: 'x' } }), 400],
    [
      'an unclosed ring',
      () => ({ geometry: { type: 'Polygon', coordinates: [square()[0]!.slice(0, 4)] }, properties: { name: 'x' } }),
      400,
    ],
    [
      'coordinates in the wrong order (latitude, longitude)',
      () => ({ geometry: { type: 'Polygon', coordinates: [square()[0]!.map(([x, y]) => [y, x])] }, properties: { name: 'x' } }),
      422,
    ],
    [
      'a latitude past 90',
      () => ({ geometry: { type: 'Polygon', coordinates: [square()[0]!.map(([x, y]) => [x, y! * 3])] }, properties: { name: 'x' } }),
      400,
    ],
    ['nested garbage', () => ({ geometry: { type: 'Polygon', coordinates: [[['a', 'b']]] }, properties: { name: 'x' } }), 400],
    ['a missing required attribute', () => ({ geometry: { type: 'Polygon', coordinates: square() }, properties: {} }), 400],
    [
      'an attribute of the wrong type',
      () => ({ geometry: { type: 'Polygon', coordinates: square() }, properties: { name: 'x', stalls: 'many' } }),
      400,
    ],
    [
      'an unknown attribute',
      () => ({ geometry: { type: 'Polygon', coordinates: square() }, properties: { name: 'x', colour: 'red' } }),
      400,
    ],
    ['an unknown geometry type', () => ({ geometry: { type: 'Circle', coordinates: here }, properties: { name: 'x' } }), 400],
  ];
  for (const [name, payload, status] of cases) {
    it(`refuses ${name}`, async () => {
      const before = await counts();
      const response = await draw(payload());
      expect(response.statusCode, response.body).toBe(status);
      expect(await counts()).toEqual(before);
    });
  }

  it('refuses NaN (not JSON) and a viewer or an anonymous caller', async () => {
    const before = await counts();
    const nan = await inject({
      method: 'POST',
      url: '/api/v1/gis/layers/markets/features',
      headers: { ...as(technician), 'content-type': 'application/json' },
      payload: '{"geometry":{"type":"Point","coordinates":[NaN,1]},"properties":{}}',
    });
    expect(nan.statusCode).toBe(400);
    expect((await draw({ geometry: { type: 'Polygon', coordinates: square() }, properties: { name: 'x' } }, viewer)).statusCode).toBe(403);
    expect(
      (
        await inject({
          method: 'POST',
          url: '/api/v1/gis/layers/markets/features',
          payload: { geometry: { type: 'Polygon', coordinates: square() }, properties: { name: 'x' } },
        })
      ).statusCode,
    ).toBe(401);
    const layer = await inject({
      method: 'POST',
      url: '/api/v1/gis/layers',
      headers: as(technician),
      payload: { code: 'x', title: { fr: 'x' }, geometryType: 'Point', attributes: [], isPublic: true },
    });
    expect(layer.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });
});
