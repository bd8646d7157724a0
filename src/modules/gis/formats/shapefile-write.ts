/**
 * Writing a layer as a zipped Shapefile: .shp and .shx (ESRI's technical description, 1998), .dbf
 * (dBASE III: field names of at most 10 characters, made unique), .prj (WGS 84) and .cpg (UTF-8).
 */
import yazl from 'yazl';
import type { GeometryType, LayerAttribute } from '../gis.repository.js';

type Position = number[];
type Geometry = { type: string; coordinates: unknown };

const SHAPE_TYPES: Partial<Record<GeometryType, number>> = {
  Point: 1,
  MultiPoint: 8,
  LineString: 3,
  MultiLineString: 3,
  Polygon: 5,
  MultiPolygon: 5,
};

export const canWriteShapefile = (type: GeometryType) => SHAPE_TYPES[type] !== undefined;

const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

/** Parts (lists of positions) of a geometry: a ring or a line per part; points have one part each. */
function partsOf(g: Geometry): Position[][] {
  const c = g.coordinates;
  switch (g.type) {
    case 'Point':
      return [[c as Position]];
    case 'MultiPoint':
    case 'LineString':
      return [c as Position[]];
    case 'MultiLineString':
    case 'Polygon':
      return c as Position[][];
    case 'MultiPolygon':
      return (c as Position[][][]).flat();
    default:
      return [];
  }
}

function box(points: Position[]) {
  const xs = points.map((p) => p[0]!);
  const ys = points.map((p) => p[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** A record's content (after its 8-byte record header). */
function shapeContent(shapeType: number, g: Geometry): Buffer {
  const parts = partsOf(g);
  const points = parts.flat();
  if (shapeType === 1) {
    const b = Buffer.alloc(20);
    b.writeInt32LE(1, 0);
    b.writeDoubleLE(points[0]![0]!, 4);
    b.writeDoubleLE(points[0]![1]!, 12);
    return b;
  }
  const withParts = shapeType !== 8;
  const head = 4 + 32 + 4 + (withParts ? 4 + 4 * parts.length : 0);
  const b = Buffer.alloc(head + 16 * points.length);
  b.writeInt32LE(shapeType, 0);
  for (const [i, v] of box(points).entries()) b.writeDoubleLE(v, 4 + i * 8);
  let at = 36;
  if (withParts) {
    b.writeInt32LE(parts.length, at);
    b.writeInt32LE(points.length, at + 4);
    at += 8;
    let start = 0;
    for (const part of parts) {
      b.writeInt32LE(start, at);
      at += 4;
      start += part.length;
    }
  } else {
    b.writeInt32LE(points.length, at);
    at += 4;
  }
  for (const p of points) {
    b.writeDoubleLE(p[0]!, at);
    b.writeDoubleLE(p[1]!, at + 8);
    at += 16;
  }
  return b;
}

function mainHeader(shapeType: number, bytes: number, extent: number[]) {
  const h = Buffer.alloc(100);
  h.writeInt32BE(9994, 0);
  h.writeInt32BE(bytes / 2, 24);
  h.writeInt32LE(1000, 28);
  h.writeInt32LE(shapeType, 32);
  for (const [i, v] of extent.entries()) h.writeDoubleLE(v, 36 + i * 8);
  return h;
}

interface DbfField {
  attribute: string;
  name: string;
  type: 'C' | 'N' | 'L' | 'D';
  width: number;
  decimals: number;
}

/** Field names of at most 10 characters, unique: `population_2024` and `population_2014` become `population` and `populati_1`. */
export function dbfNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name.slice(0, 10);
    for (let i = 1; taken.has(candidate.toLowerCase()); i++) candidate = `${name.slice(0, 10 - String(i).length - 1)}_${i}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/** UTF-8 bytes of `text`, cut at a character boundary to at most `max` bytes. */
function utf8(text: string, max: number) {
  let b = Buffer.from(text, 'utf8');
  if (b.length <= max) return b;
  b = b.subarray(0, max);
  // Drop a cut multi-byte sequence: continuation bytes are 10xxxxxx.
  let end = b.length;
  while (end > 0 && (b[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && b[end - 1]! >= 0xc0) end--;
  const lead = b[end] ?? 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return b.length - end >= need ? b : b.subarray(0, end);
}

function cellText(field: DbfField, v: unknown): string {
  if (v === undefined || v === null) return field.type === 'L' ? '?' : '';
  if (field.type === 'L') return v ? 'T' : 'F';
  if (field.type === 'D') return String(v).slice(0, 10).replace(/-/g, '');
  if (field.type === 'N') return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(field.decimals) : '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function dbf(attributes: readonly LayerAttribute[], rows: Record<string, unknown>[]): Buffer {
  const names = dbfNames(attributes.map((a) => a.name));
  const fields: DbfField[] = attributes.map((a, i) => {
    const name = names[i]!;
    if (a.type === 'integer') return { attribute: a.name, name, type: 'N', width: 18, decimals: 0 };
    if (a.type === 'number') return { attribute: a.name, name, type: 'N', width: 24, decimals: 10 };
    if (a.type === 'boolean') return { attribute: a.name, name, type: 'L', width: 1, decimals: 0 };
    if (a.type === 'date') return { attribute: a.name, name, type: 'D', width: 8, decimals: 0 };
    const longest = Math.max(1, ...rows.map((r) => Buffer.byteLength(cellText({ type: 'C' } as DbfField, r[a.name]), 'utf8')));
    return { attribute: a.name, name, type: 'C', width: Math.min(254, longest), decimals: 0 };
  });
  const headerBytes = 32 + 32 * fields.length + 1;
  const recordBytes = 1 + fields.reduce((n, f) => n + f.width, 0);
  const out = Buffer.alloc(headerBytes + recordBytes * rows.length + 1, 0x20);
  out.fill(0, 0, headerBytes);
  const now = new Date();
  out[0] = 0x03;
  out[1] = now.getUTCFullYear() - 1900;
  out[2] = now.getUTCMonth() + 1;
  out[3] = now.getUTCDate();
  out.writeUInt32LE(rows.length, 4);
  out.writeUInt16LE(headerBytes, 8);
  out.writeUInt16LE(recordBytes, 10);
  fields.forEach((f, i) => {
    const at = 32 + 32 * i;
    out.write(f.name, at, 'latin1');
    out.write(f.type, at + 11, 'latin1');
    out[at + 16] = f.width;
    out[at + 17] = f.decimals;
  });
  out[headerBytes - 1] = 0x0d;
  rows.forEach((r, i) => {
    let at = headerBytes + recordBytes * i + 1;
    for (const f of fields) {
      const bytes = utf8(cellText(f, r[f.attribute]), f.width);
      // Numbers are right-aligned, text left-aligned; the rest of the cell stays blank.
      bytes.copy(out, f.type === 'N' ? at + f.width - bytes.length : at);
      at += f.width;
    }
  });
  out[out.length - 1] = 0x1a;
  return out;
}

/** A shapefile's files by extension: shp, shx, dbf, prj (WGS 84 unless told) and cpg (UTF-8). */
export function shapefileParts(
  geometryType: GeometryType,
  attributes: readonly LayerAttribute[],
  features: { geometry: Geometry; properties: Record<string, unknown> }[],
  prj = WGS84_PRJ,
): [string, Buffer][] {
  const shapeType = SHAPE_TYPES[geometryType];
  if (shapeType === undefined) throw new Error(`a shapefile cannot hold ${geometryType}`);
  const contents = features.map((f) => shapeContent(shapeType, f.geometry));
  const extent = features.length ? box(features.flatMap((f) => partsOf(f.geometry).flat())) : [0, 0, 0, 0];
  const shpBytes = 100 + contents.reduce((n, c) => n + 8 + c.length, 0);
  const shp = Buffer.alloc(shpBytes);
  const shx = Buffer.alloc(100 + 8 * contents.length);
  mainHeader(shapeType, shpBytes, extent).copy(shp);
  mainHeader(shapeType, shx.length, extent).copy(shx);
  let at = 100;
  contents.forEach((c, i) => {
    shx.writeInt32BE(at / 2, 100 + 8 * i);
    shx.writeInt32BE(c.length / 2, 104 + 8 * i);
    shp.writeInt32BE(i + 1, at);
    shp.writeInt32BE(c.length / 2, at + 4);
    c.copy(shp, at + 8);
    at += 8 + c.length;
  });
  return [
    ['shp', shp],
    ['shx', shx],
    [
      'dbf',
      dbf(
        attributes,
        features.map((f) => f.properties),
      ),
    ],
    ['prj', Buffer.from(prj)],
    ['cpg', Buffer.from('UTF-8')],
  ];
}

/** A zip of `files` (name, bytes), made with yazl. */
export async function zipFiles(files: [string, Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of files) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The layer `name` as a zip holding name.shp, .shx, .dbf, .prj and .cpg (WGS 84, UTF-8). */
export function writeShapefileZip(
  name: string,
  geometryType: GeometryType,
  attributes: readonly LayerAttribute[],
  features: { geometry: Geometry; properties: Record<string, unknown> }[],
): Promise<Buffer> {
  return zipFiles(shapefileParts(geometryType, attributes, features).map(([ext, data]) => [`${name}.${ext}`, data]));
}
