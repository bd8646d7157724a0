import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../../test/helpers/app.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import { translator } from '../../../platform/i18n/index.js';
import { OSM_DEFAULT_POWER_W } from '../../lighting/osm.js';
import { OSM_BYTES_MAX } from './osm.routes.js';
import { berkanePoints, hasOsmium, headerBlock, OsmXml, osmiumToPbf, pbfBlock, rawBlob, zlibBlob } from './osm-fixtures.js';

let t: TestApp;
let supervisor: Session;
let dir: string;
const files = { xml: '', pbf: '' };
const ids = { lampWithRef: 0, lampBare: 0, building: 0, way: 0, marketStreet: 0 };
const osmium = hasOsmium();

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await loginAs(t, 'supervisor');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-osm-'));
  const { inside: p, outside } = await berkanePoints(t.database.db, 12);
  // Each street runs from a computed point towards another (the 400 m margin keeps them inside).
  const toward = (a: [number, number], b: [number, number], f: number): [number, number] => [
    a[0] + (b[0] - a[0]) * f,
    a[1] + (b[1] - a[1]) * f,
  ];
  const osm = new OsmXml();
  const boulevard = [0, 0.02, 0.04].map((f) => osm.node(toward(p[0]!, p[1]!, f)));
  osm.way(boulevard, {
    highway: 'primary',
    name: 'شارع محمد الخامس',
    'name:ar': 'شارع محمد الخامس',
    'name:fr': 'Boulevard Mohammed V',
    oneway: 'yes',
  });
  const market = [0, 0.03].map((f) => osm.node(toward(p[2]!, p[3]!, f)));
  ids.marketStreet = osm.way(market, { highway: 'residential', 'name:ar': 'زنقة المسيرة الخضراء', 'name:fr': 'Rue de la Marche Verte' });
  // A building as a multipolygon: its outer ring split over two ways, with a courtyard.
  const [cx, cy] = p[4]!;
  const d = 0.0004;
  const corner = (x: number, y: number) => osm.node([cx + x * d, cy + y * d]);
  const [a, b, c, e] = [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)];
  const outer1 = osm.way([a, b, c]);
  const outer2 = osm.way([c, e, a]);
  const [h1, h2, h3, h4] = [corner(-0.3, -0.3), corner(0.3, -0.3), corner(0.3, 0.3), corner(-0.3, 0.3)];
  const inner = osm.way([h1, h2, h3, h4, h1]);
  ids.building = osm.relation(
    [
      { type: 'way', ref: outer1, role: 'outer' },
      { type: 'way', ref: outer2, role: 'outer' },
      { type: 'way', ref: inner, role: 'inner' },
    ],
    { type: 'multipolygon', building: 'yes', 'building:levels': '2', name: 'Marché couvert' },
  );
  osm.node(p[5]!, { amenity: 'school', name: 'مدرسة ابن خلدون', 'name:ar': 'مدرسة ابن خلدون', 'name:fr': 'École Ibn Khaldoun' });
  ids.lampWithRef = osm.node(p[6]!, { highway: 'street_lamp', ref: 'EP-101', 'light:method': 'LED', 'light:power': '60 W' });
  ids.lampBare = osm.node(p[7]!, { highway: 'street_lamp' });
  osm.node(p[8]!, { highway: 'bus_stop', public_transport: 'platform', name: 'Place du 3 Mars', shelter: 'yes' });
  osm.node(p[9]!, { amenity: 'waste_basket' });
  // 20 km away: left out.
  osm.node(outside, { amenity: 'waste_disposal' });
  // A way naming a node the extract lacks: skipped and counted.
  osm.way([boulevard[0]!, 999_999], { highway: 'service' });
  files.xml = path.join(dir, 'berkane.osm');
  fs.writeFileSync(files.xml, osm.toString());
  if (osmium) {
    files.pbf = path.join(dir, 'berkane.osm.pbf');
    osmiumToPbf(files.xml, files.pbf);
  }
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const upload = (data: Buffer, session: Session | null = supervisor, name = 'extract.osm') => {
  const body = multipart([{ name: 'file', filename: name, data }]);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/gis/osm-imports',
    payload: body.payload,
    headers: { ...body.headers, 'accept-language': 'en', ...(session ? as(session) : {}) },
  });
};

/** Everything an import writes: features, OSM layers, luminaires, audit records. */
async function written() {
  const { rows } = await sql<{ features: number; layers: number; luminaires: number; audits: number }>`
    SELECT (SELECT count(*)::int FROM gis.feature) AS features,
           (SELECT count(*)::int FROM gis.layer WHERE source = 'osm') AS layers,
           (SELECT count(*)::int FROM lighting.luminaire) AS luminaires,
           (SELECT count(*)::int FROM platform.audit_event WHERE action = 'gis.osm.import') AS audits`.execute(t.database.db.kysely);
  return rows[0]!;
}

const EXPECTED = {
  osm_streets: 2,
  osm_buildings: 1,
  osm_places: 1,
  osm_waste: 1,
  osm_bus_stops: 1,
  'lighting.luminaire': 2,
};

describe('importing an OpenStreetMap extract', () => {
  it('refuses callers without gis.layers.manage and writes nothing', async () => {
    const before = await written();
    const xml = fs.readFileSync(files.xml);
    expect((await upload(xml, null)).statusCode).toBe(401);
    expect((await upload(xml, await loginAs(t, 'viewer'))).statusCode).toBe(403);
    expect((await upload(xml, await loginAs(t, 'technician'))).statusCode).toBe(403);
    expect(await written()).toEqual(before);
  });

  it('imports streets, a multipolygon building, places, lamps, bus stops and waste baskets from XML', async () => {
    const before = await written();
    const response = await upload(fs.readFileSync(files.xml));
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result.written).toEqual(EXPECTED);
    expect(result.outside).toBe(1);
    expect(result.missingNodes).toBe(1);
    expect(result.brokenAreas).toBe(0);
    const after = await written();
    expect(after.features - before.features).toBe(6);
    expect(after.layers).toBe(5);
    expect(after.luminaires - before.luminaires).toBe(2);
    expect(after.audits - before.audits).toBe(1);
  });

  it('finds the streets by their Arabic and French names through the search', async () => {
    for (const q of ['المسيرة الخضراء', 'Marche Verte', 'محمد الخامس', 'Mohammed V']) {
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/gis/search?q=${encodeURIComponent(q)}` });
      expect(response.statusCode).toBe(200);
      expect(
        response.json().items.some((i: { layer?: { code: string } | null }) => i.layer?.code === 'osm_streets'),
        q,
      ).toBe(true);
    }
  });

  it('assembles the multipolygon with its courtyard and marks the layers with the ODbL attribution', async () => {
    const { rows } = await sql<{ kind: string; holes: number; levels: number; attribution: string; description: string }>`
      SELECT GeometryType(f.geom) AS kind, ST_NumInteriorRings(ST_GeometryN(f.geom, 1)) AS holes, (f.properties->>'levels')::int AS levels,
             l.attribution, l.description->>'fr' AS description
        FROM gis.feature f JOIN gis.layer l ON l.id = f.layer_id
       WHERE l.code = 'osm_buildings' AND f.osm_ref = ${`r${ids.building}`}`.execute(t.database.db.kysely);
    expect(rows).toEqual([
      {
        kind: 'MULTIPOLYGON',
        holes: 1,
        levels: 2,
        attribution: '© OpenStreetMap contributors (ODbL)',
        description: expect.stringContaining('OpenStreetMap'),
      },
    ]);
    const collection = await t.app.inject({ method: 'GET', url: '/ogc/collections/osm_buildings?f=json' });
    expect(collection.statusCode).toBe(200);
    expect(JSON.stringify(collection.json())).toContain('OpenStreetMap');
  });

  it('puts street lamps in the lighting inventory with their technology and power, or the documented default', async () => {
    const { rows } = await sql<{ code: string; technology: string; powerRating: number; deviceId: string | null }>`
      SELECT code, technology, power_rating, device_id FROM lighting.luminaire WHERE code IN ('EP-101', ${`OSM-${ids.lampBare}`}) ORDER BY code`.execute(
      t.database.db.kysely,
    );
    expect(rows).toEqual([
      { code: 'EP-101', technology: 'LED', powerRating: 60, deviceId: null },
      { code: `OSM-${ids.lampBare}`, technology: 'other', powerRating: OSM_DEFAULT_POWER_W, deviceId: null },
    ]);
  });

  it('keeps bus stops with their names', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/ogc/collections/osm_bus_stops/items?f=json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().features.map((f: { properties: { name: string; shelter: boolean } }) => f.properties)).toEqual([
      expect.objectContaining({ name: 'Place du 3 Mars', shelter: true }),
    ]);
  });

  it.runIf(osmium)('imports the same extract as PBF (osmium cat) into the same features, without duplicates', async () => {
    const snapshot = async () =>
      (
        await sql<{ ref: string; props: string; wkt: string }>`
          SELECT f.osm_ref AS ref, f.properties::text AS props, ST_AsText(f.geom, 6) AS wkt FROM gis.feature f
           WHERE f.osm_ref IS NOT NULL ORDER BY f.osm_ref`.execute(t.database.db.kysely)
      ).rows;
    const before = await written();
    const features = await snapshot();
    const response = await upload(fs.readFileSync(files.pbf), supervisor, 'berkane.osm.pbf');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().written).toEqual(EXPECTED);
    expect(response.json().read).toEqual({ nodes: expect.any(Number), ways: 6, relations: 1 });
    expect(await snapshot()).toEqual(features);
    const after = await written();
    expect({ ...after, audits: after.audits - 1 }).toEqual(before);
  });

  it('imports the XML again without duplicates', async () => {
    const before = await written();
    expect((await upload(fs.readFileSync(files.xml))).statusCode).toBe(200);
    const after = await written();
    expect({ ...after, audits: after.audits - 1 }).toEqual(before);
  });
});

describe('refusing bad extracts, writing nothing', () => {
  const osmHeader = pbfBlock('OSMHeader', rawBlob(headerBlock(['OsmSchema-V0.6', 'DenseNodes'])));
  const cases: [string, () => Buffer, number, string, Record<string, unknown>?][] = [
    ['a file that is not OSM (GeoJSON)', () => Buffer.from('{"type":"FeatureCollection","features":[]}'), 415, 'problem.gis.osm.format'],
    ['XML that is not OSM', () => Buffer.from('<?xml version="1.0"?><gpx version="1.1"></gpx>'), 415, 'problem.gis.osm.format'],
    [
      'XML with a DOCTYPE and an entity bomb',
      () =>
        Buffer.from(
          `<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<osm version="0.6"><node id="1" lat="34.9" lon="-2.3"><tag k="name" v="&c;"/></node></osm>`,
        ),
      422,
      'problem.gis.osm.doctype',
    ],
    [
      'XML that is not well-formed',
      () => Buffer.from('<osm version="0.6"><node id="1" lat="34.9" lon="-2.3"></way></osm>'),
      422,
      'problem.gis.osm.xml',
    ],
    [
      'XML with a node out of range',
      () => Buffer.from('<osm version="0.6"><node id="1" lat="134.9" lon="-2.3"/></osm>'),
      422,
      'problem.gis.osm.corrupt',
    ],
    ['a truncated PBF', () => fs.readFileSync(files.pbf || files.xml).subarray(0, 150), 422, 'problem.gis.osm.truncated'],
    [
      'a PBF blob claiming 2 GB',
      () => Buffer.concat([osmHeader, pbfBlock('OSMData', Buffer.alloc(16), 2 ** 31 - 1)]),
      422,
      'problem.gis.osm.blob_size',
      { max: 32 },
    ],
    [
      'a PBF blob that inflates past its declared size (zlib bomb)',
      () => Buffer.concat([osmHeader, pbfBlock('OSMData', zlibBlob(Buffer.alloc(16 * 1024 * 1024), 1024))]),
      422,
      'problem.gis.osm.corrupt',
    ],
    [
      'a PBF requiring features this reader lacks',
      () => pbfBlock('OSMHeader', rawBlob(headerBlock(['OsmSchema-V0.6', 'HistoricalInformation']))),
      422,
      'problem.gis.osm.feature',
      { features: 'HistoricalInformation' },
    ],
    [
      'a PBF data block of garbage',
      () => Buffer.concat([osmHeader, pbfBlock('OSMData', rawBlob(Buffer.from([0x12, 0xff, 0xff, 0xff, 0x0f, 1])))]),
      422,
      'problem.gis.osm.corrupt',
    ],
  ];
  for (const [what, build, status, key, values] of cases) {
    it.runIf(osmium || !what.includes('truncated'))(`refuses ${what}`, async () => {
      const before = await written();
      const response = await upload(build());
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().detail).toBe(translator('en').t(`${key}.detail`, values));
      expect(await written()).toEqual(before);
    });
  }

  it('refuses a file over the size limit as it streams, writing nothing', async () => {
    const before = await written();
    const boundary = '----madinaosmlimit';
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const body = Readable.from(
      (function* () {
        yield Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.osm"\r\nContent-Type: application/xml\r\n\r\n<osm version="0.6">`,
        );
        while (sent <= OSM_BYTES_MAX) {
          sent += chunk.length;
          yield chunk;
        }
        yield Buffer.from(`</osm>\r\n--${boundary}--\r\n`);
      })(),
    );
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/gis/osm-imports',
      payload: body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...as(supervisor) },
    });
    expect(response.statusCode).toBe(413);
    expect(await written()).toEqual(before);
    expect(fs.readdirSync(path.join(t.config.dataDir, 'uploads'))).toEqual([]);
  });

  it('refuses a request that is not multipart', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/gis/osm-imports',
      payload: { file: 'x' },
      headers: as(supervisor),
    });
    expect(response.statusCode).toBe(415);
  });
});
