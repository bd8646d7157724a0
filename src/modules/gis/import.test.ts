import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { multipart } from '../../../test/helpers/multipart.js';

let t: TestApp;
let supervisor: Session;
/** Real places: the label points of the province's communes, in WGS 84 and in Merchich / Nord Maroc. */
let places: { slug: string; lon: number; lat: number; x: number; y: number; inside: boolean }[];

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await loginAs(t, 'supervisor');
  const { rows } = await sql<{ slug: string; lon: number; lat: number; x: number; y: number; inside: boolean }>`
    SELECT a.slug, ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat,
           ST_X(ST_Transform(a.label_point, 26191)) AS x, ST_Y(ST_Transform(a.label_point, 26191)) AS y,
           ST_Covers(c.boundary, a.label_point) AS inside
      FROM platform.admin_area a, platform.commune c WHERE c.code = 'berkane' AND a.label_point IS NOT NULL ORDER BY a.slug`.execute(
    t.database.db.kysely,
  );
  places = rows;
  for (const [code, type] of [
    ['sites', 'Point'],
    ['zones', 'Polygon'],
  ]) {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/gis/layers',
      headers: as(supervisor),
      payload: {
        code,
        title: { fr: code },
        geometryType: type,
        attributes: [
          { name: 'name', type: 'string', title: { fr: 'Nom' }, required: true },
          { name: 'count', type: 'integer', title: { fr: 'Nombre' }, required: false },
        ],
        isPublic: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
});
afterAll(() => t.close());

const upload = (layer: string, data: Buffer | string, query = '', session = supervisor) => {
  const body = multipart([{ name: 'file', filename: 'data', type: 'application/octet-stream', data }]);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/gis/layers/${layer}/import${query}`,
    payload: body.payload,
    headers: { ...body.headers, ...as(session) },
  } as InjectOptions);
};
const features = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM gis.feature`.execute(t.database.db.kysely)).rows[0]!.n;

describe('importing into a layer', () => {
  it('reads GeoJSON in Merchich / Nord Maroc (EPSG:26191, named in the file) and stores it in WGS 84', async () => {
    const fc = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::26191' } },
      features: places.map((p) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [p.x, p.y] },
        properties: { name: p.slug, extra: 'x' },
      })),
    };
    const response = await upload('sites', JSON.stringify(fc));
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ imported: places.length, srid: 26191, ignored: ['extra'] });
    expect(result.outside.length).toBe(places.filter((p) => !p.inside).length);
    const berkane = places.find((p) => p.slug === 'berkane')!;
    const item = (await t.app.inject({ url: '/ogc/collections/sites/items?name=berkane' })).json().features[0];
    expect(item.geometry.coordinates[0]).toBeCloseTo(berkane.lon, 6);
    expect(item.geometry.coordinates[1]).toBeCloseTo(berkane.lat, 6);
  });

  it('reads CSV with longitude/latitude columns, and with a WKT column (repairing a self-crossing polygon)', async () => {
    const csv = `name,longitude,latitude,count\n"Souk, el Had",${places[0]!.lon},${places[0]!.lat},12\n`;
    const points = await upload('sites', csv);
    expect(points.statusCode, points.body).toBe(200);
    expect((await t.app.inject({ url: '/ogc/collections/sites/items?name=Souk, el Had' })).json().features[0].properties).toEqual({
      name: 'Souk, el Had',
      count: 12,
    });
    const { lon, lat } = places.find((p) => p.slug === 'berkane')!;
    const d = 0.001;
    // A bow tie: its edges cross. PostGIS repairs it into two triangles (a multipolygon).
    const bowtie = `POLYGON((${lon - d} ${lat - d}, ${lon + d} ${lat + d}, ${lon + d} ${lat - d}, ${lon - d} ${lat + d}, ${lon - d} ${lat - d}))`;
    const zones = await upload('zones', `name;wkt\nZone A;"${bowtie}"\n`.replace(/;/g, ','));
    expect(zones.statusCode, zones.body).toBe(200);
    expect(zones.json()).toMatchObject({ imported: 1, repaired: [2] });
  });
});

describe('exporting a layer', () => {
  it('gives back what was imported, as GeoJSON and as CSV (which imports again)', async () => {
    const geojson = await t.app.inject({ url: '/api/v1/gis/layers/sites/export?format=geojson' });
    expect(geojson.statusCode).toBe(200);
    expect(geojson.headers['content-disposition']).toBe('attachment; filename="sites.geojson"');
    const fc = geojson.json();
    expect(fc.features.length).toBe(places.length + 1);
    const csv = await t.app.inject({ url: '/api/v1/gis/layers/sites/export?format=csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('"Souk, el Had",12,POINT(');
    const again = await upload('sites', csv.body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ imported: places.length + 1, ignored: ['id'] });
    expect((await t.app.inject({ url: '/api/v1/gis/layers/sites/export?format=xml' })).statusCode).toBe(400);
  });
});

describe('bad files are refused, naming the rows, and nothing is imported', () => {
  const cases: [string, () => Buffer | string, number, string?][] = [
    ['a zip that is not a readable archive', () => Buffer.from('PK\x03\x04rest-of-zip', 'latin1'), 415],
    ['CSV with broken quoting', () => 'name,lon,lat\n"open,1,2\nb,3,4\n', 400],
    [
      'GeoJSON with NaN',
      () =>
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,1]},"properties":{}}]}',
      400,
      '/file',
    ],
    ['GeoJSON that is not a FeatureCollection', () => '{"type":"Point","coordinates":[1,2]}', 400, '/file'],
    [
      'one bad row among good ones',
      () => `name,lon,lat\na,${places[0]!.lon},${places[0]!.lat}\nb,200,95\n`,
      400,
      '/rows/3/geometry/coordinates',
    ],
    ['a missing required attribute', () => `name,lon,lat\n,${places[0]!.lon},${places[0]!.lat}\n`, 400, '/rows/2/properties/name'],
    ['CSV without coordinates', () => 'name,address\na,b\n', 400, '/file'],
    ['an unreadable WKT', () => 'name,wkt\na,POINT(1 2\n', 400, '/rows/2/geometry'],
  ];
  for (const [name, data, status, pointer] of cases) {
    it(`refuses ${name}`, async () => {
      const before = await features();
      const response = await upload('sites', data());
      expect(response.statusCode, response.body).toBe(status);
      if (pointer) expect(response.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      expect(await features()).toBe(before);
    });
  }

  it('refuses an unknown coordinate system, a file past the size limit, and callers who may not edit', async () => {
    const before = await features();
    expect((await upload('sites', `name,lon,lat\na,1,2\n`, '?crs=2154')).statusCode).toBe(400);
    const huge = Buffer.alloc(51 * 1024 * 1024, 32);
    expect((await upload('sites', huge)).statusCode).toBe(413);
    const viewer = await loginAs(t, 'viewer');
    expect((await upload('sites', `name,lon,lat\na,${places[0]!.lon},${places[0]!.lat}\n`, '', viewer)).statusCode).toBe(403);
    expect(await features()).toBe(before);
  });
});
