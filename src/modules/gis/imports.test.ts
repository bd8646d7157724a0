// Staged background imports (POST …/imports, GET /imports/{id}, cancel) of GeoJSON, CSV, zipped
// Shapefile and GeoPackage, and the GeoPackage / Shapefile exports, read back by GDAL where it is
// installed. Every refusal checks that nothing was stored: no feature, no staging row, no file.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { multipart, type Part } from '../../../test/helpers/multipart.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';
import { shapefileParts, zipFiles } from './formats/shapefile-write.js';
import type { LayerAttribute } from './gis.repository.js';

const run = promisify(execFile);
const HAVE_GDAL = fs.existsSync('/usr/bin/ogrinfo') && fs.existsSync('/usr/bin/ogr2ogr');

let t: TestApp;
let supervisor: Session;
/** Real places: the label points of the province's communes, in WGS 84 and in Merchich / Nord Maroc (PostGIS). */
let places: { slug: string; nameAr: string; lon: number; lat: number; x: number; y: number }[];
const prj: Record<number, string> = {};
const ATTRIBUTES: LayerAttribute[] = [
  { name: 'name', type: 'string', title: { fr: 'Nom' }, required: true },
  { name: 'count', type: 'integer', title: { fr: 'Nombre' }, required: false },
  { name: 'name_ar', type: 'string', title: { fr: 'Nom arabe' }, required: false },
];

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await loginAs(t, 'supervisor');
  const db = t.database.db.kysely;
  places = (
    await sql<{ slug: string; nameAr: string; lon: number; lat: number; x: number; y: number }>`
      SELECT a.slug, a.name->>'ar' AS name_ar, ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat,
             ST_X(ST_Transform(a.label_point, 26191)) AS x, ST_Y(ST_Transform(a.label_point, 26191)) AS y
        FROM platform.admin_area a WHERE a.label_point IS NOT NULL ORDER BY a.slug`.execute(db)
  ).rows;
  for (const { srid, srtext } of (
    await sql<{ srid: number; srtext: string }>`SELECT srid, srtext FROM spatial_ref_sys WHERE srid IN (26191, 2154)`.execute(db)
  ).rows)
    prj[srid] = srtext;
  for (const code of ['sites', 'shapes', 'packages', 'progress']) {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/gis/layers',
      headers: as(supervisor),
      payload: { code, title: { fr: code }, geometryType: 'Point', attributes: ATTRIBUTES, isPublic: true },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
}, 120_000);
afterAll(() => t.close());

const post = (
  layer: string,
  data: Buffer | string,
  o: { query?: string; session?: Session | null; fields?: Part[]; lang?: string } = {},
) => {
  const body = multipart([...(o.fields ?? []), { name: 'file', filename: 'upload.bin', data }]);
  const session = o.session === undefined ? supervisor : o.session;
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/gis/layers/${layer}/imports${o.query ?? ''}`,
    payload: body.payload,
    headers: { ...body.headers, ...(session ? as(session) : {}), 'accept-language': o.lang ?? 'en' },
  } as InjectOptions);
};
/** Lets the worker's file reads complete between two polls (inject and PGlite never leave the microtask queue). */
const turn = () => new Promise((resolve) => setImmediate(resolve));
const job = async (id: string, lang = 'en') => {
  await turn();
  const response = await t.app.inject({ url: `/api/v1/gis/imports/${id}`, headers: { ...as(supervisor), 'accept-language': lang } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
/** Uploads, runs the queue, and gives the finished job. */
const imported = async (layer: string, data: Buffer | string, o: Parameters<typeof post>[2] = {}) => {
  const response = await post(layer, data, o);
  expect(response.statusCode, response.body).toBe(202);
  await t.platform.jobs.drain();
  return job(response.json().id, o.lang);
};
const stored = async () => {
  const db = t.database.db.kysely;
  const n = async (table: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n;
  const uploads = path.join(t.config.dataDir, 'files', 'gis-imports');
  const files = fs.existsSync(uploads)
    ? fs.readdirSync(uploads, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
    : 0;
  return { features: await n('gis.feature'), staged: await n('gis.import_row'), files };
};
const geojson = (coordinates: number[][], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'FeatureCollection',
    ...extra,
    features: coordinates.map((c, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: c },
      properties: { name: `p${i + 1}` },
    })),
  });
/** A zipped shapefile of the places, in `srid` (4326 or 26191), with the parts chosen. */
const shapefile = (srid: 4326 | 26191, parts = ['shp', 'shx', 'dbf', 'prj', 'cpg'], prjText = prj[26191]) => {
  const features = places.map((p, i) => ({
    geometry: { type: 'Point', coordinates: srid === 26191 ? [p.x, p.y] : [p.lon, p.lat] },
    properties: { name: p.slug, count: i, name_ar: p.nameAr },
  }));
  const files = shapefileParts('Point', ATTRIBUTES, features, srid === 26191 ? prjText : undefined);
  return zipFiles(files.filter(([ext]) => parts.includes(ext)).map(([ext, data]) => [`communes/places.${ext}`, data]));
};
/** Demo points inside the commune's real boundary, reproducible (seeded). */
const demoPoints = async (n: number) =>
  (
    await sql<{ lon: number; lat: number }>`
      SELECT ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat FROM platform.commune c, ST_Dump(ST_GeneratePoints(c.boundary, ${n}::int, 7)) d
       WHERE c.code = 'berkane'`.execute(t.database.db.kysely)
  ).rows.map((p) => [p.lon, p.lat]);

describe('importing in the background', () => {
  it('imports a Lambert Nord Maroc (EPSG:26191) shapefile at the right places, names in Arabic intact', async () => {
    const done = await imported('shapes', await shapefile(26191));
    expect(done).toMatchObject({
      status: 'succeeded',
      format: 'shapefile',
      srid: 26191,
      percent: 100,
      rowsDone: places.length,
      rowsTotal: places.length,
    });
    expect(done.result).toMatchObject({ imported: places.length, ignored: [] });
    const { rows } = await sql<{ name: string; nameAr: string; metres: number }>`
      SELECT f.properties->>'name' AS name, f.properties->>'name_ar' AS name_ar,
             ST_Distance(f.geom::geography, ST_SetSRID(ST_MakePoint(a.lon, a.lat), 4326)::geography) AS metres
        FROM gis.feature f JOIN gis.layer l ON l.id = f.layer_id
        JOIN (SELECT slug, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM platform.admin_area) a ON a.slug = f.properties->>'name'
       WHERE l.code = 'shapes'`.execute(t.database.db.kysely);
    expect(rows.length).toBe(places.length);
    for (const r of rows) {
      expect(r.metres).toBeLessThan(1);
      expect(r.nameAr).toBe(places.find((p) => p.slug === r.name)!.nameAr);
    }
    const list = await t.app.inject({ url: '/api/v1/gis/layers/shapes/imports', headers: as(supervisor) });
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([done.id]);
  });

  it('refuses a .prj it does not know, unless the caller chose the system', async () => {
    const before = await stored();
    const unknown = await imported('shapes', await shapefile(26191, undefined, prj[2154]));
    expect(unknown).toMatchObject({ status: 'failed', errors: [{ pointer: '/file', key: 'problem.gis.import.crs' }] });
    expect(await stored()).toEqual(before);
    const chosen = await imported('shapes', await shapefile(26191, undefined, prj[2154]), { query: '?crs=26191' });
    expect(chosen).toMatchObject({ status: 'succeeded', srid: 26191, result: { imported: places.length } });
  });

  it.skipIf(!HAVE_GDAL)('imports a GeoPackage written by ogr2ogr, choosing its table when it has several', async () => {
    const dir = fs.mkdtempSync(path.join(t.config.dataDir, 'gpkg-'));
    const source = path.join(dir, 'places.geojson');
    fs.writeFileSync(source, JSON.stringify({ type: 'FeatureCollection', features: JSON.parse(geojsonOfPlaces()).features }));
    const gpkg = path.join(dir, 'places.gpkg');
    await run('ogr2ogr', ['-f', 'GPKG', gpkg, source, '-nln', 'communes']);
    const one = await imported('packages', fs.readFileSync(gpkg));
    expect(one).toMatchObject({ status: 'succeeded', format: 'geopackage', srid: 4326, result: { imported: places.length } });
    const berkane = (await t.app.inject({ url: '/ogc/collections/packages/items?name=berkane' })).json().features[0];
    const p = places.find((x) => x.slug === 'berkane')!;
    expect(berkane.geometry.coordinates[0]).toBeCloseTo(p.lon, 6);
    expect(berkane.geometry.coordinates[1]).toBeCloseTo(p.lat, 6);
    await run('ogr2ogr', ['-update', '-f', 'GPKG', gpkg, source, '-nln', 'copy']);
    const before = await stored();
    const unclear = await imported('packages', fs.readFileSync(gpkg));
    expect(unclear).toMatchObject({ status: 'failed', errors: [{ key: 'problem.gis.import.gpkg_layer' }] });
    expect(unclear.errors[0].message).toContain('communes, copy');
    expect(await stored()).toEqual(before);
    const chosen = await imported('packages', fs.readFileSync(gpkg), { fields: [{ name: 'layer', data: 'copy' }] });
    expect(chosen).toMatchObject({ status: 'succeeded', result: { imported: places.length } });
  });

  it('shows progress from 0 to 100 through intermediate values for a file of several batches', async () => {
    const response = await post('progress', geojson(await demoPoints(1600)));
    expect(response.json()).toMatchObject({ status: 'queued', rowsDone: 0, percent: null, result: null, errors: [] });
    const draining = t.platform.jobs.drain();
    const seen: number[] = [];
    for (;;) {
      const state = await job(response.json().id);
      if (state.percent !== null) seen.push(state.percent);
      if (['succeeded', 'failed', 'cancelled'].includes(state.status)) break;
    }
    await draining;
    expect(seen.at(-1)).toBe(100);
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('cancels mid-way, leaving nothing; a finished job cannot be cancelled', async () => {
    const before = await stored();
    const response = await post('progress', geojson(await demoPoints(2500)));
    const id = response.json().id;
    const draining = t.platform.jobs.drain();
    let state = await job(id);
    while (state.rowsDone === 0 && !['succeeded', 'failed', 'cancelled'].includes(state.status)) state = await job(id);
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/gis/imports/${id}/cancel`, headers: as(supervisor) });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(['running', 'cancelled']).toContain(cancel.json().status);
    await draining;
    expect(await job(id)).toMatchObject({ status: 'cancelled', result: null });
    expect(await stored()).toEqual(before);
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/gis/imports/${id}/cancel`, headers: as(supervisor) });
    expect(again.statusCode).toBe(409);
  });

  it('cancels a queued job at once; cancelling twice is a conflict', async () => {
    const before = await stored();
    const response = await post('sites', geojson([[places[0]!.lon, places[0]!.lat]]));
    const url = `/api/v1/gis/imports/${response.json().id}/cancel`;
    const first = await t.app.inject({ method: 'POST', url, headers: as(supervisor) });
    expect(first.json()).toMatchObject({ status: 'cancelled' });
    expect(first.json().finishedAt).not.toBeNull();
    expect((await t.app.inject({ method: 'POST', url, headers: as(supervisor) })).statusCode).toBe(409);
    await t.platform.jobs.drain();
    expect(await job(response.json().id)).toMatchObject({ status: 'cancelled' });
    expect(await stored()).toEqual(before);
  });
});

function geojsonOfPlaces() {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: places.map((p, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: { name: p.slug, count: i, name_ar: p.nameAr },
    })),
  });
}

describe('bad files fail with a clear error, and nothing is stored', () => {
  const zipWith = (files: [string, string | Buffer][]) => zipFiles(files.map(([n, d]) => [n, Buffer.from(d)]));
  /** Sets the declared uncompressed size of every entry in the zip's central directory. */
  const declare = (zip: Buffer, size: number) => {
    for (let at = zip.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = zip.indexOf('PK\x01\x02', at + 4, 'latin1'))
      zip.writeUInt32LE(size, at + 24);
    return zip;
  };
  const emptySqlite = async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE notes (x TEXT)');
    return Buffer.from(db.export());
  };
  const cases: [string, () => Promise<Buffer | string> | Buffer | string, string, string][] = [
    ['a zip that is not a shapefile', () => zipWith([['readme.txt', 'hello']]), '/file', 'problem.gis.import.not_shapefile'],
    ['a shapefile missing its .shx', () => shapefile(4326, ['shp', 'dbf', 'prj']), '/file', 'problem.gis.import.shapefile_part'],
    ['a shapefile missing its .dbf', () => shapefile(4326, ['shp', 'shx', 'prj']), '/file', 'problem.gis.import.shapefile_part'],
    [
      'a zip declaring a huge size',
      async () => declare(await zipWith([['a.shp', Buffer.alloc(100_000)]]), 0xfff00000),
      '/file',
      'problem.gis.import.zip_bomb',
    ],
    [
      'a zip inflating past what it declares',
      async () =>
        declare(
          await zipWith([
            ['a.shp', Buffer.alloc(1_000_000)],
            ['a.shx', 'x'],
            ['a.dbf', 'x'],
          ]),
          100,
        ),
      '/file',
      'problem.gis.import.zip_bomb',
    ],
    ['coordinates out of range', () => geojson([[200, 95]]), '/rows/1/geometry/coordinates', 'problem.gis.coordinates'],
    [
      'latitude and longitude swapped',
      () => geojson([[places[0]!.lat, places[0]!.lon]]),
      '/rows/1/geometry',
      'problem.gis.far_from_commune.detail',
    ],
    [
      'GeoJSON with NaN',
      () => '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,1]}}]}',
      '/file',
      'problem.gis.import.not_json',
    ],
    [
      'GeoJSON with nested garbage',
      () =>
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[[[[[1]]]],{"a":[]}]},"properties":{"name":{"x":[1]}}}]}',
      '/rows/1/geometry/coordinates',
      'problem.gis.coordinates',
    ],
    // The quote opened on line 2 is still open when the file ends, on line 3.
    ['CSV with broken quoting', () => 'name,lon,lat\n"open,1,2\nb,3,4\n', '/rows/3', 'problem.gis.import.csv'],
    [
      'a GeoPackage that is not SQLite',
      () => Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(2000, 7)]),
      '/file',
      'problem.gis.import.gpkg',
    ],
    ['a GeoPackage without a feature table', emptySqlite, '/file', 'problem.gis.import.gpkg_no_features'],
  ];
  for (const [name, data, pointer, key] of cases) {
    it(`fails ${name}`, async () => {
      const before = await stored();
      const done = await imported('sites', await data(), { lang: 'fr' });
      expect(done.status, JSON.stringify(done)).toBe('failed');
      expect(done.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      expect(done.errors.map((e: { key: string }) => e.key)).toContain(key);
      // Messages are in the caller's language.
      expect(done.errors[0].message).not.toBe(done.errors[0].key);
      expect(await stored()).toEqual(before);
    });
  }

  it('names the missing part of a shapefile', async () => {
    const done = await imported('sites', await shapefile(4326, ['shp', 'shx']), { lang: 'en' });
    expect(done.errors[0].message).toBe('The Shapefile lacks its .dbf file');
  });

  it('refuses a file past the size limit while it streams (413), and a file of no known format (415)', async () => {
    const before = await stored();
    const head = Buffer.from(`--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    const body = Readable.from(
      (function* () {
        yield head;
        for (let i = 0; i < 52; i++) yield chunk;
        yield Buffer.from('\r\n--b--\r\n');
      })(),
    );
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/gis/layers/sites/imports',
      payload: body,
      headers: { 'content-type': 'multipart/form-data; boundary=b', ...as(supervisor) },
    } as InjectOptions);
    expect(big.statusCode, big.body).toBe(413);
    expect((await post('sites', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]))).statusCode).toBe(415);
    expect(await stored()).toEqual(before);
  });

  it('refuses callers without a session or who may not edit, and hides other communes’ jobs', async () => {
    const before = await stored();
    const data = geojson([[places[0]!.lon, places[0]!.lat]]);
    expect((await post('sites', data, { session: null })).statusCode).toBe(401);
    expect((await post('sites', data, { session: await loginAs(t, 'viewer') })).statusCode).toBe(403);
    const db = t.database.db;
    const saidia = await createCommuneFromArea(db, 'saidia', { hosts: [] }, { type: 'cli', id: null, label: 'test' });
    const { rows } = await sql<{ id: string }>`
      WITH l AS (INSERT INTO gis.layer (commune_id, code, title, geometry_type) VALUES (${saidia}, 'sites', '{"fr":"s"}', 'Point') RETURNING id)
      INSERT INTO gis.import_job (commune_id, layer_id, file_name, file_key, format, actor)
      SELECT ${saidia}, l.id, 'x.csv', 'gis-imports/x/y.upload', 'csv', '{}' FROM l RETURNING id::text AS id`.execute(db.kysely);
    const foreign = rows[0]!.id;
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/gis/imports/${foreign}/cancel`, headers: as(supervisor) })).statusCode).toBe(
      404,
    );
    expect((await t.app.inject({ url: `/api/v1/gis/imports/${foreign}`, headers: as(supervisor) })).statusCode).toBe(404);
    expect(await stored()).toEqual(before);
  });
});

describe.skipIf(!HAVE_GDAL)('exports read by GDAL', () => {
  const save = async (format: string, name: string) => {
    const response = await t.app.inject({ url: `/api/v1/gis/layers/shapes/export?format=${format}` });
    expect(response.statusCode, response.body).toBe(200);
    const file = path.join(t.config.dataDir, name);
    fs.writeFileSync(file, response.rawPayload);
    return file;
  };
  const count = async () =>
    (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM gis.feature f JOIN gis.layer l ON l.id = f.layer_id WHERE l.code = 'shapes'`.execute(
        t.database.db.kysely,
      )
    ).rows[0]!.n;

  it('GeoPackage: every feature and attribute, in WGS 84', async () => {
    const file = await save('gpkg', 'shapes.gpkg');
    const summary = (await run('ogrinfo', ['-ro', '-al', '-so', file])).stdout;
    expect(summary).toContain(`Feature Count: ${await count()}`);
    expect(summary).toMatch(/Geometry: Point/);
    expect(summary).toMatch(/ID\["EPSG",4326\]|AUTHORITY\["EPSG","4326"\]/);
    for (const field of ['name: String', 'count: Integer', 'name_ar: String']) expect(summary).toContain(field);
    const berkane = (await run('ogrinfo', ['-ro', '-al', '-q', file, '-where', "name = 'berkane'"])).stdout;
    expect(berkane).toContain(`name_ar (String) = ${places.find((p) => p.slug === 'berkane')!.nameAr}`);
  });

  it('Shapefile (zip): every feature and attribute, UTF-8, in WGS 84', async () => {
    const file = await save('shapefile', 'shapes.zip');
    const summary = (await run('ogrinfo', ['-ro', '-al', '-so', `/vsizip/${file}`])).stdout;
    expect(summary).toContain(`Feature Count: ${await count()}`);
    expect(summary).toMatch(/Geometry: Point/);
    expect(summary).toMatch(/WGS[ _]84/);
    for (const field of ['name: String', 'count: Integer', 'name_ar: String']) expect(summary).toContain(field);
    const berkane = (await run('ogrinfo', ['-ro', '-al', '-q', `/vsizip/${file}`, '-where', "name = 'berkane'"])).stdout;
    expect(berkane).toContain(`name_ar (String) = ${places.find((p) => p.slug === 'berkane')!.nameAr}`);
    const p = places.find((x) => x.slug === 'berkane')!;
    expect(berkane).toContain(`POINT (${p.lon.toFixed(0)}`.slice(0, 8));
  });
});
