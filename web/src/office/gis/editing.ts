/**
 * The editor's pure parts: which drawing tools a layer's geometry type allows, geometries between
 * the layer (Multi* types) and terra-draw (single parts), and attribute values between the form
 * (text) and the API (typed JSON). No React, no map.
 */
import type { Geometry, LineString, Point, Polygon, Position } from 'geojson';
import type { GeometryType, LayerAttribute, Properties } from './gis-api';

export type DrawMode = 'point' | 'linestring' | 'polygon';
export type Simple = Point | LineString | Polygon;

/** The drawing tools for a layer: one per geometry type, all three for a layer of any geometry. */
export function drawModesOf(type: GeometryType): DrawMode[] {
  switch (type) {
    case 'Point':
    case 'MultiPoint':
      return ['point'];
    case 'LineString':
    case 'MultiLineString':
      return ['linestring'];
    case 'Polygon':
    case 'MultiPolygon':
      return ['polygon'];
    case 'Geometry':
      return ['point', 'linestring', 'polygon'];
  }
}

export const MODE_OF: Record<Simple['type'], DrawMode> = { Point: 'point', LineString: 'linestring', Polygon: 'polygon' };

/** A stored geometry as terra-draw edits it (one part), or null when it has several parts (not editable here). */
export function toSimple(geometry: Geometry): Simple | null {
  switch (geometry.type) {
    case 'Point':
    case 'LineString':
    case 'Polygon':
      return geometry;
    case 'MultiPoint':
      return geometry.coordinates.length === 1 && geometry.coordinates[0] ? { type: 'Point', coordinates: geometry.coordinates[0] } : null;
    case 'MultiLineString':
      return geometry.coordinates.length === 1 && geometry.coordinates[0]
        ? { type: 'LineString', coordinates: geometry.coordinates[0] }
        : null;
    case 'MultiPolygon':
      return geometry.coordinates.length === 1 && geometry.coordinates[0]
        ? { type: 'Polygon', coordinates: geometry.coordinates[0] }
        : null;
    default:
      return null;
  }
}

/** A drawn geometry as the layer stores it (a Multi* layer gets a one-part Multi*). */
export function toLayer(geometry: Simple, layerType: GeometryType): Geometry {
  if (layerType === 'MultiPoint' && geometry.type === 'Point') return { type: 'MultiPoint', coordinates: [geometry.coordinates] };
  if (layerType === 'MultiLineString' && geometry.type === 'LineString')
    return { type: 'MultiLineString', coordinates: [geometry.coordinates] };
  if (layerType === 'MultiPolygon' && geometry.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [geometry.coordinates] };
  return geometry;
}

/** The shape typed vertex by vertex (the keyboard's way to draw), or null while too few vertices. */
export function shapeOf(mode: DrawMode, vertices: Position[]): Simple | null {
  const [first] = vertices;
  if (!first) return null;
  if (mode === 'point') return { type: 'Point', coordinates: first };
  if (mode === 'linestring') return vertices.length >= 2 ? { type: 'LineString', coordinates: vertices } : null;
  return vertices.length >= 3 ? { type: 'Polygon', coordinates: [[...vertices, first]] } : null;
}

/** Form values: text for every type but booleans. */
export type FormValues = Record<string, string | boolean>;

const pad = (n: number) => String(n).padStart(2, '0');

/** An attribute's stored value as its input shows it (datetime in the browser's local time, as datetime-local does). */
export function toFormValue(type: string, value: unknown): string | boolean {
  if (type === 'boolean') return value === true;
  if (value === null || value === undefined) return '';
  if (type === 'datetime' && typeof value === 'string') {
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) return value;
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
  }
  return String(value);
}

export function formValuesOf(attributes: LayerAttribute[], properties: Record<string, unknown>): FormValues {
  return Object.fromEntries(attributes.map((a) => [a.name, toFormValue(a.type, properties[a.name])]));
}

/**
 * The form's values as the API takes them. An empty field is left out (the server says when it is
 * required); a value that does not read as its type goes as typed, for the server to refuse with
 * its own localized message beside the field.
 */
export function propertiesOf(attributes: LayerAttribute[], values: FormValues): Properties {
  const out: Properties = {};
  for (const a of attributes) {
    const value = values[a.name];
    if (typeof value === 'boolean') {
      out[a.name] = value;
      continue;
    }
    const text = (value ?? '').trim();
    if (text === '') continue;
    if (a.type === 'integer' || a.type === 'number') {
      const n = Number(text);
      out[a.name] = Number.isFinite(n) ? n : text;
    } else if (a.type === 'datetime') {
      const at = new Date(text);
      out[a.name] = Number.isNaN(at.getTime()) ? text : at.toISOString();
    } else out[a.name] = text;
  }
  return out;
}
