import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import Protobuf from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { multipart } from '../../../test/helpers/multipart.js';
import { berkanePoints, OsmXml } from './osm/osm-fixtures.js';

let t: TestApp;
let supervisor: Session;
/** A point drawn inside Berkane (see osm-fixtures), around which the extract is mapped. */
let centre: [number, number];

const tileAt = ([lon, lat]: [number, number], z: number) => {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n) };
};
const url = ({ z, x, y }: { z: number; x: number; y: number }) => `/tiles/basemap/${z}/${x}/${y}.mvt`;

function decode(body: Buffer) {
  const tile = new VectorTile(new Protobuf(body));
  return Object.fromEntries(
    Object.entries(tile.layers).map(([name, layer]) => [name, Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties)]),
  );
}

async function importExtract(streetName: string) {
  const osm = new OsmXml();
  const [x, y] = centre;
  const d = 0.0003;
  const corners = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ].map(([a, b]) => osm.node([x + a! * d, y + b! * d]));
  osm.way([...corners, corners[0]!], { building: 'yes', 'building:levels': '3' });
  const street = [osm.node([x - 5 * d, y - 2 * d]), osm.node([x + 5 * d, y - 2 * d])];
  osm.way(street, { highway: 'residential', 'name:fr': streetName, 'name:ar': 'زنقة الأندلس' });
  osm.node([x, y + 3 * d], { amenity: 'place_of_worship', 'name:ar': 'مسجد الحي', name: 'Mosquée du quartier' });
  const file = path.join(os.tmpdir(), `madina-basemap-${process.pid}.osm`);
  fs.writeFileSync(file, osm.toString());
  const body = multipart([{ name: 'file', filename: 'berkane.osm', data: fs.readFileSync(file) }]);
  fs.rmSync(file);
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/gis/osm-imports',
    payload: body.payload,
    headers: { ...body.headers, ...as(supervisor) },
  });
  expect(response.statusCode, response.body).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await loginAs(t, 'supervisor');
  centre = (await berkanePoints(t.database.db, 1)).inside[0]!;
});
afterAll(() => t?.close());

describe('the combined base map', () => {
  it('declares the OpenStreetMap layers without fields before any import (the map style names them), with the communes', async () => {
    const response = await t.app.inject({ url: '/tiles/basemap.json' });
    expect(response.statusCode).toBe(200);
    const layers: { id: string; fields: Record<string, string> }[] = response.json().vector_layers;
    expect(layers.map((l) => [l.id, Object.keys(l.fields).length > 0])).toEqual([
      ['province_communes', true],
      ['osm_buildings', false],
      ['osm_streets', false],
      ['osm_places', false],
    ]);
  });

  it('describes its source layers and their zooms in TileJSON 3.0, with the OpenStreetMap attribution', async () => {
    await importExtract('Rue de l’Andalousie');
    const response = await t.app.inject({ url: '/tiles/basemap.json' });
    const doc = response.json();
    expect(doc.tilejson).toBe('3.0.0');
    expect(doc.tiles).toEqual([expect.stringMatching(/\/tiles\/basemap\/\{z\}\/\{x\}\/\{y\}\.mvt$/)]);
    expect(doc.vector_layers.map((l: { id: string; minzoom: number }) => [l.id, l.minzoom])).toEqual([
      ['province_communes', 0],
      ['osm_buildings', 14],
      ['osm_streets', 12],
      ['osm_places', 13],
    ]);
    expect(doc.vector_layers[2].fields).toMatchObject({ name_fr: 'String', oneway: 'Boolean' });
    expect(doc.attribution).toContain('© OpenStreetMap contributors');
  });

  it('serves one tile with a source layer per base layer present at that zoom', async () => {
    const z15 = await t.app.inject({ url: url(tileAt(centre, 15)) });
    expect(z15.statusCode).toBe(200);
    expect(z15.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(z15.headers['cache-control']).toBe('public, max-age=60');
    const layers = decode(z15.rawPayload);
    expect(Object.keys(layers).sort()).toEqual(['osm_buildings', 'osm_places', 'osm_streets', 'province_communes']);
    expect(layers.osm_streets).toEqual([
      expect.objectContaining({ name_fr: 'Rue de l’Andalousie', name_ar: 'زنقة الأندلس', highway: 'residential' }),
    ]);
    expect(layers.osm_buildings).toEqual([expect.objectContaining({ building: 'yes', levels: 3 })]);
    expect(layers.osm_places).toEqual([expect.objectContaining({ amenity: 'place_of_worship', name_ar: 'مسجد الحي' })]);
    expect(layers.province_communes).toContainEqual(expect.objectContaining({ name_fr: 'Berkane' }));

    const z12 = decode((await t.app.inject({ url: url(tileAt(centre, 12)) })).rawPayload);
    expect(Object.keys(z12).sort()).toEqual(['osm_streets', 'province_communes']);
    const z8 = decode((await t.app.inject({ url: url(tileAt(centre, 8)) })).rawPayload);
    expect(Object.keys(z8)).toEqual(['province_communes']);
  });

  it('answers 304 to its ETag, and changes its ETag when a base layer changes', async () => {
    const tile = url(tileAt(centre, 15));
    const first = await t.app.inject({ url: tile });
    const etag = first.headers.etag as string;
    expect((await t.app.inject({ url: tile, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    await importExtract('Rue de Grenade');
    const changed = await t.app.inject({ url: tile, headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(decode(changed.rawPayload).osm_streets).toEqual([expect.objectContaining({ name_fr: 'Rue de Grenade' })]);
  });

  it('refuses tiles outside the pyramid', async () => {
    expect((await t.app.inject({ url: '/tiles/basemap/23/0/0.mvt' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/tiles/basemap/2/4/0.mvt' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/tiles/basemap/2/0/0.png' })).statusCode).toBe(404);
  });
});
