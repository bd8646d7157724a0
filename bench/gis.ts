// Madina's OGC API – Features and vector tiles beside MapServer serving the same rows, on
// PostgreSQL/PostGIS, and the same Madina requests on PGlite.
//
// Data: 200,000 points and 50,000 building footprints (rectangles of 8–25 m a side, rotated),
// generated from a fixed seed inside Berkane's real boundary (shared/data/morocco), with a name,
// a kind and a number each, marked as demo data. They are loaded by SQL as two public Madina
// layers (gis.layer + gis.feature); MapServer reads the same rows through two views of
// gis.feature (typed columns taken from the same jsonb properties).
//
// Peer: Debian's MapServer (`mapserv` as FastCGI: spawn-fcgi processes behind lighttpd, see
// bench/peers/mapserver.ts): OGC API – Features items, and MVT tiles in tile mode (gmap).
//
// Requests, the same for both: every z12–z17 tile that holds features of a layer (in a shuffled,
// fixed order), and bboxes of 100 m to 1.6 km around points of the commune with `limit=1000`.
// Before timing, every request is sent once to each server and the feature counts compared (MVT
// decoded with @mapbox/vector-tile): the bench prints every mismatch and the table shows them.
//
// Timing (autocannon, BENCH_CONNECTIONS connections, each list round-robin, shared by the
// connections), round after round, Madina and MapServer in turn:
//   - tiles, **cold**: the layers are marked changed before each run (Madina caches tiles per
//     process under the layer's last change), then the list is walked once, at most BENCH_SECONDS;
//   - tiles, **warm**: Madina only, its cache filled — what a client gets on a second visit;
//   - items?bbox=…&limit=1000 for BENCH_SECONDS.
// Then Madina on PGlite (a new DATA_DIR, the same rows loaded through its local socket).
//
//   npm run bench -- gis
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { VectorTile } from '@mapbox/vector-tile';
import autocannon from 'autocannon';
import Pbf from 'pbf';
import pg from 'pg';
import {
  BenchError,
  type Child,
  createDatabase,
  dropDatabase,
  findPostgres,
  freePort,
  intEnv,
  makeTempDir,
  median,
  ms,
  num,
  postgresVersion,
  ROOT,
  spawnNode,
  table,
  waitFor200,
} from './lib.js';
import { type MapServer, type MapServerLayer, startMapServer, TILE_BOX_SQL, TILE_BUFFER } from './peers/mapserver.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[gis] ${message}\n`);

const BOUNDARY = path.resolve(ROOT, '../shared/data/morocco/berkane_commune.geojson');
const SEED = 20261129;
const ZOOMS = [12, 13, 14, 15, 16, 17];
const BOX_SIDES = [100, 200, 400, 800, 1600];
const LIMIT = 1000;

// ---------------------------------------------------------------------------------------------
// The data, reproducible: a seeded PRNG, rejection sampling inside the boundary.

type Position = [number, number];

/** mulberry32: a small seeded PRNG, [0, 1). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Boundary {
  rings: Position[][];
  bbox: [number, number, number, number];
}

function readBoundary(): Boundary {
  if (!fs.existsSync(BOUNDARY)) throw new BenchError(`Berkane's boundary is missing: ${BOUNDARY}`);
  const json = JSON.parse(fs.readFileSync(BOUNDARY, 'utf8')) as {
    features?: { geometry: { type: string; coordinates: unknown } }[];
    geometry?: { type: string; coordinates: unknown };
  };
  const geometry = json.features?.[0]?.geometry ?? json.geometry;
  if (!geometry) throw new BenchError(`no geometry in ${BOUNDARY}`);
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Position[][][];
  const rings = polygons.flat();
  const all = rings.flat();
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  return { rings, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
}

/** Even-odd rule over every ring (holes and several parts included). */
function inside(b: Boundary, [x, y]: Position): boolean {
  let odd = false;
  for (const ring of b.rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as Position;
      const [xj, yj] = ring[j] as Position;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

interface Row {
  /** Vertices in lon/lat (one for a point; a closed ring for a building). */
  coords: Position[];
  props: { name: string; kind: string; number: number };
}

const POINT_KINDS = ['lamp', 'bin', 'bench', 'tree', 'bus_stop', 'hydrant'];
const BUILDING_KINDS = ['house', 'apartment', 'shop', 'school', 'mosque', 'office'];
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

function generate(b: Boundary, points: number, buildings: number): { points: Row[]; buildings: Row[] } {
  const random = prng(SEED);
  const [w, s, e, n] = b.bbox;
  const somewhere = (): Position => {
    for (;;) {
      const p: Position = [w + random() * (e - w), s + random() * (n - s)];
      if (inside(b, p)) return p;
    }
  };
  const pointRows: Row[] = [];
  for (let i = 1; i <= points; i++) {
    const [x, y] = somewhere();
    const kind = POINT_KINDS[i % POINT_KINDS.length] as string;
    pointRows.push({ coords: [[round7(x), round7(y)]], props: { name: `Demo ${kind} ${i}`, kind, number: i % 1000 } });
  }
  const buildingRows: Row[] = [];
  const metresPerDegree = 111_320;
  while (buildingRows.length < buildings) {
    const [cx, cy] = somewhere();
    const a = 8 + random() * 17;
    const c = 8 + random() * 17;
    const angle = random() * Math.PI;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const corners = (
      [
        [-a / 2, -c / 2],
        [a / 2, -c / 2],
        [a / 2, c / 2],
        [-a / 2, c / 2],
      ] as Position[]
    ).map(([dx, dy]): Position => {
      const rx = dx * cos - dy * sin;
      const ry = dx * sin + dy * cos;
      return [round7(cx + rx / (metresPerDegree * Math.cos((cy * Math.PI) / 180))), round7(cy + ry / metresPerDegree)];
    });
    if (!corners.every((p) => inside(b, p))) continue;
    const i = buildingRows.length + 1;
    const kind = BUILDING_KINDS[i % BUILDING_KINDS.length] as string;
    // Counter-clockwise outer ring, closed.
    buildingRows.push({ coords: [...corners, corners[0] as Position], props: { name: `Demo ${kind} ${i}`, kind, number: i % 1000 } });
  }
  return { points: pointRows, buildings: buildingRows };
}

const wkt = (r: Row) =>
  r.coords.length === 1 ? `POINT(${r.coords[0]?.join(' ')})` : `POLYGON((${r.coords.map((p) => p.join(' ')).join(',')}))`;

// ---------------------------------------------------------------------------------------------
// Loading: the same SQL on PostgreSQL and on PGlite (through its local socket).

interface BenchLayer {
  code: string;
  type: 'Point' | 'Polygon';
  rows: Row[];
}

const ATTRIBUTES = JSON.stringify([
  { name: 'name', type: 'string', title: { ar: 'الاسم', fr: 'Nom', en: 'Name' }, required: false },
  { name: 'kind', type: 'string', title: { ar: 'النوع', fr: 'Type', en: 'Kind' }, required: false },
  { name: 'number', type: 'integer', title: { ar: 'الرقم', fr: 'Numéro', en: 'Number' }, required: false },
]);

/** Creates the layers (public, demo) and inserts their features in batches; returns each layer's id. */
async function load(client: pg.Client, layers: BenchLayer[]): Promise<Map<string, string>> {
  const commune = (await client.query<{ id: string }>(`SELECT id FROM platform.commune WHERE code = 'berkane'`)).rows[0]?.id;
  if (!commune) throw new BenchError('the demo commune berkane was not seeded');
  const ids = new Map<string, string>();
  for (const layer of layers) {
    const title = JSON.stringify({
      ar: `بيانات تجريبية: ${layer.code}`,
      fr: `Données de démonstration : ${layer.code}`,
      en: `Demo data: ${layer.code}`,
    });
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO gis.layer (commune_id, code, title, geometry_type, attributes, is_public, is_demo)
       VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, true, true) RETURNING id`,
      [commune, layer.code, title, layer.type, ATTRIBUTES],
    );
    const id = rows[0]?.id as string;
    ids.set(layer.code, id);
    for (let i = 0; i < layer.rows.length; i += 10_000) {
      const batch = layer.rows.slice(i, i + 10_000).map((r) => ({ p: r.props, g: wkt(r) }));
      await client.query(
        `INSERT INTO gis.feature (commune_id, layer_id, properties, geom, is_demo)
         SELECT $1, $2, t.e->'p', ST_GeomFromText(t.e->>'g', 4326), true
           FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY t.n`,
        [commune, id, JSON.stringify(batch)],
      );
    }
  }
  await client.query('ANALYZE gis.layer, gis.feature');
  return ids;
}

/** Marks the layers changed: Madina's tile cache keys (and ETags) follow `updated_at`, so every tile is made again. */
async function touch(client: pg.Client, code: string) {
  await client.query(`UPDATE gis.layer SET updated_at = clock_timestamp() WHERE code = $1`, [code]);
}

// ---------------------------------------------------------------------------------------------
// The request sets

interface Tile {
  z: number;
  x: number;
  y: number;
}

function tileOf([lon, lat]: Position, z: number): Tile {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** Every z12–z17 tile holding a vertex of the layer, in a fixed shuffled order. */
function tilesOf(rows: Row[], random: () => number): Tile[] {
  const keys = new Set<string>();
  for (const r of rows) for (const p of r.coords) for (const z of ZOOMS) keys.add(Object.values(tileOf(p, z)).join('/'));
  const tiles = [...keys].sort().map((k) => {
    const [z, x, y] = k.split('/').map(Number) as [number, number, number];
    return { z, x, y };
  });
  for (let i = tiles.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tiles[i], tiles[j]] = [tiles[j] as Tile, tiles[i] as Tile];
  }
  return tiles;
}

/** `count` boxes of 100 m to 1.6 km a side around random spots of the commune: [w, s, e, n]. */
function boxesOf(b: Boundary, count: number, random: () => number): [number, number, number, number][] {
  const boxes: [number, number, number, number][] = [];
  const [w, s, e, n] = b.bbox;
  while (boxes.length < count) {
    const c: Position = [w + random() * (e - w), s + random() * (n - s)];
    if (!inside(b, c)) continue;
    const side = BOX_SIDES[boxes.length % BOX_SIDES.length] as number;
    const dy = side / 2 / 111_320;
    const dx = side / 2 / (111_320 * Math.cos((c[1] * Math.PI) / 180));
    boxes.push([round7(c[0] - dx), round7(c[1] - dy), round7(c[0] + dx), round7(c[1] + dy)]);
  }
  return boxes;
}

// ---------------------------------------------------------------------------------------------
// Checking the answers: the same feature ids from both servers.

async function fetchOk(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new BenchError(`${url}: HTTP ${response.status} ${body.toString('utf8').slice(0, 400)}`);
  return body;
}

/** The features of one layer of a tile: id and first vertex in tile units (to explain a difference). */
function tileFeatures(body: Buffer, layer: string): Found[] {
  if (body.length === 0) return [];
  const l = new VectorTile(new Pbf(body)).layers[layer];
  if (!l) return [];
  const found: Found[] = [];
  const onEdge = (v: number) => Math.abs(v + TILE_BUFFER) <= 1 || Math.abs(v - 4096 - TILE_BUFFER) <= 1;
  for (let i = 0; i < l.length; i++) {
    const f = l.feature(i);
    const vertices = f.loadGeometry().flat();
    const p = vertices[0];
    found.push({ id: Number(f.id), where: p ? `${p.x},${p.y}` : '', edge: vertices.some((v) => onEdge(v.x) || onEdge(v.y)) });
  }
  return found;
}

interface Found {
  id: number;
  where: string;
  /** A vertex lies on the tile buffer's edge (within one unit). */
  edge?: boolean;
}

function itemFeatures(body: Buffer): Found[] {
  const json = JSON.parse(body.toString('utf8')) as { features: { id: number | string; geometry: { coordinates: unknown } }[] };
  return json.features.map((f) => ({ id: Number(f.id), where: JSON.stringify(f.geometry.coordinates).slice(0, 60) }));
}

/** Runs `fn` over `items` with `parallel` at a time. */
async function eachParallel<T>(items: T[], parallel: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

interface Check {
  requests: number;
  identical: number;
  /** Same count, different ids. */
  sameCount: number;
  /** Answers that differ only by features with a vertex on the tile buffer's edge. */
  edgeOnly: number;
  madinaFeatures: number;
  peerFeatures: number;
  mismatches: string[];
}

async function compare(
  label: string,
  list: { a: string; b: string; what: string }[],
  decodeA: (body: Buffer) => Found[],
  decodeB: (body: Buffer) => Found[],
): Promise<Check> {
  const check: Check = {
    requests: list.length,
    identical: 0,
    sameCount: 0,
    edgeOnly: 0,
    madinaFeatures: 0,
    peerFeatures: 0,
    mismatches: [],
  };
  const describe = (only: Found[]) =>
    only
      .slice(0, 3)
      .map((f) => `${f.id} at ${f.where}`)
      .join('; ') + (only.length > 3 ? ` … (${only.length})` : '');
  await eachParallel(list, 4, async (r) => {
    const [a, b] = await Promise.all([fetchOk(r.a), fetchOk(r.b)]);
    const fa = decodeA(a);
    const fb = decodeB(b);
    check.madinaFeatures += fa.length;
    check.peerFeatures += fb.length;
    const ia = new Set(fa.map((f) => f.id));
    const ib = new Set(fb.map((f) => f.id));
    const onlyA = fa.filter((f) => !ib.has(f.id));
    const onlyB = fb.filter((f) => !ia.has(f.id));
    if (fa.length === fb.length && onlyA.length === 0 && onlyB.length === 0) check.identical++;
    else {
      if (fa.length === fb.length) check.sameCount++;
      if ([...onlyA, ...onlyB].every((f) => f.edge)) check.edgeOnly++;
      check.mismatches.push(
        `${r.what}: Madina ${fa.length}, MapServer ${fb.length} (only Madina: ${describe(onlyA) || '–'}; only MapServer: ${describe(onlyB) || '–'})`,
      );
    }
  });
  log(
    `${label}: ${check.identical}/${check.requests} answers with the same features` +
      (check.mismatches.length ? `; ${check.mismatches.length} differ:` : ''),
  );
  for (const m of check.mismatches.slice(0, 20)) log(`  ${m}`);
  if (check.mismatches.length > 20) log(`  … and ${check.mismatches.length - 20} more`);
  return check;
}

// ---------------------------------------------------------------------------------------------
// Load

interface Sample {
  rate: number;
  p50: number;
  p95: number;
  count: number;
  mbPerS: number;
}

interface CannonRequest {
  method: string;
  path?: string;
  setupRequest: (req: CannonRequest, context: Record<string, unknown>) => CannonRequest;
  onResponse: (status: number, body: string, context: Record<string, unknown>) => void;
}

/** Sends `paths` in turn (shared by the connections) for `seconds`, or once through the list when `once`. */
async function runCannon(base: string, paths: string[], seconds: number, connections: number, once: boolean): Promise<Sample> {
  let n = 0;
  const latencies: number[] = [];
  let bad = 0;
  let badSample = '';
  const request: CannonRequest = {
    method: 'GET',
    setupRequest: (req, context) => {
      context.t0 = performance.now();
      return { ...req, path: paths[n++ % paths.length] };
    },
    onResponse: (status, body, context) => {
      latencies.push(performance.now() - (context.t0 as number));
      if (status !== 200) {
        bad++;
        badSample ||= `HTTP ${status}: ${body.slice(0, 300)}`;
      }
    },
  };
  const options = {
    url: base,
    connections,
    timeout: 120,
    requests: [request],
    ...(once ? { amount: paths.length } : { duration: seconds }),
  };
  const t = performance.now();
  const instance = autocannon(options as autocannon.Options);
  const timer = once ? setTimeout(() => instance.stop(), seconds * 1000) : undefined;
  const result = await instance;
  if (timer) clearTimeout(timer);
  const elapsed = (performance.now() - t) / 1000;
  if (bad + result.errors + result.timeouts > 0) {
    throw new BenchError(
      `${base}: ${bad} answers not 200, ${result.errors} errors, ${result.timeouts} timeouts out of ${result.requests.total}. ${badSample}`,
    );
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN;
  return {
    rate: latencies.length / elapsed,
    p50: at(0.5),
    p95: at(0.95),
    count: latencies.length,
    mbPerS: result.throughput.total / 2 ** 20 / elapsed,
  };
}

async function startMadinaOn(label: string, env: Record<string, string>, timeoutMs: number): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = spawnNode(label, 'src/main.ts', [], {
    NODE_ENV: 'development', // seeds the demo commune on an empty database
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WEB_BUILD: 'false',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(child, `${url}/ready`, timeoutMs);
  } catch (error) {
    await child.stop(5000);
    throw error;
  }
  return { child, url };
}

// ---------------------------------------------------------------------------------------------

/** "identical/all", and how many of the others differ only on the tile buffer's edge. */
const sameFeatures = (c: Check) =>
  `${c.identical}/${c.requests}${c.identical < c.requests ? ` (${c.edgeOnly} more differ only on the buffer edge)` : ''}`;

const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : '–');

export async function runGis(): Promise<BenchOutput> {
  const seconds = intEnv('BENCH_SECONDS', 5, 1, 600);
  const connections = intEnv('BENCH_CONNECTIONS', 8, 1, 256);
  const rounds = intEnv('BENCH_ROUNDS', 3, 1, 20);
  const processes = intEnv('BENCH_MAPSERVER_PROCESSES', 4, 1, 64);
  const pointCount = intEnv('BENCH_GIS_POINTS', 200_000, 1000, 2_000_000);
  const buildingCount = intEnv('BENCH_GIS_BUILDINGS', 50_000, 1000, 1_000_000);
  const startTimeoutMs = intEnv('BENCH_START_TIMEOUT_S', 180, 10, 3600) * 1000;
  const postgres = await findPostgres();
  if (!postgres.ok) throw new BenchError(`this benchmark needs PostgreSQL with PostGIS: ${postgres.reason}`);
  const pgVersion = await postgresVersion(postgres.adminUrl);

  let t = performance.now();
  const boundary = readBoundary();
  const data = generate(boundary, pointCount, buildingCount);
  const layers: BenchLayer[] = [
    { code: 'bench_points', type: 'Point', rows: data.points },
    { code: 'bench_buildings', type: 'Polygon', rows: data.buildings },
  ];
  const random = prng(SEED + 1);
  const tiles = new Map(layers.map((l) => [l.code, tilesOf(l.rows, random)]));
  const boxes = boxesOf(boundary, 40, random);
  log(
    `generated ${num(pointCount)} points and ${num(buildingCount)} buildings in ${((performance.now() - t) / 1000).toFixed(1)} s; ` +
      `tiles z12–z17 with features: ${layers.map((l) => `${l.code} ${tiles.get(l.code)?.length}`).join(', ')}; ${boxes.length} bboxes`,
  );

  const dbName = `madina_bench_${process.pid}_gis`;
  const databaseUrl = await createDatabase(postgres.adminUrl, dbName);
  const client = new pg.Client({ connectionString: databaseUrl });
  let madina: { child: Child; url: string } | undefined;
  let lite: { child: Child; url: string } | undefined;
  let liteClient: pg.Client | undefined;
  let mapserver: MapServer | undefined;
  try {
    log('starting Madina on a new PostgreSQL database (migrations + demo seed)');
    madina = await startMadinaOn('Madina (PostgreSQL)', { DATA_DIR: makeTempDir('gis-data'), DATABASE_URL: databaseUrl }, startTimeoutMs);
    await client.connect();
    t = performance.now();
    const ids = await load(client, layers);
    const loadMs = performance.now() - t;
    log(`loaded into PostgreSQL in ${(loadMs / 1000).toFixed(1)} s`);

    // The same rows for MapServer: a view per layer with typed columns.
    await client.query('CREATE SCHEMA bench');
    for (const layer of layers) {
      await client.query(
        `CREATE VIEW bench.${layer.code} AS
           SELECT id, properties->>'name' AS name, properties->>'kind' AS kind, (properties->>'number')::int AS number, geom
             FROM gis.feature WHERE layer_id = '${ids.get(layer.code)}'`,
      );
    }
    await client.query(TILE_BOX_SQL);
    const msLayers: MapServerLayer[] = layers.map((l) => ({
      name: l.code,
      type: l.type === 'Point' ? 'POINT' : 'POLYGON',
      relation: `bench.${l.code}`,
      columns: ['name', 'kind', 'number'],
    }));
    mapserver = await startMapServer({ databaseUrl, layers: msLayers, processes });
    log(`${mapserver.version}: ${processes} FastCGI processes (spawn-fcgi) behind lighttpd at ${mapserver.url}`);

    // The request sets, as paths for each server.
    const madinaTile = (code: string, tile: Tile) => `/tiles/${code}/${tile.z}/${tile.x}/${tile.y}.mvt`;
    const madinaItems = (code: string, box: number[]) => `/ogc/collections/${code}/items?bbox=${box.join(',')}&limit=${LIMIT}`;
    const server = mapserver;

    // Identical answers first.
    const checks = new Map<string, Check>();
    for (const layer of layers) {
      const list = tiles.get(layer.code) ?? [];
      checks.set(
        `tiles.${layer.code}`,
        await compare(
          `tiles ${layer.code}`,
          list.map((tile) => ({
            a: madina!.url + madinaTile(layer.code, tile),
            b: server.url + server.tilePath(layer.code, tile.z, tile.x, tile.y),
            what: `${layer.code} ${tile.z}/${tile.x}/${tile.y}`,
          })),
          (body) => tileFeatures(body, layer.code),
          (body) => tileFeatures(body, `${layer.code}_tile`),
        ),
      );
      checks.set(
        `items.${layer.code}`,
        await compare(
          `items ${layer.code}`,
          boxes.map((box) => ({
            a: madina!.url + madinaItems(layer.code, box),
            b: server.url + server.itemsPath(layer.code, box, LIMIT),
            what: `${layer.code} bbox=${box.join(',')}`,
          })),
          itemFeatures,
          itemFeatures,
        ),
      );
    }

    // Timing. A warm run follows its cold run and repeats the tiles the cold run reached (now in Madina's cache).
    interface Target {
      key: string;
      label: string;
      layer: string;
      kind: 'cold' | 'warm' | 'items';
      madina: string[];
      peer?: string[];
    }
    const targets: Target[] = [];
    for (const layer of layers) {
      const list = tiles.get(layer.code) ?? [];
      const madinaPaths = list.map((tile) => madinaTile(layer.code, tile));
      targets.push({
        key: `tiles.${layer.code}`,
        label: `tiles z12–z17, ${layer.code} (cold)`,
        layer: layer.code,
        kind: 'cold',
        madina: madinaPaths,
        peer: list.map((tile) => server.tilePath(layer.code, tile.z, tile.x, tile.y)),
      });
      targets.push({
        key: `warm.${layer.code}`,
        label: `the same tiles again, ${layer.code} (warm: Madina's tile cache)`,
        layer: layer.code,
        kind: 'warm',
        madina: madinaPaths,
      });
    }
    for (const layer of layers) {
      targets.push({
        key: `items.${layer.code}`,
        label: `items?bbox=…&limit=${LIMIT}, ${layer.code}`,
        layer: layer.code,
        kind: 'items',
        madina: boxes.map((box) => madinaItems(layer.code, box)),
        peer: boxes.map((box) => server.itemsPath(layer.code, box, LIMIT)),
      });
    }

    const samples = new Map<string, Sample[]>();
    const push = (key: string, s: Sample) => samples.set(key, [...(samples.get(key) ?? []), s]);
    /** Runs one target on one server: a cold run marks its layer changed first; a warm one repeats what the last cold run reached. */
    const run = async (name: string, base: string, db: pg.Client, target: Target, paths: string[], reached: Map<string, number>) => {
      if (target.kind === 'cold') await touch(db, target.layer);
      const list = target.kind === 'warm' ? paths.slice(0, reached.get(target.layer) ?? paths.length) : paths;
      const s = await runCannon(base, list, seconds, connections, target.kind === 'cold');
      if (target.kind === 'cold') reached.set(target.layer, s.count);
      log(`  ${name}: ${num(s.rate, 1)}/s, p50 ${ms(s.p50)}, p95 ${ms(s.p95)} (${s.count} answers)`);
      return s;
    };
    const reachedPg = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        log(`round ${round + 1}/${rounds}: ${target.label}`);
        const turns: (() => Promise<void>)[] = [
          async () => {
            push(`${target.key}.madina`, await run('Madina', madina!.url, client, target, target.madina, reachedPg));
          },
        ];
        const peer = target.peer;
        if (peer) {
          turns.push(async () => {
            push(`${target.key}.peer`, await run('MapServer', server.url, client, target, peer, new Map()));
          });
        }
        // Alternate who goes first.
        if (round % 2 === 1) turns.reverse();
        for (const turn of turns) await turn();
      }
    }
    await madina.child.stop(30_000);
    madina = undefined;
    await mapserver.stop();
    mapserver = undefined;

    // PGlite: the same Madina requests.
    log('starting Madina on PGlite (a new DATA_DIR: migrations + demo seed)');
    const liteDir = makeTempDir('gis-pglite');
    lite = await startMadinaOn('Madina (PGlite)', { DATA_DIR: liteDir }, startTimeoutMs);
    const liteDb = new pg.Client({ connectionString: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(liteDir)}` });
    liteClient = liteDb;
    await liteDb.connect();
    t = performance.now();
    await load(liteDb, layers);
    const liteLoadMs = performance.now() - t;
    log(`loaded into PGlite in ${(liteLoadMs / 1000).toFixed(1)} s`);
    const reachedLite = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        log(`PGlite round ${round + 1}/${rounds}: ${target.label}`);
        push(`${target.key}.lite`, await run('Madina on PGlite', lite.url, liteDb, target, target.madina, reachedLite));
      }
    }

    // Tables
    const list = (key: string) => samples.get(key) ?? [];
    const med = (key: string, f: (s: Sample) => number) => median(list(key).map(f));
    const perRound = (a: string, b: string) => median(list(a).map((s, i) => s.rate / (list(b)[i]?.rate ?? Number.NaN)));
    const rows = targets.map((target) => {
      const check = checks.get(target.key);
      const r = target.peer ? perRound(`${target.key}.madina`, `${target.key}.peer`) : Number.NaN;
      return [
        target.label,
        num(target.madina.length),
        num(
          med(`${target.key}.madina`, (s) => s.rate),
          1,
        ),
        ms(med(`${target.key}.madina`, (s) => s.p95)),
        target.peer
          ? num(
              med(`${target.key}.peer`, (s) => s.rate),
              1,
            )
          : '',
        target.peer ? ms(med(`${target.key}.peer`, (s) => s.p95)) : '',
        target.peer ? `**${pct(r)}** ${r >= 1 ? '✓' : '✗'}` : '',
        num(
          med(`${target.key}.lite`, (s) => s.rate),
          1,
        ),
        ms(med(`${target.key}.lite`, (s) => s.p95)),
        check ? sameFeatures(check) : '',
      ];
    });
    const checkRows = [...checks.entries()].map(([key, c]) => [
      key.replace('.', ' '),
      num(c.requests),
      num(c.identical),
      num(c.edgeOnly),
      num(c.madinaFeatures),
      num(c.peerFeatures),
      c.mismatches[0] ?? '',
    ]);
    const markdown = [
      `## OGC API – Features and vector tiles: Madina beside ${server.version} on the same rows (${connections} connections, ${rounds} rounds, medians)`,
      '',
      `${pgVersion} at 127.0.0.1. Data: ${num(pointCount)} points and ${num(buildingCount)} building footprints (8–25 m, rotated), ` +
        `seed ${SEED}, inside Berkane's boundary, loaded by SQL in ${(loadMs / 1000).toFixed(1)} s (PGlite: ${(liteLoadMs / 1000).toFixed(1)} s). ` +
        `MapServer: \`mapserv\` as ${processes} FastCGI processes (spawn-fcgi) behind lighttpd, PostGIS layers on views of the same ` +
        `\`gis.feature\` rows, OGC API – Features and MVT in tile mode (gmap, EPSG:3857, EXTENT 4096, EDGE_BUFFER 4 = 64 units). ` +
        `Madina: its own pool (DB_POOL_SIZE default), one process.`,
      '',
      table(
        [
          'requests',
          'URLs',
          'Madina req/s',
          'p95',
          'MapServer req/s',
          'p95',
          'Madina ÷ MapServer (goal ≥ 100%)',
          'Madina on PGlite req/s',
          'p95',
          'same features',
        ],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
      '',
      '### The answers compared (each URL once on each server, before timing: feature ids decoded from MVT / GeoJSON)',
      table(
        ['requests', 'URLs', 'same ids', 'differ only on the buffer edge', 'features (Madina)', 'features (MapServer)', 'first difference'],
        checkRows,
        ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
      '',
      'Tiles are compared feature by feature: MapServer selects with the tile widened by the same 64/4096 margin as ' +
        "Madina's (ST_Intersects on the exact box: the index's && compares float4 boxes, about 0.4 m wider in latitude here), " +
        'plus half a unit for points and minus half a unit for polygons, because PostGIS snaps to the grid before it clips ' +
        'and MapServer after (a point that rounds onto the edge, a polygon that reaches less than half a unit into the ' +
        'buffer). Answers that still differ do so by features with a vertex on the edge of the 64-unit buffer, where the ' +
        'two round differently; the features inside the tile are the same.',
      '',
      'How to read: **cold** tile runs start with the layer marked changed (Madina caches tiles per process, keyed by the ' +
        "layer's last change; MapServer caches nothing), then walk the shuffled list of every z12–z17 tile holding a feature " +
        `once (at most ${seconds} s): each Madina tile is made by PostGIS (ST_AsMVT) or, on PGlite, by geojson-vt. **warm** ` +
        "runs repeat the tiles the cold run reached, from Madina's cache (MapServer has no such cache: compare with its cold row); " +
        'each repeats its own cold run’s share of the list, so warm rows are not comparable between PostgreSQL and PGlite, and ' +
        'a share that holds the z12–z13 tiles (megabytes each) is bound by moving them. Items ' +
        `runs cycle through ${boxes.length} bboxes of 100 m to 1.6 km for ${seconds} s. Rates are answers per second over ` +
        'the whole run; p95 from each answer’s time in the load generator; the ratio is taken per round (Madina and ' +
        'MapServer one after the other, the order alternating) and its median shown. Every answer was HTTP 200. The machine ' +
        'is shared and small: the servers, PostgreSQL and the load generator share its cores.',
    ].join('\n');
    return {
      markdown,
      settings: {
        BENCH_SECONDS: seconds,
        BENCH_CONNECTIONS: connections,
        BENCH_ROUNDS: rounds,
        BENCH_MAPSERVER_PROCESSES: processes,
        BENCH_GIS_POINTS: pointCount,
        BENCH_GIS_BUILDINGS: buildingCount,
      },
    };
  } finally {
    await client.end().catch(() => {});
    await liteClient?.end().catch(() => {});
    if (madina) await madina.child.stop(30_000);
    if (lite) await lite.child.stop(30_000);
    if (mapserver) await mapserver.stop();
    await dropDatabase(postgres.adminUrl, dbName).catch((error: Error) => log(`could not drop ${dbName}: ${error.message}`));
  }
}
