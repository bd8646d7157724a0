/**
 * GeoPackage (OGC 12-128r18) read and written with sql.js (SQLite in WebAssembly). Geometries are
 * GeoPackage binary: a small header (magic "GP", flags, srs id, envelope) followed by standard WKB,
 * which PostGIS reads and writes (ST_GeomFromWKB / ST_AsBinary); only the header is handled here.
 */
import { createRequire } from 'node:module';
import initSqlJs, { type Database as SqlDatabase, type SqlValue } from 'sql.js';
import type { ImportSource, SourceRecord } from '../import.js';
import { FileProblem } from './problem.js';

const require = createRequire(import.meta.url);
let engine: ReturnType<typeof initSqlJs> | undefined;
const sqlite = () => {
  engine ??= initSqlJs({ locateFile: (name: string) => require.resolve(`sql.js/dist/${name}`) });
  return engine;
};

const ENVELOPE_BYTES = [0, 32, 48, 48, 64];
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The WKB inside a GeoPackage geometry blob, as hex; `undefined` when the blob is not one (or is empty). */
export function wkbOfBlob(blob: Uint8Array): string | undefined {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) return undefined;
  const flags = blob[3]!;
  const envelope = ENVELOPE_BYTES[(flags >> 1) & 7];
  if (envelope === undefined || flags & 0x10) return undefined;
  return Buffer.from(blob.subarray(8 + envelope)).toString('hex');
}

/** A GeoPackage geometry blob: header (little-endian, xy envelope) and the WKB PostGIS wrote. */
export function blobOfWkb(wkbHex: string, srsId: number, envelope: [number, number, number, number]): Uint8Array {
  const header = Buffer.alloc(8 + 32);
  header.write('GP', 0, 'latin1');
  header[2] = 0; // version 1
  header[3] = 0b0000_0011; // little-endian, envelope [minx, maxx, miny, maxy]
  header.writeInt32LE(srsId, 4);
  const [minX, minY, maxX, maxY] = envelope;
  for (const [i, v] of [minX, maxX, minY, maxY].entries()) header.writeDoubleLE(v, 8 + i * 8);
  return Buffer.concat([header, Buffer.from(wkbHex, 'hex')]);
}

const rowsOf = (db: SqlDatabase, sql: string, params: SqlValue[] = []) => {
  const statement = db.prepare(sql, params);
  const out: Record<string, SqlValue>[] = [];
  while (statement.step()) out.push(statement.getAsObject());
  statement.free();
  return out;
};

/** Opens a GeoPackage held in `data`; `table` chooses among several feature tables. */
export async function geoPackageSource(data: Uint8Array, table: string | undefined): Promise<ImportSource> {
  const SQL = await sqlite();
  let db: SqlDatabase;
  let tables: Record<string, SqlValue>[];
  try {
    db = new SQL.Database(data);
    const meta = rowsOf(
      db,
      `SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('gpkg_contents', 'gpkg_geometry_columns')`,
    );
    tables =
      Number(meta[0]?.n) < 2
        ? []
        : rowsOf(
            db,
            `SELECT c.table_name AS name, g.column_name AS geom, s.organization AS org, s.organization_coordsys_id AS code
         FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
        WHERE c.data_type = 'features' ORDER BY c.table_name`,
          );
  } catch {
    throw new FileProblem('problem.gis.import.gpkg');
  }
  const chosen = table === undefined && tables.length === 1 ? tables[0] : tables.find((t) => t.name === table);
  if (!chosen) {
    db.close();
    if (tables.length === 0) throw new FileProblem('problem.gis.import.gpkg_no_features');
    throw new FileProblem('problem.gis.import.gpkg_layer', { names: tables.map((t) => t.name).join(', ') });
  }
  const name = String(chosen.name);
  const geomColumn = String(chosen.geom);
  const key = rowsOf(db, `SELECT name FROM pragma_table_info(?) WHERE pk = 1`, [name])[0]?.name;
  const total = Number(rowsOf(db, `SELECT count(*) AS n FROM ${quote(name)}`)[0]?.n ?? 0);
  const epsg = String(chosen.org ?? '').toUpperCase() === 'EPSG' ? Number(chosen.code) : undefined;
  return {
    total,
    declaredSrid: epsg,
    async *records(): AsyncIterable<SourceRecord> {
      const statement = db.prepare(`SELECT * FROM ${quote(name)} ORDER BY ${key ? quote(String(key)) : 'rowid'}`);
      try {
        for (let row = 1; statement.step(); row++) {
          const values = statement.getAsObject();
          const blob = values[geomColumn];
          const wkb = blob instanceof Uint8Array ? wkbOfBlob(blob) : undefined;
          const properties: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(values)) if (k !== geomColumn && k !== key && !(v instanceof Uint8Array)) properties[k] = v;
          yield { row, geometry: wkb ? { wkb } : null, properties };
        }
      } finally {
        statement.free();
        db.close();
      }
    },
  };
}

export interface GeoPackageColumn {
  name: string;
  type: 'TEXT' | 'INTEGER' | 'REAL' | 'BOOLEAN' | 'DATE' | 'DATETIME';
}

export interface GeoPackageFeature {
  properties: Record<string, unknown>;
  wkb: string;
  envelope: [number, number, number, number];
}

const GEOMETRY_NAMES: Record<string, string> = {
  Point: 'POINT',
  LineString: 'LINESTRING',
  Polygon: 'POLYGON',
  MultiPoint: 'MULTIPOINT',
  MultiLineString: 'MULTILINESTRING',
  MultiPolygon: 'MULTIPOLYGON',
  Geometry: 'GEOMETRY',
};

const WGS84 =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

/** A GeoPackage with one feature table `table` (WGS 84) holding `features`. */
export async function writeGeoPackage(
  table: string,
  title: string,
  geometryType: string,
  columns: GeoPackageColumn[],
  features: GeoPackageFeature[],
): Promise<Buffer> {
  const SQL = await sqlite();
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA application_id = 1196444487; PRAGMA user_version = 10400;
      CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name),
        FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));`);
    db.run(
      `INSERT INTO gpkg_spatial_ref_sys VALUES
        ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
        ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),
        ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
      [WGS84],
    );
    const all = features.map((f) => f.envelope);
    const extent = all.length
      ? [
          Math.min(...all.map((e) => e[0])),
          Math.min(...all.map((e) => e[1])),
          Math.max(...all.map((e) => e[2])),
          Math.max(...all.map((e) => e[3])),
        ]
      : [null, null, null, null];
    db.run(
      `INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, 4326)`,
      [table, title, ...extent],
    );
    db.run(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)`, [table, GEOMETRY_NAMES[geometryType] ?? 'GEOMETRY']);
    db.run(
      `CREATE TABLE ${quote(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom ${GEOMETRY_NAMES[geometryType] ?? 'GEOMETRY'}${columns
        .map((c) => `, ${quote(c.name)} ${c.type}`)
        .join('')})`,
    );
    const insert = db.prepare(
      `INSERT INTO ${quote(table)} (geom${columns.map((c) => `, ${quote(c.name)}`).join('')}) VALUES (?${', ?'.repeat(columns.length)})`,
    );
    db.run('BEGIN');
    for (const f of features) {
      const values = columns.map((c): SqlValue => {
        const v = f.properties[c.name];
        if (v === undefined || v === null) return null;
        if (c.type === 'BOOLEAN') return v ? 1 : 0;
        return typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
      });
      insert.run([blobOfWkb(f.wkb, 4326, f.envelope), ...values]);
    }
    db.run('COMMIT');
    insert.free();
    return Buffer.from(db.export());
  } finally {
    db.close();
  }
}
