// MapServer as it is deployed in production: Debian's `mapserv` (cgi-mapserver) as FastCGI
// processes started by spawn-fcgi on a Unix socket, behind lighttpd. Its configuration (the
// MapServer CONFIG file with the map alias, the mapfile with the PostGIS layers, lighttpd's
// configuration) is written to a temporary folder at run time.
//
//   - OGC API – Features: `/mapserv/bench/ogcapi/collections/{layer}/items?f=json&bbox=…&limit=…`
//   - vector tiles: `/mapserv?map=bench&mode=tile&tilemode=gmap&tile={x}+{y}+{z}&layers={layer}_tile`
//     (the map's IMAGETYPE is MVT, so tile mode answers Mapbox Vector Tiles in EPSG:3857).
//
// Each layer is served twice: `{name}` for OGC API (MapServer adds its own bbox filter) and
// `{name}_tile` for tiles, whose DATA selects with `!BOX!` widened by the same 64/4096 margin as
// Madina's tiles (MapServer's MVT writer selects with the bare tile and only clips with its
// EDGE_BUFFER, so without it a feature in the margin is in Madina's tile and not in MapServer's).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BenchError, freePort, indent, makeTempDir, sleep } from '../lib.js';

const MAPSERV = '/usr/lib/cgi-bin/mapserv';
const SPAWN_FCGI = '/usr/bin/spawn-fcgi';
const LIGHTTPD = '/usr/sbin/lighttpd';
const TEMPLATES = '/usr/share/mapserver/ogcapi/templates/html-plain/';
/** Madina's tile margin (ST_AsMVTGeom buffer 64 on an extent of 4096); MapServer's EDGE_BUFFER counts in 16ths of it. */
export const TILE_BUFFER = 64;
const EXTENT = 4096;

export interface MapServerLayer {
  /** Layer name (the OGC API collection id); the tile layer is `{name}_tile`. */
  name: string;
  type: 'POINT' | 'POLYGON';
  /** A relation with `id`, typed attribute columns and `geom` (EPSG:4326). */
  relation: string;
  columns: string[];
}

export interface MapServer {
  url: string;
  version: string;
  itemsPath(layer: string, bbox: [number, number, number, number], limit: number): string;
  tilePath(layer: string, z: number, x: number, y: number): string;
  stop(): Promise<void>;
}

/** `mapserv -v`'s first words: "MapServer version 8.0.0". */
function mapservVersion(): string {
  const out = spawnSync(MAPSERV, ['-v'], { encoding: 'utf8' });
  if (out.status !== 0 && !out.stdout) throw new BenchError(`${MAPSERV} -v failed: install cgi-mapserver (Debian)`);
  return /MapServer version \S+/.exec(out.stdout)?.[0] ?? 'MapServer (unknown version)';
}

/**
 * SQL run once on the database (as its owner) before MapServer starts: the box a tile selects
 * with. MapServer's tile-mode query box (!BOX!) is the tile itself; this widens it by `units`
 * (of EXTENT per tile side), like ST_TileEnvelope(…, margin => 64/4096) in Madina.
 */
export const TILE_BOX_SQL = `
CREATE OR REPLACE FUNCTION bench.mvt_box(b geometry, units float8) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ST_Transform(ST_Expand(m, (ST_XMax(m) - ST_XMin(m)) * units / ${EXTENT}.0), 4326)
        FROM (SELECT ST_Transform(b, 3857) AS m) s $$;`;

/**
 * The margin each kind of layer selects with, in tile units. PostGIS (Madina) snaps to the tile
 * grid, then clips to the 64-unit buffer: a point is kept when it rounds onto the buffer's edge
 * (up to half a unit beyond it), and a polygon that reaches less than half a unit into the buffer
 * collapses to a line and is dropped. MapServer clips first and rounds last, keeping such
 * slivers and never clipping points; these margins give it the same features, but for a few
 * that lie right on the buffer's edge, where the two libraries round differently.
 */
const MARGIN: Record<MapServerLayer['type'], number> = { POINT: TILE_BUFFER + 0.5, POLYGON: TILE_BUFFER - 0.5 };

function mapfile(options: { name: string; databaseUrl: string; onlineResource: string; layers: MapServerLayer[] }): string {
  const db = new URL(options.databaseUrl);
  const connection = `host=${db.hostname} port=${db.port || '5432'} dbname=${db.pathname.slice(1)} user=${decodeURIComponent(db.username)}`;
  const layer = (l: MapServerLayer, tile: boolean) => {
    // Tiles select with the widened box, exactly: the index's && compares float4 boxes (up to ~0.4 m
    // wider in latitude here) and MapServer does not clip points, where Madina's ST_AsMVTGeom does.
    // OGC API pages in id order, as Madina's do (the same first 1,000).
    const where = tile ? ` WHERE ST_Intersects(geom, bench.mvt_box(!BOX!, ${MARGIN[l.type]}))` : ' ORDER BY id';
    return `
  LAYER
    NAME "${l.name}${tile ? '_tile' : ''}"
    TYPE ${l.type}
    STATUS ON
    CONNECTIONTYPE POSTGIS
    CONNECTION "${connection}"
    DATA "geom FROM (SELECT id, ${l.columns.join(', ')}, geom FROM ${l.relation}${where}) AS t USING UNIQUE id USING SRID=4326"
    # FastCGI: keep the database connection between requests (MapServer's connection pool).
    PROCESSING "CLOSE_CONNECTION=DEFER"
    PROJECTION
      "init=epsg:4326"
    END
    METADATA
      "ows_title" "${l.name}"
      "gml_include_items" "all"
      "gml_featureid" "id"
      "gml_types" "auto"
      "oga_max_limit" "10000"
    END
    TEMPLATE "VOID"
  END`;
  };
  return `MAP
  NAME "${options.name}"
  STATUS ON
  EXTENT -180 -85 180 85
  UNITS DD
  SIZE 256 256
  MAXSIZE 4096
  IMAGETYPE "mvt"
  PROJECTION
    "init=epsg:4326"
  END
  OUTPUTFORMAT
    NAME "mvt"
    DRIVER MVT
    FORMATOPTION "EXTENT=${EXTENT}"
    FORMATOPTION "EDGE_BUFFER=${TILE_BUFFER / 16}"
  END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json; subtype=geojson"
    FORMATOPTION "FORM=SIMPLE"
    FORMATOPTION "STORAGE=memory"
  END
  WEB
    METADATA
      "ows_title" "Madina bench"
      "ows_enable_request" "*"
      "ows_srs" "EPSG:4326 EPSG:3857"
      "oga_onlineresource" "${options.onlineResource}"
      "oga_html_template_directory" "${TEMPLATES}"
      "oga_max_limit" "10000"
      "wfs_getfeature_formatlist" "geojson"
    END
  END
${options.layers.map((l) => layer(l, false) + layer(l, true)).join('\n')}
END
`;
}

async function waitForSocket(file: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new BenchError(`spawn-fcgi did not create ${file} within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** Starts `processes` mapserv FastCGI processes (spawn-fcgi) behind lighttpd, and waits until OGC API answers 200. */
export async function startMapServer(options: { databaseUrl: string; layers: MapServerLayer[]; processes: number }): Promise<MapServer> {
  for (const bin of [MAPSERV, SPAWN_FCGI, LIGHTTPD]) {
    if (!fs.existsSync(bin))
      throw new BenchError(`${bin} not found: install mapserver-bin, cgi-mapserver, spawn-fcgi and lighttpd (Debian)`);
  }
  const dir = makeTempDir('mapserver');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const alias = 'bench';
  const mapPath = path.join(dir, 'bench.map');
  const configPath = path.join(dir, 'mapserver.conf');
  const socket = path.join(dir, 'mapserv.sock');
  const pidFile = path.join(dir, 'mapserv.pid');
  fs.writeFileSync(
    mapPath,
    mapfile({ name: alias, databaseUrl: options.databaseUrl, onlineResource: `${url}/mapserv/${alias}/ogcapi`, layers: options.layers }),
  );
  fs.writeFileSync(
    configPath,
    `CONFIG
  ENV
    MS_MAP_PATTERN "^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/"
    OGCAPI_HTML_TEMPLATE_DIRECTORY "${TEMPLATES}"
  END
  MAPS
    ${alias} "${mapPath}"
  END
END
`,
  );
  fs.writeFileSync(
    path.join(dir, 'lighttpd.conf'),
    `server.document-root = "${dir}"
server.bind = "127.0.0.1"
server.port = ${port}
server.errorlog = "${path.join(dir, 'lighttpd.log')}"
server.pid-file = "${path.join(dir, 'lighttpd.pid')}"
server.max-connections = 1024
server.modules = ("mod_fastcgi")
fastcgi.server = ( "/mapserv" => (( "socket" => "${socket}", "check-local" => "disable" )) )
`,
  );
  const env = { ...process.env, MAPSERVER_CONFIG_FILE: configPath };
  // spawn-fcgi forks the processes and exits; their ids are in the PID file.
  const spawned = spawnSync(SPAWN_FCGI, ['-s', socket, '-F', String(options.processes), '-P', pidFile, '--', MAPSERV], {
    env,
    encoding: 'utf8',
  });
  if (spawned.status !== 0) throw new BenchError(`spawn-fcgi failed (exit ${spawned.status}).\n${indent(spawned.stderr + spawned.stdout)}`);
  const pids = () =>
    fs.existsSync(pidFile)
      ? fs
          .readFileSync(pidFile, 'utf8')
          .split(/\s+/)
          .filter((p) => /^\d+$/.test(p))
          .map(Number)
      : [];
  const signal = (name: NodeJS.Signals) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
  };
  let lighttpd: ChildProcess | undefined;
  let lighttpdOut = '';
  const stop = async () => {
    if (lighttpd && lighttpd.exitCode === null) {
      const exited = new Promise((resolve) => lighttpd?.once('exit', resolve));
      lighttpd.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
    }
    // mapserv only notes a SIGTERM while it waits for a request: it stops at the next one, which never comes.
    signal('SIGTERM');
    await sleep(300);
    signal('SIGKILL');
    process.off('exit', killSync);
  };
  const killSync = () => {
    lighttpd?.kill('SIGKILL');
    signal('SIGKILL');
  };
  process.on('exit', killSync);
  try {
    await waitForSocket(socket, 10_000);
    lighttpd = spawn(LIGHTTPD, ['-D', '-f', path.join(dir, 'lighttpd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    lighttpd.stdout?.on('data', (c: Buffer) => {
      lighttpdOut = (lighttpdOut + c.toString()).slice(-4000);
    });
    lighttpd.stderr?.on('data', (c: Buffer) => {
      lighttpdOut = (lighttpdOut + c.toString()).slice(-4000);
    });
    const probe = `${url}/mapserv/${alias}/ogcapi/collections?f=json`;
    const deadline = Date.now() + 20_000;
    let last = '';
    for (;;) {
      try {
        const response = await fetch(probe, { signal: AbortSignal.timeout(5000) });
        const text = await response.text();
        if (response.status === 200) break;
        last = `HTTP ${response.status}: ${text.slice(0, 400)}`;
      } catch (error) {
        last = (error as Error).message;
      }
      if (lighttpd.exitCode !== null || Date.now() > deadline) {
        const log = fs.existsSync(path.join(dir, 'lighttpd.log')) ? fs.readFileSync(path.join(dir, 'lighttpd.log'), 'utf8') : '';
        throw new BenchError(`MapServer did not answer ${probe} (last: ${last}).\n${indent(`${lighttpdOut}\n${log}`)}`);
      }
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const base = `/mapserv/${alias}`;
  return {
    url,
    version: mapservVersion(),
    itemsPath: (layer, bbox, limit) => `${base}/ogcapi/collections/${layer}/items?f=json&limit=${limit}&bbox=${bbox.join(',')}`,
    tilePath: (layer, z, x, y) => `/mapserv?map=${alias}&mode=tile&tilemode=gmap&tile=${x}+${y}+${z}&layers=${layer}_tile`,
    stop,
  };
}
