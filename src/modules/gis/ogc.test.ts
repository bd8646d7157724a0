import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { withCommune } from '../../platform/db/tenant.js';
import { insertFeature, insertLayer } from './gis.repository.js';

let t: TestApp;
let viewer: Session;
beforeAll(async () => {
  t = await createTestApp();
  viewer = await loginAs(t, 'viewer');
  const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(t.database.db.kysely);
  const communeId = rows[0]!.id;
  // A private layer, with a time attribute and a hostile title, made of the communes' label points.
  await withCommune(t.database.db, communeId, async (trx) => {
    const layer = await insertLayer(trx, communeId, {
      code: 'inspections',
      title: { fr: '<script>alert(1)</script> Inspections' },
      description: null,
      geometryType: 'Point',
      attributes: [
        { name: 'visited', type: 'datetime', title: { fr: 'Visite' }, required: true },
        { name: 'result', type: 'string', title: { fr: 'Résultat' }, required: false },
      ],
      style: {},
      isPublic: false,
      timeAttribute: 'visited',
    });
    const { rows: points } = await sql<{ geometry: string; code: string }>`
      SELECT ST_AsGeoJSON(label_point) AS geometry, official_code AS code FROM platform.admin_area WHERE label_point IS NOT NULL ORDER BY official_code LIMIT 4`.execute(
      trx,
    );
    for (const [i, p] of points.entries()) {
      await insertFeature(trx, communeId, layer.id, JSON.parse(p.geometry), {
        visited: `2026-0${i + 1}-15T10:00:00Z`,
        result: i % 2 ? 'ok' : 'ko',
      });
    }
  });
});
afterAll(() => t.close());

const get = (url: string, options: Partial<InjectOptions> = {}) => t.app.inject({ url, ...options });
const json = async (url: string, options: Partial<InjectOptions> = {}) => {
  const response = await get(url, options);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
type Link = { rel: string; type: string; href: string };
type Feature = { id: number; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> };
const firstPosition = (f: Feature): [number, number] => {
  let c: unknown = f.geometry.coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return c as [number, number];
};

describe('OGC API – Features, Part 1 (the checks of the executable test suite that apply)', () => {
  it('landing page: links to itself, the API definition (OpenAPI 3.0), conformance and data, with the types QGIS needs', async () => {
    const landing = await json('/ogc');
    const rel = (r: string) => landing.links.find((l: Link) => l.rel === r);
    expect(rel('service-desc').type).toBe('application/vnd.oai.openapi+json;version=3.0');
    expect(rel('data').type).toBe('application/json');
    expect(rel('conformance')).toBeTruthy();
    expect(rel('self')).toBeTruthy();
    const api = await get(new URL(rel('service-desc').href).pathname);
    expect(api.headers['content-type']).toMatch(/^application\/vnd\.oai\.openapi\+json; ?version=3\.0/);
    expect(api.json().openapi).toMatch(/^3\.0\./);
    expect(Object.keys(api.json().paths)).toEqual(
      expect.arrayContaining(['/', '/conformance', '/collections', '/collections/province_communes/items']),
    );
  });

  it('conformance declares core, GeoJSON, HTML, OpenAPI 3.0 and CRS by reference', async () => {
    const { conformsTo } = await json('/ogc/conformance');
    expect(conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
        'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
      ]),
    );
  });

  it('collections: the public layers with id, items link, extent in CRS84 and the CRS list; private ones only for staff', async () => {
    const { collections } = await json('/ogc/collections');
    expect(collections.map((c: { id: string }) => c.id)).toEqual(['province_communes']);
    const c = collections[0];
    expect(c.links.some((l: Link) => l.rel === 'items' && l.type === 'application/geo+json')).toBe(true);
    const [w, s, e, n] = c.extent.spatial.bbox[0];
    // Berkane province lies around 2.3° W, 34.9° N.
    expect(w).toBeLessThan(-2.3);
    expect(e).toBeGreaterThan(-2.3);
    expect(s).toBeLessThan(34.9);
    expect(n).toBeGreaterThan(34.9);
    expect(c.crs).toEqual(
      expect.arrayContaining(['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'http://www.opengis.net/def/crs/EPSG/0/26191']),
    );
    const staff = await json('/ogc/collections', { headers: as(viewer) });
    expect(staff.collections.map((x: { id: string }) => x.id)).toEqual(['inspections', 'province_communes']);
  });

  it('items: numberMatched is the true total, pages follow next links to the end, limit past the maximum is clamped', async () => {
    const first = await json('/ogc/collections/province_communes/items?limit=5');
    expect(first.type).toBe('FeatureCollection');
    expect(first.numberMatched).toBe(16);
    expect(first.numberReturned).toBe(5);
    const ids = first.features.map((f: Feature) => f.id);
    let next = first.links.find((l: Link) => l.rel === 'next');
    while (next) {
      const url = new URL(next.href);
      const page = await json(`${url.pathname}${url.search}`);
      expect(page.numberMatched).toBe(16);
      ids.push(...page.features.map((f: Feature) => f.id));
      next = page.links.find((l: Link) => l.rel === 'next');
    }
    expect(new Set(ids).size).toBe(16);
    const clamped = await json('/ogc/collections/province_communes/items?limit=999999');
    expect(clamped.numberReturned).toBe(16);
    const byDefault = await json('/ogc/collections/province_communes/items');
    expect(byDefault.numberReturned).toBe(10);
    const item = byDefault.features[0];
    expect(Object.keys(item.properties).sort()).toEqual([
      'kind',
      'name_ar',
      'name_fr',
      'official_code',
      'population_2014',
      'population_2024',
    ]);
    const one = await json(`/ogc/collections/province_communes/items/${item.id}`);
    expect(one.properties).toEqual(item.properties);
    expect((await get('/ogc/collections/province_communes/items/999999999')).statusCode).toBe(404);
  });

  it('filters by bbox and by attribute value, and the totals follow', async () => {
    const berkane = await json('/ogc/collections/province_communes/items?name_fr=Berkane');
    expect(berkane.numberMatched).toBe(1);
    const [lon, lat] = firstPosition(berkane.features[0]);
    const around = await json(
      `/ogc/collections/province_communes/items?bbox=${lon - 0.001},${lat - 0.001},${lon + 0.001},${lat + 0.001}&limit=100`,
    );
    expect(around.features.map((f: Feature) => f.properties.name_fr)).toContain('Berkane');
    expect(around.numberMatched).toBeLessThan(16);
  });

  it('filters by datetime on layers that have time', async () => {
    const spring = await json('/ogc/collections/inspections/items?datetime=2026-02-01T00:00:00Z/2026-03-31T00:00:00Z', {
      headers: as(viewer),
    });
    expect(spring.features.map((f: Feature) => f.properties.visited).sort()).toEqual(['2026-02-15T10:00:00Z', '2026-03-15T10:00:00Z']);
    const open = await json('/ogc/collections/inspections/items?datetime=../2026-01-31T00:00:00Z', { headers: as(viewer) });
    expect(open.numberMatched).toBe(1);
  });
});

describe('OGC API – Features, Part 2: coordinate reference systems', () => {
  it('answers in EPSG:4326 with latitude first, CRS84 with longitude first, and says so in Content-Crs', async () => {
    const crs84 = await get('/ogc/collections/province_communes/items?name_fr=Berkane');
    expect(crs84.headers['content-crs']).toBe('<http://www.opengis.net/def/crs/OGC/1.3/CRS84>');
    const epsg4326 = await get('/ogc/collections/province_communes/items?name_fr=Berkane&crs=http://www.opengis.net/def/crs/EPSG/0/4326');
    expect(epsg4326.headers['content-crs']).toBe('<http://www.opengis.net/def/crs/EPSG/0/4326>');
    const [lon, lat] = firstPosition(crs84.json().features[0]);
    const [a, b] = firstPosition(epsg4326.json().features[0]);
    expect([a, b]).toEqual([lat, lon]);
  });

  it('reprojects to Merchich / Nord Maroc (EPSG:26191) and takes a bbox in it', async () => {
    const merchich = await json('/ogc/collections/province_communes/items?name_fr=Berkane&crs=http://www.opengis.net/def/crs/EPSG/0/26191');
    const [x, y] = firstPosition(merchich.features[0]);
    // Lambert Nord Maroc: eastings and northings of several hundred kilometres around Berkane.
    expect(x).toBeGreaterThan(700_000);
    expect(x).toBeLessThan(900_000);
    expect(y).toBeGreaterThan(400_000);
    expect(y).toBeLessThan(600_000);
    const box = `${x - 100},${y - 100},${x + 100},${y + 100}`;
    const found = await json(`/ogc/collections/province_communes/items?bbox=${box}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/26191`);
    expect(found.features.map((f: Feature) => f.properties.name_fr)).toContain('Berkane');
  });
});

describe('bad requests get a clear 400 and private layers need a token', () => {
  const cases: [string, string][] = [
    ['bbox with three numbers', 'bbox=1,2,3'],
    ['bbox with min > max', 'bbox=-2,35,-3,34'],
    ['bbox that is not numbers', 'bbox=a,b,c,d'],
    ['a latitude past 90', 'bbox=-2,34,-1,95'],
    ['an unknown parameter', 'colour=red'],
    ['a negative limit', 'limit=-1'],
    ['a zero limit', 'limit=0'],
    ['an unknown crs', 'crs=http://www.opengis.net/def/crs/EPSG/0/2154'],
    ['an unknown bbox-crs', 'bbox=1,2,3,4&bbox-crs=EPSG:4326'],
    ['datetime on a layer without time', 'datetime=2026-01-01T00:00:00Z'],
    ['an unknown format', 'f=xml'],
  ];
  for (const [name, query] of cases) {
    it(`refuses ${name}`, async () => {
      const response = await get(`/ogc/collections/province_communes/items?${query}`);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    });
  }

  it('refuses a malformed datetime and an interval that ends before it starts', async () => {
    for (const d of ['yesterday', '2026-02-01T00:00:00Z/2026-01-01T00:00:00Z', '2026-13-45']) {
      expect((await get(`/ogc/collections/inspections/items?datetime=${d}`, { headers: as(viewer) })).statusCode).toBe(400);
    }
  });

  it('hides a private layer from anonymous callers (401) and shows it to staff', async () => {
    expect((await get('/ogc/collections/inspections/items')).statusCode).toBe(401);
    expect((await get('/ogc/collections/inspections')).statusCode).toBe(401);
    expect((await get('/ogc/collections/nothing_here/items')).statusCode).toBe(404);
    expect((await json('/ogc/collections/inspections/items', { headers: as(viewer) })).numberMatched).toBe(4);
  });
});

describe('HTML for people', () => {
  it('serves every resource as HTML, escaping what staff wrote', async () => {
    for (const path of ['/ogc', '/ogc/collections', '/ogc/collections/province_communes', '/ogc/collections/province_communes/items']) {
      const html = await get(`${path}?f=html`);
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toContain('text/html');
    }
    const browser = await get('/ogc/collections/inspections/items', {
      headers: { ...as(viewer), accept: 'text/html,application/xhtml+xml' },
    });
    expect(browser.headers['content-type']).toContain('text/html');
    expect(browser.body).not.toContain('<script>alert(1)</script>');
    expect(browser.body).toContain('&#60;script&#62;');
  });
});
