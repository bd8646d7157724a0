/**
 * Turns the entities of an extract into GeoJSON features: tagged nodes into Points, ways into
 * LineStrings or (closed, and an area by their tags) Polygons, `type=multipolygon` relations into
 * MultiPolygons whose member ways are joined into rings. One pass over the file: node locations
 * are kept in memory (about 60 bytes a node: a commune's extract of a few hundred thousand nodes
 * takes tens of MB; more than MAX_NODES is refused), ways' node lists until the end of the file.
 */
import { badOsm, type OsmEntity, type OsmType, type Tags } from './reader.js';

type Position = [number, number];
export type OsmGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** A feature of the extract, by its OSM id, for the import's targets. */
export interface OsmFeature {
  osmType: OsmType;
  osmId: number;
  tags: Tags;
  geometry: OsmGeometry;
}

export interface Assembled {
  features: OsmFeature[];
  read: { nodes: number; ways: number; relations: number };
  /** Ways (and multipolygons) left out because they name nodes (ways) the extract lacks. */
  missingNodes: number;
  /** Multipolygons whose member ways do not close into rings. */
  brokenAreas: number;
}

/** The most node locations kept: about 300 MB (a region, not a commune, is that big: cut it with `osmium extract`). */
export const MAX_NODES = 5_000_000;

/** Tags that make a closed way an area rather than a loop of road or wall (the usual OSM convention, simplified). */
const AREA_KEYS = ['building', 'landuse', 'amenity', 'leisure', 'natural', 'place', 'shop', 'tourism', 'man_made'];
const isArea = (tags: Tags) => tags.area === 'yes' || (tags.area !== 'no' && !tags.highway && AREA_KEYS.some((k) => k in tags));

/** Node locations by id, in a growing typed array (a Map of pairs would take three times the memory). */
class NodeStore {
  private readonly index = new Map<number, number>();
  private coords = new Float64Array(1 << 16);

  add(id: number, lon: number, lat: number) {
    if (this.index.size >= MAX_NODES) throw badOsm('too_many_nodes', { max: MAX_NODES });
    const i = this.index.get(id) ?? this.index.size;
    if (2 * i + 2 > this.coords.length) {
      const grown = new Float64Array(this.coords.length * 2);
      grown.set(this.coords);
      this.coords = grown;
    }
    this.index.set(id, i);
    this.coords[2 * i] = lon;
    this.coords[2 * i + 1] = lat;
  }

  get(id: number): Position | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : [this.coords[2 * i]!, this.coords[2 * i + 1]!];
  }
}

const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/** Joins open ways end to end into closed rings; null when some cannot close. */
export function joinRings(ways: Position[][]): Position[][] | null {
  const open = ways.filter((w) => w.length >= 2).map((w) => [...w]);
  const rings: Position[][] = [];
  while (open.length) {
    const ring = open.shift()!;
    while (!same(ring[0]!, ring.at(-1)!)) {
      const end = ring.at(-1)!;
      const next = open.findIndex((w) => same(w[0]!, end) || same(w.at(-1)!, end));
      if (next < 0) return null;
      const [way] = open.splice(next, 1);
      ring.push(...(same(way![0]!, end) ? way! : way!.reverse()).slice(1));
    }
    if (ring.length < 4) return null;
    rings.push(ring);
  }
  return rings;
}

/** Ray casting: whether `p` lies inside the closed ring. */
function inside(p: Position, ring: Position[]) {
  let within = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) within = !within;
  }
  return within;
}

/** Reads the extract and assembles the features whose tags `wanted` accepts. */
export async function assemble(entities: AsyncIterable<OsmEntity>, wanted: (tags: Tags) => boolean): Promise<Assembled> {
  const nodes = new NodeStore();
  const ways = new Map<number, { refs: number[]; tags: Tags }>();
  const relations: Extract<OsmEntity, { type: 'relation' }>[] = [];
  const features: OsmFeature[] = [];
  const read = { nodes: 0, ways: 0, relations: 0 };
  for await (const e of entities) {
    if (e.type === 'node') {
      read.nodes++;
      nodes.add(e.id, e.lon, e.lat);
      if (wanted(e.tags))
        features.push({ osmType: 'node', osmId: e.id, tags: e.tags, geometry: { type: 'Point', coordinates: [e.lon, e.lat] } });
    } else if (e.type === 'way') {
      read.ways++;
      ways.set(e.id, { refs: e.refs, tags: e.tags });
    } else {
      read.relations++;
      if (e.tags.type === 'multipolygon' && wanted(e.tags)) relations.push(e);
    }
  }
  let missingNodes = 0;
  let brokenAreas = 0;
  const line = (refs: number[]) => {
    const coordinates = refs.map((r) => nodes.get(r));
    return coordinates.every((c) => c !== undefined) ? (coordinates as Position[]) : undefined;
  };
  for (const [id, way] of ways) {
    if (!wanted(way.tags) || way.refs.length < 2) continue;
    const coordinates = line(way.refs);
    if (!coordinates) {
      missingNodes++;
      continue;
    }
    const closed = coordinates.length >= 4 && same(coordinates[0]!, coordinates.at(-1)!);
    features.push({
      osmType: 'way',
      osmId: id,
      tags: way.tags,
      geometry: closed && isArea(way.tags) ? { type: 'Polygon', coordinates: [coordinates] } : { type: 'LineString', coordinates },
    });
  }
  for (const relation of relations) {
    const members = (role: string) =>
      relation.members.filter((m) => m.type === 'way' && (m.role || 'outer') === role).map((m) => ways.get(m.ref)?.refs);
    const [outerRefs, innerRefs] = [members('outer'), members('inner')];
    const outerLines = outerRefs.map((refs) => refs && line(refs));
    const innerLines = innerRefs.map((refs) => refs && line(refs));
    if (![...outerLines, ...innerLines].every((l) => l !== undefined)) {
      missingNodes++;
      continue;
    }
    const outers = joinRings(outerLines as Position[][]);
    const inners = joinRings(innerLines as Position[][]);
    if (!outers?.length || !inners) {
      brokenAreas++;
      continue;
    }
    const polygons = outers.map((outer) => [outer]);
    for (const hole of inners) polygons.find((p) => inside(hole[0]!, p[0]!))?.push(hole);
    features.push({
      osmType: 'relation',
      osmId: relation.id,
      tags: relation.tags,
      geometry: { type: 'MultiPolygon', coordinates: polygons },
    });
  }
  return { features, read, missingNodes, brokenAreas };
}
