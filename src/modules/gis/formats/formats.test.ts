import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sridOfPrj } from './prj.js';
import { FileProblem } from './problem.js';
import { encodingOfCpg } from './shapefile.js';
import { dbfNames, zipFiles } from './shapefile-write.js';
import { sniffFormat } from './sniff.js';
import { extractEntries } from './zip.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-formats-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// EPSG:26191 as GDAL writes it (OGC WKT 1, with authorities) and as ESRI software writes it (names only).
const NORD_MAROC_OGC = `PROJCS["Merchich / Nord Maroc",GEOGCS["Merchich",DATUM["Merchich",SPHEROID["Clarke 1880 (IGN)",6378249.2,293.466021293627,AUTHORITY["EPSG","7011"]],AUTHORITY["EPSG","6261"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4261"]],PROJECTION["Lambert_Conformal_Conic_1SP"],PARAMETER["latitude_of_origin",33.3],PARAMETER["central_meridian",-5.4],PARAMETER["scale_factor",0.999625769],PARAMETER["false_easting",500000],PARAMETER["false_northing",300000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","26191"]]`;
const esri = (name: string, lat0: number, x0: number, y0: number) =>
  `PROJCS["${name}",GEOGCS["GCS_Merchich",DATUM["D_Merchich",SPHEROID["Clarke_1880_IGN",6378249.2,293.46602]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",${x0}],PARAMETER["False_Northing",${y0}],PARAMETER["Central_Meridian",-5.4],PARAMETER["Standard_Parallel_1",${lat0}],PARAMETER["Scale_Factor",0.999625769],PARAMETER["Latitude_Of_Origin",${lat0}],UNIT["Meter",1.0]]`;

describe('a .prj names its coordinate system', () => {
  it('by its EPSG authority, or by the names and parameters ESRI writes', () => {
    expect(sridOfPrj(NORD_MAROC_OGC)).toBe(26191);
    expect(sridOfPrj(esri('Merchich_Nord_Maroc', 33.3, 500000, 300000))).toBe(26191);
    expect(sridOfPrj(esri('Merchich_Sud_Maroc', 29.7, 500000, 300000))).toBe(26192);
    expect(sridOfPrj(esri('Merchich_Sahara_Nord', 26.1, 1200000, 400000))).toBe(26194);
    expect(sridOfPrj(esri('Merchich_Sahara_Sud', 22.5, 1500000, 400000))).toBe(26195);
    expect(
      sridOfPrj(
        'GEOGCS["GCS_Merchich",DATUM["D_Merchich",SPHEROID["Clarke_1880_IGN",6378249.2,293.46602]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
      ),
    ).toBe(4261);
    expect(
      sridOfPrj(
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
      ),
    ).toBe(4326);
  });

  it('is unknown when it is another system, contradicts its name, or is not WKT', () => {
    // A name saying Nord Maroc with the parameters of another zone is not trusted.
    expect(sridOfPrj(esri('Merchich_Nord_Maroc', 40, 700000, 200000))).toBeUndefined();
    expect(sridOfPrj(NORD_MAROC_OGC.replace('"26191"]]', '"2154"]]'))).toBeUndefined();
    expect(sridOfPrj('garbage')).toBeUndefined();
  });
});

describe('shapefile details', () => {
  it('maps long attribute names to unique 10-character DBF names', () => {
    expect(dbfNames(['population_2024', 'population_2014', 'name', 'population'])).toEqual([
      'population',
      'populati_1',
      'name',
      'populati_2',
    ]);
  });

  it('reads .cpg code pages, refusing unknown ones', () => {
    expect(encodingOfCpg('UTF-8')).toBe('utf-8');
    expect(encodingOfCpg('1256')).toBe('windows-1256');
    expect(encodingOfCpg('CP1256\r\n')).toBe('windows-1256');
    expect(encodingOfCpg('ISO-8859-1')).toBe('windows-1252');
    expect(() => encodingOfCpg('klingon')).toThrow(FileProblem);
  });

  it('tells formats by their content', () => {
    expect(sniffFormat(Buffer.from('PK\x03\x04....', 'latin1'))).toBe('shapefile');
    expect(sniffFormat(Buffer.from('SQLite format 3\0rest', 'latin1'))).toBe('geopackage');
    expect(sniffFormat(Buffer.from('\uFEFF  {"type":"FeatureCollection"}'))).toBe('geojson');
    expect(sniffFormat(Buffer.from('name,lon,lat\n'))).toBe('csv');
    expect(sniffFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))).toBeUndefined();
  });
});

describe('zips are read safely', () => {
  let n = 0;
  const write = (data: Buffer) => {
    const file = path.join(dir, `z${n++}.zip`);
    fs.writeFileSync(file, data);
    return file;
  };
  const problem = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no problem',
      (err: unknown) => (err as FileProblem).key,
    );
  /** Sets every central directory entry's declared uncompressed size. */
  const declare = (zip: Buffer, size: number) => {
    for (let at = zip.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = zip.indexOf('PK\x01\x02', at + 4, 'latin1'))
      zip.writeUInt32LE(size, at + 24);
    return zip;
  };
  const all = (names: string[]) => names;

  it('extracts the entries asked for, ignoring zips inside', async () => {
    const file = write(
      await zipFiles([
        ['a/x.txt', Buffer.from('hello')],
        ['inner.zip', Buffer.from('PK\x03\x04')],
        ['b.txt', Buffer.from('b')],
      ]),
    );
    let seen: string[] = [];
    const out = await extractEntries(file, path.join(dir, 'out'), (names) => {
      seen = names;
      return ['a/x.txt'];
    });
    expect(seen).toEqual(['a/x.txt', 'b.txt']);
    expect(fs.readFileSync(out.get('a/x.txt')!, 'utf8')).toBe('hello');
  });

  it('refuses a zip bomb: a huge declared size, or more bytes inflated than declared or allowed', async () => {
    const zeros = Buffer.alloc(200_000);
    expect(await problem(extractEntries(write(declare(await zipFiles([['a.shp', zeros]]), 0xfff00000)), path.join(dir, 'b1'), all))).toBe(
      'problem.gis.import.zip_bomb',
    );
    expect(await problem(extractEntries(write(declare(await zipFiles([['a.shp', zeros]]), 1000)), path.join(dir, 'b2'), all))).toBe(
      'problem.gis.import.zip_bomb',
    );
    expect(
      await problem(extractEntries(write(await zipFiles([['a.shp', zeros]])), path.join(dir, 'b3'), all, { entries: 10, bytes: 100_000 })),
    ).toBe('problem.gis.import.zip_bomb');
  });

  it('refuses too many entries, names leaving the archive, and what is not a zip', async () => {
    const many = await zipFiles(Array.from({ length: 12 }, (_, i): [string, Buffer] => [`f${i}.txt`, Buffer.from('x')]));
    expect(await problem(extractEntries(write(many), path.join(dir, 'm'), all, { entries: 10, bytes: 1000 }))).toBe(
      'problem.gis.import.zip_entries',
    );
    const evil = await zipFiles([['aa/evil.txt', Buffer.from('x')]]);
    const patched = Buffer.from(evil.toString('latin1').replaceAll('aa/evil.txt', '../evil.txt'), 'latin1');
    expect(await problem(extractEntries(write(patched), path.join(dir, 'e'), all))).toBe('problem.gis.import.zip_path');
    expect(fs.existsSync(path.join(dir, 'evil.txt'))).toBe(false);
    expect(await problem(extractEntries(write(Buffer.from('PK\x03\x04not a zip', 'latin1')), path.join(dir, 'n'), all))).toBe(
      'problem.gis.import.zip',
    );
  });
});
