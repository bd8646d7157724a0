/**
 * Small OpenStreetMap extracts for the tests, at real places of Berkane: points are computed by
 * PostGIS inside the commune's boundary from ../shared/data/morocco/berkane_commune.geojson, never
 * typed in. XML is written here; the PBF twin is made by Debian's `osmium cat` when it is installed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { sql } from 'kysely';
import Pbf from 'pbf';
import type { Database } from '../../../platform/db/database.js';

export const BERKANE_FILE = path.resolve(import.meta.dirname, '../../../../../shared/data/morocco/berkane_commune.geojson');

/** Points drawn (with a fixed seed) at least 400 m inside Berkane's boundary, and one 20 km outside it. */
export async function berkanePoints(db: Database, count: number): Promise<{ inside: [number, number][]; outside: [number, number] }> {
  const collection = JSON.parse(fs.readFileSync(BERKANE_FILE, 'utf8')) as { features: { geometry: unknown }[] };
  const boundary = JSON.stringify(collection.features[0]!.geometry);
  const { rows } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
      FROM ST_Dump(ST_GeneratePoints(ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON(${boundary}), 4326)::geography, -400)::geometry, ${count}::int, 2026)) AS p
     ORDER BY p.path`.execute(db.kysely);
  const { rows: far } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat
      FROM (SELECT ST_Project(ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON(${boundary}), 4326))::geography, 20000, 0)::geometry AS p) AS t`.execute(
    db.kysely,
  );
  return { inside: rows.map((r) => [r.lon, r.lat]), outside: [far[0]!.lon, far[0]!.lat] };
}

type Tags = Record<string, string>;
const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const tagXml = (tags: Tags) => Object.entries(tags).map(([k, v]) => `    <tag k="${xmlEscape(k)}" v="${xmlEscape(v)}"/>`);

/** Builds an `.osm` XML document node by node, way by way (ids ascending, as osmium writes them). */
export class OsmXml {
  private readonly nodes: string[] = [];
  private readonly ways: string[] = [];
  private readonly relations: string[] = [];
  private nextNode = 1000;
  private nextWay = 2000;
  private nextRelation = 3000;

  node([lon, lat]: [number, number], tags: Tags = {}): number {
    const id = this.nextNode++;
    const attrs = `id="${id}" version="1" timestamp="2026-11-01T00:00:00Z" lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"`;
    this.nodes.push(Object.keys(tags).length ? `  <node ${attrs}>\n${tagXml(tags).join('\n')}\n  </node>` : `  <node ${attrs}/>`);
    return id;
  }

  way(refs: number[], tags: Tags = {}): number {
    const id = this.nextWay++;
    this.ways.push(`  <way id="${id}" version="1">\n${[...refs.map((r) => `    <nd ref="${r}"/>`), ...tagXml(tags)].join('\n')}\n  </way>`);
    return id;
  }

  relation(members: { type: 'node' | 'way'; ref: number; role: string }[], tags: Tags): number {
    const id = this.nextRelation++;
    const lines = members.map((m) => `    <member type="${m.type}" ref="${m.ref}" role="${m.role}"/>`);
    this.relations.push(`  <relation id="${id}" version="1">\n${[...lines, ...tagXml(tags)].join('\n')}\n  </relation>`);
    return id;
  }

  toString() {
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<osm version="0.6" generator="madina-tests">`,
      ...this.nodes,
      ...this.ways,
      ...this.relations,
      `</osm>`,
      '',
    ].join('\n');
  }
}

/** Whether Debian's osmium-tool is installed (CI installs it). */
export function hasOsmium(): boolean {
  try {
    execFileSync('osmium', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `osmium cat in.osm -o out.osm.pbf`. */
export function osmiumToPbf(xmlFile: string, pbfFile: string) {
  execFileSync('osmium', ['cat', xmlFile, '-o', pbfFile, '--overwrite'], { stdio: 'ignore' });
}

const message = (write: (pbf: Pbf) => void) => {
  const pbf = new Pbf();
  write(pbf);
  return pbf.finish();
};

/** One PBF file block (length, BlobHeader, Blob), with its sizes as given: for hostile files. */
export function pbfBlock(type: string, blob: Uint8Array, declaredSize = blob.length): Buffer {
  const header = message((p) => {
    p.writeStringField(1, type);
    p.writeVarintField(3, declaredSize);
  });
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, blob]);
}

/** A Blob holding `data` raw. */
export const rawBlob = (data: Uint8Array) => message((p) => p.writeBytesField(1, data));

/** A Blob whose zlib data inflates to `inflated`, declaring `rawSize`. */
export const zlibBlob = (inflated: Uint8Array, rawSize: number) =>
  message((p) => {
    p.writeVarintField(2, rawSize);
    p.writeBytesField(3, deflateSync(inflated));
  });

/** A HeaderBlock requiring these features. */
export const headerBlock = (required: string[]) =>
  message((p) => {
    for (const f of required) p.writeStringField(4, f);
  });
