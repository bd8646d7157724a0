/**
 * NGSI-LD geo-queries (ETSI GS CIM 009, 4.10): `georel` (near;maxDistance==m | near;minDistance==m,
 * within, contains, intersects, disjoint, equals, overlaps), `geometry` and `coordinates` (GeoJSON
 * positions, longitude first, WGS 84), compiled to PostGIS predicates on the entity's location.
 */
import { type RawBuilder, sql } from 'kysely';
import { badRequest } from './errors.js';

const GEOMETRIES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'] as const;
type GeometryType = (typeof GEOMETRIES)[number];
const RELATIONS = ['near', 'within', 'contains', 'intersects', 'disjoint', 'equals', 'overlaps'] as const;
type Relation = (typeof RELATIONS)[number];

export interface GeoQuery {
  relation: Relation;
  maxDistance?: number;
  minDistance?: number;
  geometry: { type: GeometryType; coordinates: unknown };
}

const MAX_COORDINATES_LENGTH = 100_000;
const MAX_POSITIONS = 10_000;
/** Farther than half the Earth's circumference is everywhere. */
const MAX_DISTANCE_M = 20_037_509;

function isPosition(p: unknown): p is [number, number] {
  return (
    Array.isArray(p) &&
    (p.length === 2 || p.length === 3) &&
    p.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    Math.abs(p[0] as number) <= 180 &&
    Math.abs(p[1] as number) <= 90
  );
}

/** Checks the nesting of GeoJSON coordinates for a geometry type; counts positions on the way. */
function checkCoordinates(type: GeometryType, c: unknown): boolean {
  let positions = 0;
  const position = (p: unknown) => ++positions <= MAX_POSITIONS && isPosition(p);
  const line = (l: unknown, min: number) => Array.isArray(l) && l.length >= min && l.every(position);
  const ring = (r: unknown) =>
    line(r, 4) &&
    (r as number[][])[0]?.[0] === (r as number[][]).at(-1)?.[0] &&
    (r as number[][])[0]?.[1] === (r as number[][]).at(-1)?.[1];
  const polygon = (p: unknown) => Array.isArray(p) && p.length >= 1 && p.every(ring);
  const many = (f: (x: unknown) => boolean) => Array.isArray(c) && c.length >= 1 && c.every(f);
  switch (type) {
    case 'Point':
      return position(c);
    case 'MultiPoint':
      return many(position);
    case 'LineString':
      return line(c, 2);
    case 'MultiLineString':
      return many((l) => line(l, 2));
    case 'Polygon':
      return polygon(c);
    case 'MultiPolygon':
      return many(polygon);
  }
}

/**
 * Reads the geo-query parameters; undefined when none is given. Throws BadRequestData when only
 * some are given, or any is malformed (unknown relation, coordinates out of range, open rings).
 */
export function parseGeoQuery(q: { georel?: string; geometry?: string; coordinates?: string; geoproperty?: string }): GeoQuery | undefined {
  if (q.georel === undefined && q.geometry === undefined && q.coordinates === undefined) return undefined;
  if (q.georel === undefined || q.geometry === undefined || q.coordinates === undefined) {
    throw badRequest('a geo-query needs georel, geometry and coordinates together');
  }
  if (q.geoproperty !== undefined && q.geoproperty !== 'location') throw badRequest('geoproperty: only location is supported');
  const [relation, ...modifiers] = q.georel.split(';');
  if (!(RELATIONS as readonly string[]).includes(relation ?? '')) throw badRequest(`georel: unknown relation "${relation}"`);
  const query: Omit<GeoQuery, 'geometry'> = { relation: relation as Relation };
  for (const m of modifiers) {
    const match = /^(maxDistance|minDistance)==(\d+(?:\.\d+)?)$/.exec(m);
    if (!match || relation !== 'near') throw badRequest(`georel: bad modifier "${m}"`);
    const value = Number(match[2]);
    if (value > MAX_DISTANCE_M) throw badRequest(`georel: ${match[1]} over ${MAX_DISTANCE_M} m`);
    query[match[1] as 'maxDistance' | 'minDistance'] = value;
  }
  if (relation === 'near' && query.maxDistance === undefined && query.minDistance === undefined) {
    throw badRequest('georel: near needs maxDistance or minDistance');
  }
  if (!(GEOMETRIES as readonly string[]).includes(q.geometry)) throw badRequest(`geometry: unsupported "${q.geometry}"`);
  if (q.coordinates.length > MAX_COORDINATES_LENGTH) throw badRequest('coordinates: too long');
  let coordinates: unknown;
  try {
    coordinates = JSON.parse(q.coordinates);
  } catch {
    throw badRequest('coordinates: not a JSON array');
  }
  const type = q.geometry as GeometryType;
  if (!checkCoordinates(type, coordinates)) {
    throw badRequest(`coordinates: not a valid ${type} in longitude, latitude (|lon| <= 180, |lat| <= 90, closed rings)`);
  }
  return { ...query, geometry: { type, coordinates } };
}

/** The predicate of a geo-query on a geometry column (SRID 4326); distances in metres on the spheroid. */
export function geoPredicate(column: RawBuilder<unknown>, g: GeoQuery): RawBuilder<boolean> {
  const shape = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(g.geometry)}), 4326)`;
  switch (g.relation) {
    case 'near': {
      const parts: RawBuilder<unknown>[] = [];
      if (g.maxDistance !== undefined) parts.push(sql`ST_DWithin(${column}::geography, ${shape}::geography, ${g.maxDistance})`);
      if (g.minDistance !== undefined) parts.push(sql`NOT ST_DWithin(${column}::geography, ${shape}::geography, ${g.minDistance})`);
      return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
    }
    case 'within':
      return sql<boolean>`ST_Within(${column}, ${shape})`;
    case 'contains':
      return sql<boolean>`ST_Contains(${column}, ${shape})`;
    case 'intersects':
      return sql<boolean>`ST_Intersects(${column}, ${shape})`;
    case 'disjoint':
      return sql<boolean>`ST_Disjoint(${column}, ${shape})`;
    case 'equals':
      return sql<boolean>`ST_Equals(${column}, ${shape})`;
    case 'overlaps':
      return sql<boolean>`ST_Overlaps(${column}, ${shape})`;
  }
}
