/**
 * Writes a small PMTiles v3 archive (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
 * uncompressed directories, one root directory, tiles stored in tile-id order. Enough for tests to
 * give a real PMTiles reader something to read; real archives come from tools like `pmtiles` or tippecanoe.
 */
import { zxyToTileId as tileId } from 'pmtiles';

function varint(value: number, out: number[]) {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export interface ArchiveTile {
  z: number;
  x: number;
  y: number;
  data: Buffer;
}

export function writePmtiles(
  tiles: ArchiveTile[],
  options: { bounds: [number, number, number, number]; metadata: Record<string, unknown>; tileType?: number },
): Buffer {
  const sorted = tiles.map((t) => ({ id: tileId(t.z, t.x, t.y), ...t })).sort((a, b) => a.id - b.id);
  const entries: { id: number; offset: number; length: number }[] = [];
  let offset = 0;
  for (const t of sorted) {
    entries.push({ id: t.id, offset, length: t.data.length });
    offset += t.data.length;
  }
  const dir: number[] = [];
  varint(entries.length, dir);
  let last = 0;
  for (const e of entries) {
    varint(e.id - last, dir);
    last = e.id;
  }
  for (const _ of entries) varint(1, dir);
  for (const e of entries) varint(e.length, dir);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    varint(prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1, dir);
  });
  const directory = Buffer.from(dir);
  const metadata = Buffer.from(JSON.stringify(options.metadata));
  const tileData = Buffer.concat(sorted.map((t) => t.data));

  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header[7] = 3;
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, 127);
  u64(16, directory.length);
  u64(24, 127 + directory.length);
  u64(32, metadata.length);
  u64(40, 127 + directory.length + metadata.length);
  u64(48, 0);
  u64(56, 127 + directory.length + metadata.length);
  u64(64, tileData.length);
  u64(72, entries.length);
  u64(80, entries.length);
  u64(88, entries.length);
  header[96] = 1; // clustered
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = options.tileType ?? 1; // mvt
  header[100] = Math.min(...sorted.map((t) => t.z));
  header[101] = Math.max(...sorted.map((t) => t.z));
  const [w, s, e, n] = options.bounds;
  const e7 = (at: number, v: number) => header.writeInt32LE(Math.round(v * 1e7), at);
  e7(102, w);
  e7(106, s);
  e7(110, e);
  e7(114, n);
  header[118] = header[100]!;
  e7(119, (w + e) / 2);
  e7(123, (s + n) / 2);
  return Buffer.concat([header, directory, metadata, tileData]);
}
