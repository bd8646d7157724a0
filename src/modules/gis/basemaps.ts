/**
 * Offline base maps: PMTiles archives (v3) a commune's operator drops into `DATA_DIR/basemaps`,
 * served at `/tiles/basemaps/{name}.pmtiles` with HTTP range requests (206), as PMTiles clients
 * (MapLibre's pmtiles protocol, QGIS, GDAL) read them: a header, then the directories and tiles
 * they point to, each fetched as a byte range. `/tiles/basemaps` lists them with what their
 * headers say (tile type, zooms, bounds) so the office and the map can offer them.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Type } from 'typebox';
import { notFound } from '../../platform/http/errors.js';
import type { App, Platform } from '../../platform/platform.js';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const HEADER_BYTES = 127;
const TILE_TYPES = ['unknown', 'mvt', 'png', 'jpeg', 'webp', 'avif'] as const;

export interface PmtilesHeader {
  tileType: (typeof TILE_TYPES)[number];
  minZoom: number;
  maxZoom: number;
  /** west, south, east, north in degrees */
  bounds: [number, number, number, number];
  /** longitude, latitude, zoom */
  center: [number, number, number];
}

/** Reads a PMTiles v3 header (the archive's first 127 bytes), or null when it is not one. */
export function readPmtilesHeader(bytes: Buffer): PmtilesHeader | null {
  if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 7) !== 'PMTiles' || bytes[7] !== 3) return null;
  const e7 = (offset: number) => bytes.readInt32LE(offset) / 1e7;
  return {
    tileType: TILE_TYPES[bytes[99]!] ?? 'unknown',
    minZoom: bytes[100]!,
    maxZoom: bytes[101]!,
    bounds: [e7(102), e7(106), e7(110), e7(114)],
    center: [e7(119), e7(123), bytes[118]!],
  };
}

/**
 * The byte range a `Range` header asks of a file of `size` bytes: one range (`a-b`, `a-`, `-n`),
 * 'unsatisfiable' when it starts past the end, or null when the header is absent, malformed or
 * asks for several ranges — then the whole file is sent, as RFC 9110 §14.2 allows.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = header ? /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

const BasemapItem = Type.Object({
  name: Type.String(),
  url: Type.String({ description: 'The archive, read with HTTP range requests' }),
  bytes: Type.Integer(),
  modifiedAt: Type.String({ format: 'date-time' }),
  tileType: Type.Unsafe<PmtilesHeader['tileType']>({ type: 'string', enum: [...TILE_TYPES] }),
  minZoom: Type.Integer(),
  maxZoom: Type.Integer(),
  bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  center: Type.Array(Type.Number(), { minItems: 3, maxItems: 3 }),
});

export async function basemapRoutes(app: App, { config }: Platform) {
  const dir = path.join(config.dataDir, 'basemaps');

  async function archive(name: string) {
    if (!NAME.test(name)) return null;
    const file = path.join(dir, `${name}.pmtiles`);
    try {
      const stat = await fs.stat(file);
      return stat.isFile() ? { file, stat } : null;
    } catch {
      return null;
    }
  }

  app.get(
    '/tiles/basemaps',
    {
      schema: {
        tags: ['gis'],
        summary: 'The offline base maps (PMTiles archives in DATA_DIR/basemaps)',
        response: { 200: Type.Object({ items: Type.Array(BasemapItem) }) },
      },
    },
    async () => {
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const items = [];
      for (const entry of names.sort()) {
        const name = entry.endsWith('.pmtiles') ? entry.slice(0, -'.pmtiles'.length) : '';
        const found = await archive(name);
        if (!found) continue;
        const handle = await fs.open(found.file, 'r');
        const { buffer } = await handle.read({ buffer: Buffer.alloc(HEADER_BYTES), position: 0 }).finally(() => handle.close());
        const header = readPmtilesHeader(buffer);
        if (!header) {
          app.log.warn({ file: found.file }, 'not a PMTiles v3 archive; not listed');
          continue;
        }
        items.push({
          name,
          url: `/tiles/basemaps/${name}.pmtiles`,
          bytes: found.stat.size,
          modifiedAt: found.stat.mtime.toISOString(),
          ...header,
        });
      }
      return { items };
    },
  );

  app.get('/tiles/basemaps/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const found = file.endsWith('.pmtiles') ? await archive(file.slice(0, -'.pmtiles'.length)) : null;
    if (!found) throw notFound();
    const { size, mtimeMs } = found.stat;
    const etag = `"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`;
    reply
      .header('accept-ranges', 'bytes')
      .header('etag', etag)
      .header('last-modified', found.stat.mtime.toUTCString())
      .header('cache-control', 'public, max-age=3600')
      .type('application/vnd.pmtiles');
    // A range of a replaced archive would mix two files: If-Range sends the whole new one instead.
    const ifRange = request.headers['if-range'];
    const range = ifRange === undefined || ifRange === etag ? parseRange(request.headers.range, size) : null;
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${size}`).type('text/plain').send('');
    }
    if (range === null) {
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.header('content-length', size).send(createReadStream(found.file));
    }
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1)
      .send(createReadStream(found.file, { start: range.start, end: range.end }));
  });
}
