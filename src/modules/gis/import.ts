/**
 * Reading an import file into features: GeoJSON (FeatureCollection) or CSV (longitude/latitude
 * columns or a WKT column), in WGS 84 or a Moroccan projected system. Everything is checked here
 * and every problem is reported with its row; nothing is written until all rows are good.
 */
import { parse } from 'csv-parse/sync';
import type { FieldError } from '../../platform/http/errors.js';
import { checkGeometry, checkProperties } from './features.js';
import type { GeometryType, LayerAttribute } from './gis.repository.js';

/**
 * The systems an import may be in: WGS 84 and those Moroccan cadastre and planning use — Merchich
 * (geographic) and its Lambert zones Nord Maroc, Sud Maroc, Sahara Nord, Sahara Sud — and web mercator.
 */
export const IMPORT_CRS = [4326, 4261, 26191, 26192, 26194, 26195, 3857] as const;
export type ImportSrid = (typeof IMPORT_CRS)[number];

export interface ImportRow {
  /** 1-based: a GeoJSON feature's position, a CSV line's number (the header is line 1). */
  row: number;
  /** GeoJSON geometry, or WKT text from a CSV. */
  geometry: { geojson: unknown } | { wkt: string };
  properties: Record<string, unknown>;
}

export interface ParsedImport {
  rows: ImportRow[];
  errors: FieldError[];
  /** Columns or properties the layer has no attribute for: not imported. */
  ignored: string[];
}

/** The SRID a GeoJSON file names in its (pre-RFC 7946) `crs` member, if any. */
export function declaredSrid(text: string): number | undefined {
  try {
    const name = (JSON.parse(text) as { crs?: { properties?: { name?: unknown } } })?.crs?.properties?.name;
    return typeof name === 'string' ? sridOf(name) : undefined;
  } catch {
    return undefined;
  }
}

const MAX_ERRORS = 20;
const ERROR_ROW = (row: number, key: string, what = '') => ({ pointer: `/rows/${row}${what}`, key });

/** Parses "EPSG:26191", "urn:ogc:def:crs:EPSG::26191", "http://www.opengis.net/def/crs/EPSG/0/26191", CRS84. */
export function sridOf(name: string): number | undefined {
  if (/CRS84$/i.test(name)) return 4326;
  const m = /EPSG(?::{1,2}|\/0\/)(\d{4,6})$/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Values from a CSV arrive as text: numbers, booleans and empties become what the schema says. */
function coerce(schema: readonly LayerAttribute[], values: Record<string, string>) {
  const out: Record<string, unknown> = {};
  for (const a of schema) {
    const v = values[a.name];
    if (v === undefined || v === '') continue;
    if ((a.type === 'integer' || a.type === 'number') && /^-?\d+(\.\d+)?$/.test(v.trim())) out[a.name] = Number(v);
    else if (a.type === 'boolean' && /^(true|false)$/i.test(v.trim())) out[a.name] = v.trim().toLowerCase() === 'true';
    else out[a.name] = v;
  }
  return out;
}

function keep(schema: readonly LayerAttribute[], properties: Record<string, unknown>, ignored: Set<string>) {
  const names = new Set(schema.map((a) => a.name));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(properties)) {
    if (names.has(k)) out[k] = v;
    else ignored.add(k);
  }
  return out;
}

export function parseGeoJson(
  text: string,
  layer: { geometryType: GeometryType; attributes: LayerAttribute[] },
  projected: boolean,
): ParsedImport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { rows: [], errors: [{ pointer: '/file', key: 'problem.gis.import.not_json' }], ignored: [] };
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { rows: [], errors: [{ pointer: '/file', key: 'problem.gis.import.not_feature_collection' }], ignored: [] };
  }
  const rows: ImportRow[] = [];
  const errors: FieldError[] = [];
  const ignored = new Set<string>();
  fc.features.forEach((f: unknown, i: number) => {
    const row = i + 1;
    if (errors.length >= MAX_ERRORS) return;
    const feature = f as { type?: unknown; geometry?: { type: string; coordinates?: unknown } | null; properties?: unknown };
    if (feature?.type !== 'Feature' || !feature.geometry || typeof feature.geometry !== 'object') {
      errors.push(ERROR_ROW(row, 'problem.gis.import.no_geometry'));
      return;
    }
    const properties =
      feature.properties && typeof feature.properties === 'object' && !Array.isArray(feature.properties)
        ? keep(layer.attributes, feature.properties as Record<string, unknown>, ignored)
        : {};
    const problems = [
      ...checkGeometry(feature.geometry, layer.geometryType, `/rows/${row}/geometry`, { projected }),
      ...checkProperties(layer.attributes, properties, `/rows/${row}/properties`),
    ];
    if (problems.length) errors.push(...problems);
    else rows.push({ row, geometry: { geojson: feature.geometry }, properties });
  });
  return { rows, errors: errors.slice(0, MAX_ERRORS), ignored: [...ignored].sort() };
}

const LON = ['lon', 'lng', 'long', 'longitude', 'x'];
const LAT = ['lat', 'latitude', 'y'];
const WKT = ['wkt', 'geometry', 'geom', 'the_geom'];

export function parseCsv(
  text: string,
  layer: { geometryType: GeometryType; attributes: LayerAttribute[] },
  projected: boolean,
): ParsedImport {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return { rows: [], errors: [{ pointer: line ? `/rows/${line}` : '/file', key: 'problem.gis.import.csv' }], ignored: [] };
  }
  const [header, ...lines] = records;
  if (!header) return { rows: [], errors: [{ pointer: '/file', key: 'problem.gis.import.empty' }], ignored: [] };
  const names = header.map((h) => h.toLowerCase());
  const find = (candidates: string[]) => names.findIndex((n) => candidates.includes(n));
  const [lon, lat, wkt] = [find(LON), find(LAT), find(WKT)];
  if (wkt < 0 && (lon < 0 || lat < 0))
    return { rows: [], errors: [{ pointer: '/file', key: 'problem.gis.import.no_coordinates' }], ignored: [] };
  const geometryColumns = new Set([lon, lat, wkt].filter((i) => i >= 0));
  const ignored = new Set<string>();
  const rows: ImportRow[] = [];
  const errors: FieldError[] = [];
  lines.forEach((cells, i) => {
    const row = i + 2;
    if (errors.length >= MAX_ERRORS) return;
    const values: Record<string, string> = {};
    header.forEach((h, c) => {
      if (!geometryColumns.has(c)) values[h] = cells[c] ?? '';
    });
    const properties = coerce(layer.attributes, values);
    for (const h of Object.keys(values)) if (!layer.attributes.some((a) => a.name === h)) ignored.add(h);
    let geometry: ImportRow['geometry'];
    const problems: FieldError[] = [];
    if (wkt >= 0 && cells[wkt]) {
      const text = cells[wkt]!;
      if (!/^\s*(MULTI)?(POINT|LINESTRING|POLYGON)\s*\(/i.test(text)) problems.push(ERROR_ROW(row, 'problem.gis.import.wkt', '/geometry'));
      geometry = { wkt: text };
    } else {
      const coordinates = [Number(cells[lon]), Number(cells[lat])];
      geometry = { geojson: { type: 'Point', coordinates } };
      problems.push(...checkGeometry({ type: 'Point', coordinates }, layer.geometryType, `/rows/${row}/geometry`, { projected }));
    }
    problems.push(...checkProperties(layer.attributes, properties, `/rows/${row}/properties`));
    if (problems.length) errors.push(...problems);
    else rows.push({ row, geometry, properties });
  });
  return { rows, errors: errors.slice(0, MAX_ERRORS), ignored: [...ignored].sort() };
}
