/**
 * Reads an OpenStreetMap extract as a stream of nodes, ways and relations, from the file on disk
 * and never whole: `.osm` XML through `saxes` (a DOCTYPE, and so any entity, is refused) or
 * `.osm.pbf` through a decoder of the PBF format over `pbf` and node:zlib (each blob is read and
 * inflated alone, both capped in size). The format is told by the first bytes, not the name.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import Pbf from 'pbf';
import { SaxesParser } from 'saxes';
import { AppError } from '../../../platform/http/errors.js';

export type Tags = Record<string, string>;
export type OsmType = 'node' | 'way' | 'relation';

export type OsmEntity =
  | { type: 'node'; id: number; lon: number; lat: number; tags: Tags }
  | { type: 'way'; id: number; refs: number[]; tags: Tags }
  | { type: 'relation'; id: number; members: { type: OsmType; ref: number; role: string }[]; tags: Tags };

/** The PBF format's own limits (https://wiki.openstreetmap.org/wiki/PBF_Format): a BlobHeader under 64 KiB, a blob under 32 MiB. */
export const BLOB_HEADER_MAX = 64 * 1024;
export const BLOB_MAX = 32 * 1024 * 1024;
/** What this reader understands; a file that requires anything else is refused. */
const SUPPORTED_FEATURES = new Set(['OsmSchema-V0.6', 'DenseNodes']);

/** An extract this reader refuses: a 422 naming why (message `problem.gis.osm.<reason>.detail`). */
export const badOsm = (reason: string, values: Record<string, unknown> = {}) =>
  new AppError('invalid_osm', 422, `problem.gis.osm.${reason}.detail`, values);

const MEMBER_TYPES: OsmType[] = ['node', 'way', 'relation'];

/** Reads nodes, ways and relations from an `.osm` or `.osm.pbf` file, in file order. */
export async function* readOsm(file: string): AsyncGenerator<OsmEntity> {
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  try {
    const probe = Buffer.alloc(64);
    const { bytesRead } = await handle.read(probe, 0, 64, 0);
    head = probe.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (isPbf(head)) yield* readPbf(file);
  else if (/^(\uFEFF)?\s*<(\?xml|osm[\s>])/.test(head.toString('utf8'))) yield* readXml(file);
  else throw new AppError('unsupported_media_type', 415, 'problem.gis.osm.format.detail');
}

/** A PBF file opens with the length of a BlobHeader whose type (field 1) is "OSMHeader". */
function isPbf(head: Buffer) {
  if (head.length < 16) return false;
  const length = head.readUInt32BE(0);
  return length > 0 && length < BLOB_HEADER_MAX && head[4] === 0x0a && head[5] === 9 && head.toString('latin1', 6, 15) === 'OSMHeader';
}

// ── PBF ────────────────────────────────────────────────────────────────────────────────────────

async function* readPbf(file: string): AsyncGenerator<OsmEntity> {
  const handle = await fs.open(file, 'r');
  try {
    let position = 0;
    let sawHeader = false;
    const exactly = async (length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      if (bytesRead < length) throw badOsm('truncated');
      position += length;
      return buffer;
    };
    for (;;) {
      const lengthBytes = Buffer.alloc(4);
      const { bytesRead } = await handle.read(lengthBytes, 0, 4, position);
      if (bytesRead === 0) break;
      if (bytesRead < 4) throw badOsm('truncated');
      position += 4;
      const headerLength = lengthBytes.readUInt32BE(0);
      if (headerLength === 0 || headerLength > BLOB_HEADER_MAX) throw badOsm('blob_size', { max: BLOB_MAX / 1024 / 1024 });
      const header = decodeBlobHeader(await exactly(headerLength));
      if (header.dataSize <= 0 || header.dataSize > BLOB_MAX) throw badOsm('blob_size', { max: BLOB_MAX / 1024 / 1024 });
      const data = blobData(await exactly(header.dataSize));
      if (header.type === 'OSMHeader') {
        checkHeaderBlock(data);
        sawHeader = true;
      } else if (header.type === 'OSMData') {
        if (!sawHeader) throw badOsm('corrupt');
        yield* primitiveBlock(data);
      }
      // Other blob types are to be skipped, says the format.
    }
    if (!sawHeader) throw badOsm('corrupt');
  } finally {
    await handle.close();
  }
}

/** Runs a protobuf decoding; anything the decoder chokes on is a corrupt file. */
function decode<T>(bytes: Uint8Array, fn: (pbf: Pbf) => T): T {
  try {
    return fn(new Pbf(bytes));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw badOsm('corrupt');
  }
}

function decodeBlobHeader(bytes: Uint8Array) {
  return decode(bytes, (pbf) =>
    pbf.readFields(
      (tag, h, p) => {
        if (tag === 1) h.type = p.readString();
        else if (tag === 3) h.dataSize = p.readVarint();
        else p.skip(p.type);
      },
      { type: '', dataSize: 0 },
    ),
  );
}

/** The uncompressed content of a Blob: raw, or zlib inflated to no more than its declared size (itself capped). */
function blobData(bytes: Uint8Array): Uint8Array {
  const blob = decode(bytes, (pbf) =>
    pbf.readFields(
      (tag, b: { raw?: Uint8Array; rawSize: number; zlib?: Uint8Array; other: boolean }, p) => {
        if (tag === 1) b.raw = p.readBytes();
        else if (tag === 2) b.rawSize = p.readVarint();
        else if (tag === 3) b.zlib = p.readBytes();
        else if (tag >= 4 && tag <= 7) {
          b.other = true;
          p.skip(p.type);
        } else p.skip(p.type);
      },
      { rawSize: 0, other: false },
    ),
  );
  if (blob.raw) return blob.raw;
  if (blob.other || !blob.zlib) throw badOsm('compression');
  if (blob.rawSize <= 0 || blob.rawSize > BLOB_MAX) throw badOsm('blob_size', { max: BLOB_MAX / 1024 / 1024 });
  try {
    // The cap stops a small blob that inflates into gigabytes (a zlib bomb) at the declared size.
    return inflateSync(blob.zlib, { maxOutputLength: blob.rawSize });
  } catch {
    throw badOsm('corrupt');
  }
}

function checkHeaderBlock(bytes: Uint8Array) {
  const required = decode(bytes, (pbf) =>
    pbf.readFields((tag, r: string[], p) => {
      if (tag === 4) r.push(p.readString());
      else p.skip(p.type);
    }, []),
  );
  const unsupported = required.filter((f) => !SUPPORTED_FEATURES.has(f));
  if (unsupported.length) throw badOsm('feature', { features: unsupported.join(', ') });
}

interface Block {
  strings: string[];
  groups: Uint8Array[];
  granularity: number;
  latOffset: number;
  lonOffset: number;
}

function* primitiveBlock(bytes: Uint8Array): Generator<OsmEntity> {
  const block = decode(bytes, (pbf) =>
    pbf.readFields(
      (tag, b: Block, p) => {
        if (tag === 1)
          b.strings = p.readFields((t, s: string[], q) => (t === 1 ? s.push(q.readString()) : q.skip(q.type)), [], p.readVarint() + p.pos);
        else if (tag === 2) b.groups.push(p.readBytes());
        else if (tag === 17) b.granularity = p.readVarint();
        else if (tag === 19) b.latOffset = p.readVarint64();
        else if (tag === 20) b.lonOffset = p.readVarint64();
        else p.skip(p.type);
      },
      { strings: [], groups: [], granularity: 100, latOffset: 0, lonOffset: 0 },
    ),
  );
  const string = (i: number) => {
    const s = block.strings[i];
    if (s === undefined) throw badOsm('corrupt');
    return s;
  };
  // Divided rather than multiplied by 1e-9: the same double as the decimal degrees of the XML.
  const degrees = (offset: number, value: number) => (offset + block.granularity * value) / 1e9;
  for (const group of block.groups) yield* decode(group, (pbf) => primitiveGroup(pbf, block, string, degrees));
}

function tagsOf(keys: number[], vals: number[], string: (i: number) => string): Tags {
  if (keys.length !== vals.length) throw badOsm('corrupt');
  const tags: Tags = {};
  keys.forEach((k, i) => {
    tags[string(k)] = string(vals[i]!);
  });
  return tags;
}

function primitiveGroup(
  pbf: Pbf,
  block: Block,
  string: (i: number) => string,
  degrees: (offset: number, value: number) => number,
): OsmEntity[] {
  const out: OsmEntity[] = [];
  pbf.readFields((tag, _, p) => {
    const end = p.readVarint() + p.pos;
    if (tag === 1) {
      const n = p.readFields(
        (t, v: { id: number; keys: number[]; vals: number[]; lat: number; lon: number }, q) => {
          if (t === 1) v.id = q.readSVarint();
          else if (t === 2) q.readPackedVarint(v.keys);
          else if (t === 3) q.readPackedVarint(v.vals);
          else if (t === 8) v.lat = q.readSVarint();
          else if (t === 9) v.lon = q.readSVarint();
          else q.skip(q.type);
        },
        { id: 0, keys: [], vals: [], lat: 0, lon: 0 },
        end,
      );
      out.push({
        type: 'node',
        id: n.id,
        lat: degrees(block.latOffset, n.lat),
        lon: degrees(block.lonOffset, n.lon),
        tags: tagsOf(n.keys, n.vals, string),
      });
    } else if (tag === 2) {
      const d = p.readFields(
        (t, v: { ids: number[]; lats: number[]; lons: number[]; keysVals: number[] }, q) => {
          if (t === 1) q.readPackedSVarint(v.ids);
          else if (t === 8) q.readPackedSVarint(v.lats);
          else if (t === 9) q.readPackedSVarint(v.lons);
          else if (t === 10) q.readPackedVarint(v.keysVals);
          else q.skip(q.type);
        },
        { ids: [], lats: [], lons: [], keysVals: [] },
        end,
      );
      if (d.lats.length !== d.ids.length || d.lons.length !== d.ids.length) throw badOsm('corrupt');
      let [id, lat, lon, kv] = [0, 0, 0, 0];
      for (let i = 0; i < d.ids.length; i++) {
        id += d.ids[i]!;
        lat += d.lats[i]!;
        lon += d.lons[i]!;
        // keys_vals: pairs of string indexes per node, each node's list ended by a 0.
        const tags: Tags = {};
        while (kv < d.keysVals.length && d.keysVals[kv] !== 0) {
          if (kv + 1 >= d.keysVals.length) throw badOsm('corrupt');
          tags[string(d.keysVals[kv]!)] = string(d.keysVals[kv + 1]!);
          kv += 2;
        }
        kv++;
        out.push({ type: 'node', id, lat: degrees(block.latOffset, lat), lon: degrees(block.lonOffset, lon), tags });
      }
    } else if (tag === 3) {
      const w = p.readFields(
        (t, v: { id: number; keys: number[]; vals: number[]; refs: number[] }, q) => {
          if (t === 1) v.id = q.readVarint();
          else if (t === 2) q.readPackedVarint(v.keys);
          else if (t === 3) q.readPackedVarint(v.vals);
          else if (t === 8) q.readPackedSVarint(v.refs);
          else q.skip(q.type);
        },
        { id: 0, keys: [], vals: [], refs: [] },
        end,
      );
      let ref = 0;
      out.push({ type: 'way', id: w.id, refs: w.refs.map((delta) => (ref += delta)), tags: tagsOf(w.keys, w.vals, string) });
    } else if (tag === 4) {
      const r = p.readFields(
        (t, v: { id: number; keys: number[]; vals: number[]; roles: number[]; memids: number[]; types: number[] }, q) => {
          if (t === 1) v.id = q.readVarint();
          else if (t === 2) q.readPackedVarint(v.keys);
          else if (t === 3) q.readPackedVarint(v.vals);
          else if (t === 8) q.readPackedVarint(v.roles);
          else if (t === 9) q.readPackedSVarint(v.memids);
          else if (t === 10) q.readPackedVarint(v.types);
          else q.skip(q.type);
        },
        { id: 0, keys: [], vals: [], roles: [], memids: [], types: [] },
        end,
      );
      if (r.roles.length !== r.memids.length || r.types.length !== r.memids.length) throw badOsm('corrupt');
      let ref = 0;
      const members = r.memids.map((delta, i) => {
        ref += delta;
        const type = MEMBER_TYPES[r.types[i]!];
        if (!type) throw badOsm('corrupt');
        return { type, ref, role: string(r.roles[i]!) };
      });
      out.push({ type: 'relation', id: r.id, members, tags: tagsOf(r.keys, r.vals, string) });
    } else p.pos = end;
    if (p.pos !== end) throw badOsm('corrupt');
  }, null);
  return out;
}

// ── XML ────────────────────────────────────────────────────────────────────────────────────────

async function* readXml(file: string): AsyncGenerator<OsmEntity> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const ready: OsmEntity[] = [];
  let current: OsmEntity | undefined;
  let depth = 0;
  let sawRoot = false;
  const number = (value: string | undefined, integer: boolean) => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) throw badOsm('corrupt');
    return n;
  };
  // No DOCTYPE means no entity but XML's five: an entity bomb or an external entity cannot start.
  parser.on('doctype', () => {
    throw badOsm('doctype');
  });
  parser.on('opentag', (node) => {
    depth++;
    const a = node.attributes as Record<string, string>;
    if (depth === 1) {
      if (node.name !== 'osm') throw new AppError('unsupported_media_type', 415, 'problem.gis.osm.format.detail');
      sawRoot = true;
      return;
    }
    if (depth === 2) {
      if (node.name === 'node') {
        const lat = number(a.lat, false);
        const lon = number(a.lon, false);
        if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw badOsm('corrupt');
        current = { type: 'node', id: number(a.id, true), lat, lon, tags: {} };
      } else if (node.name === 'way') current = { type: 'way', id: number(a.id, true), refs: [], tags: {} };
      else if (node.name === 'relation') current = { type: 'relation', id: number(a.id, true), members: [], tags: {} };
      else current = undefined;
      return;
    }
    if (depth !== 3 || !current) return;
    if (node.name === 'tag' && a.k !== undefined && a.v !== undefined) current.tags[a.k] = a.v;
    else if (node.name === 'nd' && current.type === 'way') current.refs.push(number(a.ref, true));
    else if (node.name === 'member' && current.type === 'relation') {
      const type = MEMBER_TYPES.find((t) => t === a.type);
      if (!type) throw badOsm('corrupt');
      current.members.push({ type, ref: number(a.ref, true), role: a.role ?? '' });
    }
  });
  parser.on('closetag', () => {
    if (depth === 2 && current) {
      ready.push(current);
      current = undefined;
    }
    depth--;
  });
  const write = (chunk: string | null) => {
    try {
      if (chunk === null) parser.close();
      else parser.write(chunk);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw badOsm('xml');
    }
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    write(chunk as string);
    yield* ready.splice(0);
  }
  write(null);
  yield* ready.splice(0);
  if (!sawRoot) throw new AppError('unsupported_media_type', 415, 'problem.gis.osm.format.detail');
}
