// GDAL (Debian's gdal-bin: ogrinfo, ogr2ogr), a real OGC API – Features client, against the real
// server in its own process. Skipped, saying so, where GDAL is not installed (.ci/run installs it).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededServer, startSeededServer } from '../../../test/helpers/seeded-server.js';

const run = promisify(execFile);
const HAVE_GDAL = fs.existsSync('/usr/bin/ogrinfo') && fs.existsSync('/usr/bin/ogr2ogr');
// GDAL must not try the network beyond our server, nor cache between runs.
const GDAL_ENV = { ...process.env, GDAL_HTTP_TIMEOUT: '60', CPL_VSIL_CURL_USE_CACHE: 'NO', GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR' };

let seeded: SeededServer;
let source: string;
beforeAll(async () => {
  if (!HAVE_GDAL) return;
  seeded = await startSeededServer();
  source = `OAPIF:${seeded.server.url}/ogc`;
}, 120_000);
afterAll(async () => {
  await seeded?.stop();
});

const ogrinfo = async (...args: string[]) => (await run('ogrinfo', ['-ro', ...args], { env: GDAL_ENV, timeout: 90_000 })).stdout;

describe.skipIf(!HAVE_GDAL)('GDAL reads the OGC API – Features', () => {
  it('lists the collections', async () => {
    const out = await ogrinfo(source);
    expect(out).toMatch(/1: province_communes \(title: جماعات إقليم بركان\) \(Multi Polygon\)/);
  });

  it('pages with a small page size and counts every feature', async () => {
    const out = await ogrinfo(source, 'province_communes', '-oo', 'PAGE_SIZE=3', '-al', '-so');
    expect(out).toMatch(/Feature Count: 16/);
    const all = await ogrinfo(source, 'province_communes', '-oo', 'PAGE_SIZE=3', '-al', '-q');
    expect(all.match(/^OGRFeature\(province_communes\):/gm)?.length).toBe(16);
  });

  it('filters by bbox (sent to the server as bbox=…)', async () => {
    // A box around the centre of the city of Berkane (2.32° W, 34.92° N).
    const out = await ogrinfo(source, 'province_communes', '-spat', '-2.33', '34.91', '-2.31', '34.93', '-al', '-q');
    const names = [...out.matchAll(/name_fr \(String\) = (.+)/g)].map((m) => m[1]);
    expect(names).toContain('Berkane');
    expect(names.length).toBeLessThan(16);
  });

  it('copies a layer to a GeoPackage with every feature and attribute', async () => {
    const gpkg = path.join(seeded.dataDir, 'copy.gpkg');
    await run('ogr2ogr', ['-f', 'GPKG', gpkg, source, 'province_communes', '-oo', 'PAGE_SIZE=5'], { env: GDAL_ENV, timeout: 120_000 });
    const summary = await ogrinfo(gpkg, 'province_communes', '-so');
    expect(summary).toMatch(/Feature Count: 16/);
    for (const field of ['official_code', 'name_fr', 'name_ar', 'kind', 'population_2024', 'population_2014'])
      expect(summary).toContain(`${field}:`);
    const berkane = await ogrinfo(gpkg, 'province_communes', '-where', "name_fr = 'Berkane'", '-q');
    expect(berkane).toContain('name_ar (String) = بركان');
    expect(berkane).toMatch(/population_2024 \(Integer(64)?\) = \d+/);
  });
});
