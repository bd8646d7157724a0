import type { FieldError } from '../../platform/http/errors.js';
import type { GeometryType, LayerAttribute } from './gis.repository.js';

type Position = number[];
interface Geometry {
  type: string;
  coordinates?: unknown;
}

const DEPTH: Record<string, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };
const MAX_POSITIONS = 100_000;

/**
 * Checks a GeoJSON geometry before PostGIS sees it: a known type that the layer accepts (a Multi
 * layer takes the single type too), coordinates as nested arrays of finite [lon, lat] in range
 * (or of any finite [x, y] in a projected system),
 * enough positions for lines and closed rings for polygons. Returns the fields at fault.
 */
export function checkGeometry(
  geometry: Geometry,
  layerType: GeometryType,
  pointer: string,
  options: { projected?: boolean } = {},
): FieldError[] {
  const depth = DEPTH[geometry.type];
  if (depth === undefined) return [{ pointer: `${pointer}/type`, key: 'problem.field.invalid' }];
  if (layerType !== 'Geometry' && layerType !== geometry.type && layerType !== `Multi${geometry.type}`) {
    return [{ pointer: `${pointer}/type`, key: 'problem.gis.geometry_type' }];
  }
  let count = 0;
  const positionOk = (p: unknown): p is Position =>
    Array.isArray(p) &&
    (p.length === 2 || p.length === 3) &&
    p.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    // Metres in a projected system; degrees otherwise.
    (options.projected || (Math.abs(p[0] as number) <= 180 && Math.abs(p[1] as number) <= 90));
  const walk = (value: unknown, level: number): boolean => {
    if (level === 0) {
      count++;
      return positionOk(value);
    }
    if (!Array.isArray(value) || value.length === 0) return false;
    return value.every((v) => walk(v, level - 1));
  };
  if (!walk(geometry.coordinates, depth) || count > MAX_POSITIONS)
    return [{ pointer: `${pointer}/coordinates`, key: 'problem.gis.coordinates' }];
  const lines = (value: unknown, level: number): Position[][] =>
    level === 1 ? [value as Position[]] : (value as unknown[]).flatMap((v) => lines(v, level - 1));
  if (geometry.type.endsWith('LineString') && lines(geometry.coordinates, depth).some((l) => l.length < 2)) {
    return [{ pointer: `${pointer}/coordinates`, key: 'problem.gis.coordinates' }];
  }
  if (geometry.type.endsWith('Polygon')) {
    const closed = (ring: Position[]) => ring.length >= 4 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1];
    if (!lines(geometry.coordinates, depth).every(closed)) return [{ pointer: `${pointer}/coordinates`, key: 'problem.gis.ring' }];
  }
  return [];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks a feature's attributes against the layer's schema: known names, right types, required ones present. */
export function checkProperties(schema: readonly LayerAttribute[], properties: Record<string, unknown>, pointer: string): FieldError[] {
  const errors: FieldError[] = [];
  const byName = new Map(schema.map((a) => [a.name, a]));
  for (const name of Object.keys(properties))
    if (!byName.has(name)) errors.push({ pointer: `${pointer}/${name}`, key: 'problem.field.unknown' });
  for (const a of schema) {
    const v = properties[a.name];
    if (v === undefined || v === null) {
      if (a.required) errors.push({ pointer: `${pointer}/${a.name}`, key: 'problem.field.required' });
      continue;
    }
    const ok =
      (a.type === 'string' && typeof v === 'string' && v.length <= 10_000) ||
      (a.type === 'integer' && Number.isSafeInteger(v)) ||
      (a.type === 'number' && typeof v === 'number' && Number.isFinite(v)) ||
      (a.type === 'boolean' && typeof v === 'boolean') ||
      (a.type === 'date' && typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v))) ||
      (a.type === 'datetime' && typeof v === 'string' && ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
    if (!ok) errors.push({ pointer: `${pointer}/${a.name}`, key: 'problem.field.invalid' });
  }
  return errors;
}
