/**
 * Reading an import file into rows: GeoJSON (FeatureCollection), CSV (longitude/latitude columns
 * or a WKT column), zipped Shapefile and GeoPackage (see ./formats), in WGS 84 or a Moroccan
 * projected system. Every format yields the same records, checked here one by one against the
 * layer (geometry kind, coordinates, attribute schema); problems name their rows.
 */
import { parse } from 'csv-parse/sync';
import type { FieldError } from '../../platform/http/errors.js';
import { checkGeometry, checkProperties } from './features.js';
import { FileProblem } from './formats/problem.js';
import type { GeometryType, LayerAttribute } from './gis.repository.js';

/**
 * The systems an import may be in: WGS 84 and those Moroccan cadastre and planning use — Merchich
 * (geographic) and its Lambert zones Nord Maroc, Sud Maroc, Sahara Nord, Sahara Sud — and web mercator.
 */
export const IMPORT_CRS = [4326, 4261, 26191, 26192, 26194, 26195, 3857] as const;
export type ImportSrid = (typeof IMPORT_CRS)[number];
export const isImportSrid = (srid: number | undefined): srid is ImportSrid =>
  (IMPORT_CRS as readonly (number | undefined)[]).includes(srid);

/** GeoJSON geometry, WKT text (CSV) or hex WKB (GeoPackage), in the file's coordinate system. */
export type RowGeometry = { geojson: unknown } | { wkt: string } | { wkb: string };

export interface ImportRow {
  /** 1-based: a feature's position, a CSV line's number (the header is line 1). */
  row: number;
  geometry: RowGeometry;
  properties: Record<string, unknown>;
}

/** One record as a format reads it, before the layer's checks; `problems` are the reader's own. */
export interface SourceRecord {
  row: number;
  geometry: RowGeometry | null;
  properties: Record<string, unknown>;
  problems?: FieldError[];
}

/** An opened import file: its records in order, how many there are, and the system it names. */
export interface ImportSource {
  total: number | null;
  /** The EPSG code the file names; `null` when it names one that is not supported. */
  declaredSrid?: number | null;
  records(): AsyncIterable<SourceRecord>;
}

export interface ImportLayer {
  geometryType: GeometryType;
  attributes: LayerAttribute[];
}

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

/**
 * Checks one record against the layer: the properties the layer has an attribute for are kept (the
 * others are added to `ignored`), the geometry's kind and coordinates (degrees are checked for range,
 * metres of a projected system only for being numbers; WKB is checked by PostGIS) and the attributes.
 */
export function checkRecord(layer: ImportLayer, record: SourceRecord, projected: boolean, ignored: Set<string>) {
  const names = new Set(layer.attributes.map((a) => a.name));
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record.properties)) {
    if (names.has(k)) {
      if (v !== null && v !== undefined) properties[k] = v instanceof Date ? v.toISOString().slice(0, 10) : v;
    } else ignored.add(k);
  }
  const { row, geometry } = record;
  const problems = [...(record.problems ?? [])];
  if (!geometry) problems.push(ERROR_ROW(row, 'problem.gis.import.no_geometry'));
  else if ('geojson' in geometry)
    problems.push(...checkGeometry(geometry.geojson as { type: string }, layer.geometryType, `/rows/${row}/geometry`, { projected }));
  problems.push(...checkProperties(layer.attributes, properties, `/rows/${row}/properties`));
  return problems.length || !geometry ? { problems } : { problems, row: { row, geometry, properties } satisfies ImportRow };
}

async function* inOrder(records: SourceRecord[]) {
  yield* records;
}

export function geoJsonSource(text: string): ImportSource {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new FileProblem('problem.gis.import.not_json');
  }
  const fc = doc as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new FileProblem('problem.gis.import.not_feature_collection');
  const crsName = fc.crs?.properties?.name;
  const named = typeof crsName === 'string' ? sridOf(crsName) : undefined;
  const features = fc.features as unknown[];
  return {
    total: features.length,
    declaredSrid: crsName === undefined ? undefined : isImportSrid(named) ? named : null,
    records: () =>
      inOrder(
        features.map((f, i) => {
          const feature = f as { type?: unknown; geometry?: unknown; properties?: unknown };
          const ok = feature?.type === 'Feature' && feature.geometry !== null && typeof feature.geometry === 'object';
          const props = feature?.properties;
          return {
            row: i + 1,
            geometry: ok ? { geojson: feature.geometry } : null,
            properties: props && typeof props === 'object' && !Array.isArray(props) ? (props as Record<string, unknown>) : {},
          };
        }),
      ),
  };
}

const LON = ['lon', 'lng', 'long', 'longitude', 'x'];
const LAT = ['lat', 'latitude', 'y'];
const WKT = ['wkt', 'geometry', 'geom', 'the_geom'];

export function csvSource(text: string, layer: ImportLayer): ImportSource {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new FileProblem('problem.gis.import.csv', {}, line ? `/rows/${line}` : '/file');
  }
  const [header, ...lines] = records;
  if (!header) throw new FileProblem('problem.gis.import.empty');
  const names = header.map((h) => h.toLowerCase());
  const find = (candidates: string[]) => names.findIndex((n) => candidates.includes(n));
  const [lon, lat, wkt] = [find(LON), find(LAT), find(WKT)];
  if (wkt < 0 && (lon < 0 || lat < 0)) throw new FileProblem('problem.gis.import.no_coordinates');
  const geometryColumns = new Set([lon, lat, wkt].filter((i) => i >= 0));
  return {
    total: lines.length,
    records: () =>
      inOrder(
        lines.map((cells, i) => {
          const row = i + 2;
          const values: Record<string, string> = {};
          header.forEach((h, c) => {
            if (!geometryColumns.has(c)) values[h] = cells[c] ?? '';
          });
          const properties: Record<string, unknown> = coerce(layer.attributes, values);
          for (const h of Object.keys(values)) if (!layer.attributes.some((a) => a.name === h)) properties[h] = values[h];
          if (wkt >= 0 && cells[wkt]) {
            const text = cells[wkt]!;
            const readable = /^\s*(MULTI)?(POINT|LINESTRING|POLYGON)\s*\(/i.test(text);
            return {
              row,
              geometry: { wkt: text },
              properties,
              problems: readable ? [] : [ERROR_ROW(row, 'problem.gis.import.wkt', '/geometry')],
            };
          }
          return { row, geometry: { geojson: { type: 'Point', coordinates: [Number(cells[lon]), Number(cells[lat])] } }, properties };
        }),
      ),
  };
}
