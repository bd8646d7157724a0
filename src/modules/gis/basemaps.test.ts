import fs from 'node:fs';
import path from 'node:path';
import { FetchSource, PMTiles } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { writePmtiles } from '../../../test/helpers/pmtiles.js';
import { parseRange, readPmtilesHeader } from './basemaps.js';

// The bounds of the archive: the commune of Berkane's real boundary (../shared/data/morocco).
const berkane = JSON.parse(fs.readFileSync(new URL('../../../../shared/data/morocco/berkane_commune.geojson', import.meta.url), 'utf8'));
const coordinates: [number, number][] = JSON.stringify(berkane.features[0].geometry.coordinates)
  .match(/-?\d+(\.\d+)?,-?\d+(\.\d+)?/g)!
  .map((pair) => pair.split(',').map(Number) as [number, number]);
const bounds: [number, number, number, number] = [
  Math.min(...coordinates.map((c) => c[0])),
  Math.min(...coordinates.map((c) => c[1])),
  Math.max(...coordinates.map((c) => c[0])),
  Math.max(...coordinates.map((c) => c[1])),
];
const tiles = [
  { z: 0, x: 0, y: 0, data: Buffer.from('tile 0/0/0') },
  { z: 1, x: 0, y: 0, data: Buffer.from('tile 1/0/0') },
  { z: 1, x: 1, y: 0, data: Buffer.from('tile 1/1/0, a little longer') },
  { z: 1, x: 1, y: 1, data: Buffer.from('tile 1/1/1') },
];
const archive = writePmtiles(tiles, { bounds, metadata: { name: 'Berkane test base map', vector_layers: [] } });

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  const dir = path.join(t.config.dataDir, 'basemaps');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'berkane.pmtiles'), archive);
  fs.writeFileSync(path.join(dir, 'broken.pmtiles'), Buffer.from('not an archive at all'));
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => t?.close());

describe('offline base maps (PMTiles)', () => {
  it('lists the archives with what their headers say, leaving out files that are not PMTiles', async () => {
    const res = await t.app.inject({ url: '/tiles/basemaps' });
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: 'berkane',
      url: '/tiles/basemaps/berkane.pmtiles',
      bytes: archive.length,
      tileType: 'mvt',
      minZoom: 0,
      maxZoom: 1,
    });
    for (const [i, v] of (items[0].bounds as number[]).entries()) expect(v).toBeCloseTo(bounds[i]!, 6);
  });

  it('serves byte ranges (206) that the PMTiles reader follows to every tile', async () => {
    const reader = new PMTiles(new FetchSource(`${base}/tiles/basemaps/berkane.pmtiles`));
    const header = await reader.getHeader();
    expect(header.specVersion).toBe(3);
    expect(header.numAddressedTiles).toBe(tiles.length);
    expect(await reader.getMetadata()).toMatchObject({ name: 'Berkane test base map' });
    for (const tile of tiles) {
      const got = await reader.getZxy(tile.z, tile.x, tile.y);
      expect(Buffer.from(got!.data).toString()).toBe(tile.data.toString());
    }
    expect(await reader.getZxy(1, 0, 1)).toBeUndefined();
  });

  it('answers a range request with 206, Content-Range and only those bytes', async () => {
    const res = await t.app.inject({ url: '/tiles/basemaps/berkane.pmtiles', headers: { range: 'bytes=0-126' } });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 0-126/${archive.length}`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-type']).toBe('application/vnd.pmtiles');
    expect(res.rawPayload.equals(archive.subarray(0, 127))).toBe(true);
    const suffix = await t.app.inject({ url: '/tiles/basemaps/berkane.pmtiles', headers: { range: 'bytes=-10' } });
    expect(suffix.statusCode).toBe(206);
    expect(suffix.rawPayload.equals(archive.subarray(archive.length - 10))).toBe(true);
  });

  it('sends the whole archive without a range, and 304 when the ETag still matches', async () => {
    const full = await t.app.inject({ url: '/tiles/basemaps/berkane.pmtiles' });
    expect(full.statusCode).toBe(200);
    expect(full.rawPayload.equals(archive)).toBe(true);
    const again = await t.app.inject({ url: '/tiles/basemaps/berkane.pmtiles', headers: { 'if-none-match': full.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });

  it('refuses a range past the end with 416 and the size', async () => {
    const res = await t.app.inject({ url: '/tiles/basemaps/berkane.pmtiles', headers: { range: `bytes=${archive.length}-` } });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${archive.length}`);
  });

  it('sends the whole new archive when If-Range names an older version', async () => {
    const res = await t.app.inject({ url: '/tiles/basemaps/berkane.pmtiles', headers: { range: 'bytes=0-9', 'if-range': '"old"' } });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(archive.length);
  });

  it('finds nothing outside the base-map folder or with another extension', async () => {
    for (const url of [
      '/tiles/basemaps/..%2F..%2Fetc%2Fpasswd.pmtiles',
      '/tiles/basemaps/%2e%2e.pmtiles',
      '/tiles/basemaps/missing.pmtiles',
      '/tiles/basemaps/berkane.mbtiles',
      '/tiles/basemaps/BERKANE.pmtiles',
    ]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});

describe('parseRange', () => {
  it('reads one range in its three forms and ignores what it cannot honour', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=95-1000', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    for (const ignored of [
      undefined,
      '',
      'bytes=',
      'bytes=-',
      'bytes=5-2',
      'bytes=0-1,5-6',
      'items=0-1',
      'bytes=a-b',
      `bytes=0-${'9'.repeat(40)}`,
    ]) {
      expect(parseRange(ignored, 100), String(ignored)).toBeNull();
    }
  });

  it('reads only PMTiles v3 headers', () => {
    expect(readPmtilesHeader(archive.subarray(0, 127))).toMatchObject({ tileType: 'mvt', minZoom: 0, maxZoom: 1 });
    expect(readPmtilesHeader(Buffer.alloc(127))).toBeNull();
    const v2 = Buffer.from(archive.subarray(0, 127));
    v2[7] = 2;
    expect(readPmtilesHeader(v2)).toBeNull();
    expect(readPmtilesHeader(archive.subarray(0, 50))).toBeNull();
  });
});
