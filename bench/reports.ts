// Citizen report submissions under load on PostgreSQL/PostGIS with 100,000 existing reports,
// beside pgbench running the same SQL on the same database, on the same machine, in the same run.
//
// One new database; Madina is started on it (migrations + the Berkane demo), then 100,000 reports
// are loaded by SQL (points from ST_GeneratePoints inside Berkane's real boundary, over the
// categories, mixed statuses, created over the last year; with their history and audit rows).
// Then, round after round, each target for BENCH_SECONDS with BENCH_CONNECTIONS connections:
//
//   Madina (autocannon, each request a different real point from a pre-generated list):
//     - `POST /api/v1/reports` (JSON), one submission per request;
//     - the portal's flow: `GET /api/v1/reports/nearby` ("is it one of these?") then the POST;
//     - Open311 `POST /open311/v2/requests.json` (form-encoded, with an API key), when it exists;
//     - `GET /open311/v2/requests.json?start_date=<a year ago>` (1000 requests per answer) and
//       `GET /api/v1/reports?limit=200`.
//   pgbench (-M prepared, as many clients, same duration), each transaction on a random point of
//   the same list, as the application role with the commune set (as the app does it):
//     - the statements Madina sends for one POST, in its one transaction (captured from the log);
//     - those of the portal's flow (the nearby search's transaction, then the POST's);
//     - the lean SQL of a submission: category, ST_Covers, duplicate search, 3 INSERTs, one
//       transaction — what the work needs at least.
//
// Every HTTP answer must be 2xx and every pgbench transaction must succeed, or the bench fails.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  BenchError,
  type Child,
  createDatabase,
  dropDatabase,
  findPostgres,
  freePort,
  indent,
  intEnv,
  makeTempDir,
  median,
  num,
  postgresVersion,
  spawnNode,
  table,
  waitFor200,
  waitForExit,
} from './lib.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[reports] ${message}\n`);

const EXISTING = 100_000;
const POINTS = 10_000;
const OPEN_STATUSES = ['open', 'acknowledged', 'in_progress'];

// ---------------------------------------------------------------------------------------------
// The data: 10,000 bench points and 100,000 existing reports, all inside Berkane's boundary.

/** Points for new submissions (seed 2), apart from the existing reports' (seed 1). */
const POINTS_SQL = `
CREATE SCHEMA bench;
CREATE TABLE bench.point (i integer PRIMARY KEY, lon float8 NOT NULL, lat float8 NOT NULL);
INSERT INTO bench.point
SELECT (d).path[1], ST_X((d).geom), ST_Y((d).geom)
  FROM (SELECT ST_Dump(ST_GeneratePoints(boundary, ${POINTS}, 2)) AS d FROM platform.commune WHERE code = 'berkane') s;
GRANT USAGE ON SCHEMA bench TO madina_app;
GRANT SELECT ON bench.point TO madina_app;`;

/**
 * 100,000 reports over the commune, reproducible: ST_GeneratePoints with a seed, categories and
 * statuses by number (35% still open: open 20, acknowledged 5, in progress 10; then fixed 30,
 * closed 27, not fixed 3, not responsible 3, rejected 2), created over the last year; each with
 * its 'created' update (and a status update unless open) and its audit row, as the app writes them.
 */
const REPORTS_SQL = `
CREATE TEMP TABLE seed_report AS
WITH c AS (SELECT id FROM platform.commune WHERE code = 'berkane'),
cats AS (SELECT array_agg(id ORDER BY code) AS ids, array_agg(target_hours ORDER BY code) AS hours
           FROM reports.category WHERE commune_id = (SELECT id FROM c)),
pts AS (SELECT (d).path[1] AS i, (d).geom AS g
          FROM (SELECT ST_Dump(ST_GeneratePoints(boundary, ${EXISTING}, 1)) AS d FROM platform.commune WHERE code = 'berkane') s),
base AS (
  SELECT i, g, 1 + (i * 31) % cardinality(cats.ids) AS k, cats.ids, cats.hours,
         date_trunc('second', now()) - ((i::bigint * 7919) % 525600) * interval '1 minute' AS created,
         CASE WHEN i % 100 < 20 THEN 'open' WHEN i % 100 < 25 THEN 'acknowledged' WHEN i % 100 < 35 THEN 'in_progress'
              WHEN i % 100 < 65 THEN 'fixed' WHEN i % 100 < 92 THEN 'closed' WHEN i % 100 < 95 THEN 'not_fixed'
              WHEN i % 100 < 98 THEN 'not_responsible' ELSE 'rejected' END AS status
    FROM pts, cats)
SELECT (SELECT id FROM c) AS commune_id, gen_random_uuid() AS id, i, ids[k] AS category_id, status, g AS location, created,
       created + make_interval(hours => hours[k]) AS due_at,
       CASE WHEN status IN ('open', 'acknowledged', 'in_progress') THEN NULL
            ELSE created + ((i % 200) + 1) * interval '1 hour' END AS resolved_at
  FROM base;

INSERT INTO reports.report (commune_id, id, category_id, status, location, description, secret_hash, source,
                            due_at, editable_until, resolved_at, created_at, updated_at)
SELECT commune_id, id, category_id, status, location, 'Existing report ' || i || ' (bench)',
       encode(sha256(convert_to(i::text, 'UTF8')), 'hex'), CASE WHEN i % 10 = 0 THEN 'open311' ELSE 'portal' END,
       due_at, created + interval '30 minutes', resolved_at, created, coalesce(resolved_at, created)
  FROM seed_report ORDER BY created;

INSERT INTO reports.report_update (commune_id, report_id, kind, status, is_public, created_at)
SELECT commune_id, id, 'created', 'open', true, created FROM seed_report
UNION ALL
SELECT commune_id, id, 'status', status, true, coalesce(resolved_at, created + interval '1 hour') FROM seed_report WHERE status <> 'open';

INSERT INTO platform.audit_event (commune_id, at, actor_type, actor_label, action, entity_type, entity_id, after)
SELECT commune_id, created, 'system', 'anonymous', 'reports.report.create', 'report', id::text,
       jsonb_build_object('id', id, 'status', 'open', 'categoryId', category_id, 'lat', ST_Y(location), 'lon', ST_X(location))
  FROM seed_report;
DROP TABLE seed_report;
ANALYZE;`;

// ---------------------------------------------------------------------------------------------
// pgbench scripts. The statements are those Madina sends (Kysely's text, seen in PostgreSQL's
// log with log_statement=all), with the request's values as pgbench variables: :commune, :desc,
// :hash and :after (-D), the point and category picked at random from the same lists.

const SCOPE = `SELECT set_config('role', 'madina_app', true), set_config('madina.commune_id', :commune, true);`;

const REPORT_COLUMNS = `"r"."id", r.number::text as "number", "r"."category_id", "c"."code" as "category_code", "c"."name" as "category_name", "c"."group_code", "c"."is_public", "c"."department_id", "d"."path" as "department_path", "d"."name" as "department_name", "r"."status", ST_Y(r.location) as "lat", ST_X(r.location) as "lon", "r"."address", "r"."district_id", "di"."name" as "district_name", "r"."description", r.attributes::text as "attributes_json", "r"."contact_name", "r"."contact_email", "r"."contact_phone", "r"."contact_locale", "r"."secret_hash", "r"."source", "r"."resolution_note", "r"."responsible_body", "r"."duplicate_of", dup.number::text as "duplicate_of_number", "r"."text_hidden", "r"."reopen_count", "r"."due_at", "r"."editable_until", "r"."resolved_at", "r"."is_demo", "r"."created_at", "r"."updated_at"`;
const REPORT_FROM = `from "reports"."report" as "r" inner join "reports"."category" as "c" on "c"."commune_id" = "r"."commune_id" and "c"."id" = "r"."category_id" inner join "platform"."department" as "d" on "d"."commune_id" = "c"."commune_id" and "d"."id" = "c"."department_id" left join "platform"."district" as "di" on "di"."commune_id" = "r"."commune_id" and "di"."id" = "r"."district_id" left join "reports"."report" as "dup" on "dup"."commune_id" = "r"."commune_id" and "dup"."id" = "r"."duplicate_of"`;
const HERE = 'ST_SetSRID(ST_MakePoint(:cat_lon::float8, :cat_lat::float8), 4326)';
const STATUS_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** The category lookup, with the random point fetched in the same statement (a primary-key join: no extra round trip). */
function categoryLookup(codes: string[]) {
  const list = codes.map((c) => `'${c}'`).join(', ');
  return `select "c"."id" as "category_id", "c"."code", "c"."department_id", "d"."path" as "department_path", "d"."name" as "department_name", "c"."group_code", "c"."name", "c"."description", "c"."keywords", "c"."target_hours", "c"."attributes", "c"."is_public", "c"."enabled", "c"."sort_order", "c"."is_demo", p.lon, p.lat from "reports"."category" as "c" inner join "platform"."department" as "d" on "d"."commune_id" = "c"."commune_id" and "d"."id" = "c"."department_id", bench.point as p where "c"."code" = (ARRAY[${list}]::text[])[:k] and p.i = :i \\gset cat_`;
}

function randomPick(codes: string[]) {
  return [`\\set i random(1, ${POINTS})`, `\\set k random(1, ${codes.length})`];
}

/**
 * One `POST /api/v1/reports` (no contact, no idempotency key): 9 statements, one transaction.
 * Through Open311 the same, filed by the API key (:key_id), after the key's look-up.
 */
function submitTransaction(codes: string[], via: 'portal' | 'open311' = 'portal'): string[] {
  const key = via === 'open311' ? ':key_id' : 'NULL';
  const actor = via === 'open311' ? `'api_key', :key_id, 'api key bench-reports'` : `'system', NULL, 'anonymous'`;
  return [
    ...(via === 'open311'
      ? [
          `select "id", "name", "secret_hash", "permissions", "last_used_at" from "platform"."api_key" where "commune_id" = :commune and "prefix" = :key_prefix and "revoked_at" is null;`,
        ]
      : []),
    'begin;',
    SCOPE,
    categoryLookup(codes),
    `select ST_Covers(boundary, ${HERE}) as "inside" from "platform"."commune" where "id" = :commune;`,
    `insert into "reports"."report" ("commune_id", "category_id", "address", "district_id", "description", "contact_name", "contact_email", "contact_phone", "contact_locale", "secret_hash", "source", "api_key_id", "due_at", "editable_until", "status", "location", "attributes", "resolution_note", "responsible_body", "duplicate_of", "resolved_at") values (:commune, :cat_category_id, NULL, NULL, :desc, NULL, NULL, NULL, 'ar', :hash, '${via}', ${key}, now() + make_interval(hours => :cat_target_hours), now() + interval '30 minutes', 'open', ${HERE}, '{}', NULL, NULL, NULL, NULL) returning "id" \\gset rep_`,
    `insert into "reports"."report_update" ("commune_id", "report_id", "kind", "status", "text", "is_public", "author_id", "author_label") values (:commune, :rep_id, 'created', 'open', NULL, true, NULL, NULL) returning "id", "created_at";`,
    `select ${REPORT_COLUMNS} ${REPORT_FROM} where "r"."id" = :rep_id;`,
    `insert into "platform"."audit_event" ("commune_id", "actor_type", "actor_id", "actor_label", "action", "entity_type", "entity_id", "before", "after", "request_id", "ip") values (:commune, ${actor}, 'reports.report.create', 'report', :rep_id, NULL, :after, 'req-1', '127.0.0.1');`,
    'commit;',
  ];
}

/** One `GET /api/v1/reports/nearby`: 5 statements, one transaction (repo.findNearbyOpen). */
function nearbyTransaction(codes: string[]): string[] {
  return [
    'begin;',
    SCOPE,
    categoryLookup(codes),
    `select ${REPORT_COLUMNS}, "near"."distance" ${REPORT_FROM} inner join reports.nearby_open(:cat_category_id::uuid, :cat_lon::float8, :cat_lat::float8, 50::float8, 10::int) as "near" on "near"."report_id" = "r"."id" order by "near"."distance";`,
    'commit;',
  ];
}

/** The least SQL one submission with its duplicate search needs, in one transaction. */
function leanTransaction(codes: string[]): string[] {
  const list = codes.map((c) => `'${c}'`).join(', ');
  return [
    'begin;',
    SCOPE,
    `select c.id as category_id, c.target_hours, p.lon, p.lat from reports.category c, bench.point p where c.code = (ARRAY[${list}]::text[])[:k] and c.enabled and p.i = :i \\gset cat_`,
    `select ST_Covers(boundary, ${HERE}) as inside from platform.commune where id = :commune;`,
    `select r.id, r.number, ST_Distance(r.location::geography, ${HERE}::geography) as distance from reports.report r where r.category_id = :cat_category_id and r.status in (${STATUS_LIST}) and ST_DWithin(r.location::geography, ${HERE}::geography, 50) order by distance limit 10;`,
    `insert into reports.report (commune_id, category_id, description, secret_hash, source, due_at, editable_until, location) values (:commune, :cat_category_id, :desc, :hash, 'portal', now() + make_interval(hours => :cat_target_hours), now() + interval '30 minutes', ${HERE}) returning id \\gset rep_`,
    `insert into reports.report_update (commune_id, report_id, kind, status, is_public) values (:commune, :rep_id, 'created', 'open', true);`,
    `insert into platform.audit_event (commune_id, actor_type, actor_label, action, entity_type, entity_id, after) values (:commune, 'system', 'anonymous', 'reports.report.create', 'report', :rep_id, :after);`,
    'commit;',
  ];
}

interface PgbenchScript {
  key: string;
  label: string;
  file: string;
  /** pgbench's -M: `prepared` (parsed and planned once per connection) or `extended` (every time, as node-postgres sends them). */
  mode: 'prepared' | 'extended';
}

function findPgbench(): string {
  const candidates = [process.env.BENCH_PGBENCH, '/usr/lib/postgresql/15/bin/pgbench', 'pgbench'].filter(
    (c): c is string => typeof c === 'string' && c !== '',
  );
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  throw new BenchError(
    'pgbench not found (tried BENCH_PGBENCH, /usr/lib/postgresql/15/bin/pgbench and PATH): install postgresql-client (Debian ships pgbench with it)',
  );
}

interface Sample {
  /** Submissions (or answers) per second. */
  rate: number;
  p50: number;
  p99: number;
  count: number;
}

const running = new Set<ChildProcess>();

/** Runs pgbench for `seconds`; tps from its summary, p50/p99 from its per-transaction log. */
async function runPgbench(
  bin: string,
  databaseUrl: string,
  script: PgbenchScript,
  seconds: number,
  clients: number,
  variables: Record<string, string>,
): Promise<Sample> {
  const logDir = makeTempDir('pgbench-log');
  const args = [
    '-n',
    '-M',
    script.mode,
    '-c',
    String(clients),
    '-j',
    String(Math.min(2, clients)),
    '-T',
    String(seconds),
    '-f',
    script.file,
    '-l',
    `--log-prefix=${path.join(logDir, 'tx')}`,
    ...Object.entries(variables).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    databaseUrl,
  ];
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGAPPNAME: 'pgbench' } });
  running.add(proc);
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (c: string) => {
    out += c;
  });
  proc.stderr.on('data', (c: string) => {
    out += c;
  });
  const code = await new Promise<number | null>((resolve) => {
    proc.on('exit', (c) => resolve(c));
    proc.on('error', (e) => {
      out += `\n[spawn error] ${e.message}`;
      resolve(-1);
    });
  });
  running.delete(proc);
  const failed = /number of failed transactions: (\d+)/.exec(out);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  if (code !== 0 || !tps || (failed && failed[1] !== '0')) {
    throw new BenchError(`pgbench (${script.label}) failed (exit code ${code}): every transaction must succeed.\n${indent(out)}`);
  }
  const latencies: number[] = [];
  for (const name of fs.readdirSync(logDir)) {
    for (const line of fs.readFileSync(path.join(logDir, name), 'utf8').split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line && Number.isFinite(micros)) latencies.push(micros / 1000);
    }
  }
  fs.rmSync(logDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN;
  return { rate: Number(tps[1]), p50: at(0.5), p99: at(0.99), count: latencies.length };
}

// ---------------------------------------------------------------------------------------------
// HTTP targets (autocannon, in this process)

interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest, context: Record<string, unknown>) => CannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

interface HttpTarget {
  key: string;
  label: string;
  /** Requests per submission (2 for nearby + POST); 1 for reads. */
  perUnit: number;
  requests: () => CannonRequest[];
  /** Latencies measured per unit (nearby + POST) instead of autocannon's per request. */
  unitLatencies?: number[];
}

async function runHttp(baseUrl: string, target: HttpTarget, seconds: number, connections: number): Promise<Sample> {
  const bodies: string[] = [];
  const requests = target.requests().map((r) => ({
    ...r,
    onResponse: (status: number, body: string, context: Record<string, unknown>) => {
      if ((status < 200 || status > 299) && bodies.length < 3) bodies.push(`HTTP ${status}: ${body.slice(0, 300)}`);
      r.onResponse?.(status, body, context);
    },
  }));
  if (target.unitLatencies) target.unitLatencies.length = 0;
  const options = { url: baseUrl, connections, duration: seconds, timeout: 10, requests };
  const result = await autocannon(options as autocannon.Options);
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0 || result['2xx'] === 0) {
    throw new BenchError(
      `${target.label}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts ` +
        `out of ${result.requests.total} (status codes: ${JSON.stringify(result.statusCodeStats)}): every response must be 2xx, ` +
        `or the rate means nothing.\n${indent(bodies.join('\n'))}`,
    );
  }
  const rate = result.requests.average / target.perUnit;
  if (target.unitLatencies && target.unitLatencies.length > 0) {
    const sorted = [...target.unitLatencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
    return { rate, p50: at(0.5), p99: at(0.99), count: sorted.length };
  }
  return { rate, p50: result.latency.p50, p99: result.latency.p99, count: result.requests.total / target.perUnit };
}

/** The next point of the list, shared by all connections (each submission a different place). */
function pointCycle(points: { lon: number; lat: number }[]) {
  let n = 0;
  return () => {
    const p = points[n % points.length] as { lon: number; lat: number };
    n++;
    return { ...p, n };
  };
}

// ---------------------------------------------------------------------------------------------
// Set-up

async function startServer(databaseUrl: string, timeoutMs: number): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'development', // seeds the demo commune on an empty database
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: makeTempDir('reports-data'),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    REPORT_RATE_LIMIT: '0', // the anonymous per-IP limit is off: one IP sends everything here
    WEB_BUILD: 'false',
  };
  if (process.env.BENCH_DB_POOL_SIZE) env.DB_POOL_SIZE = process.env.BENCH_DB_POOL_SIZE;
  const child = spawnNode('Madina (PostgreSQL)', 'src/main.ts', [], env);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(child, `${url}/ready`, timeoutMs);
  } catch (error) {
    await child.stop(5000);
    throw error;
  }
  return { child, url };
}

async function createApiKey(databaseUrl: string): Promise<string> {
  const child = spawnNode('madina apikey add', 'src/cli.ts', ['apikey', 'add', '--commune', 'berkane', '--name', 'bench-reports'], {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    DATA_DIR: makeTempDir('reports-cli'),
    LOG_LEVEL: 'warn',
  });
  await waitForExit(child, 120_000);
  const key = child.lines
    .map((l) => l.text.trim())
    .filter(Boolean)
    .at(-1);
  if (!key) throw new BenchError(`madina apikey add printed no key.\n${indent(child.tail())}`);
  return key;
}

async function expect2xx(label: string, response: Response): Promise<string> {
  const text = await response.text();
  if (response.status < 200 || response.status > 299) {
    throw new BenchError(`${label}: HTTP ${response.status} ${text.slice(0, 500)}`);
  }
  return text;
}

/** EXPLAIN ANALYZE of the duplicate search on `samples` points: the indexes it uses and its median time, with and without RLS. */
async function explainDuplicateSearch(client: pg.Client, communeId: string, categoryIds: string[], samples: number) {
  const out: { as: string; indexes: string; rows: number; ms: number }[] = [];
  for (const mode of ['app', 'owner', 'function'] as const) {
    const asApp = mode !== 'owner';
    const times: number[] = [];
    const rows: number[] = [];
    const indexes = new Set<string>();
    for (let s = 0; s < samples; s++) {
      await client.query('BEGIN');
      try {
        if (asApp)
          await client.query(`SELECT set_config('role', 'madina_app', true), set_config('madina.commune_id', $1, true)`, [communeId]);
        else await client.query(`SELECT set_config('madina.commune_id', $1, true)`, [communeId]);
        const { rows: plan } = await client.query<{ 'QUERY PLAN': unknown }>(
          mode === 'function'
            ? `EXPLAIN (ANALYZE, FORMAT JSON)
               SELECT n.report_id FROM bench.point p, reports.nearby_open($2::uuid, p.lon, p.lat, 50, 10) AS n WHERE p.i = $1`
            : `EXPLAIN (ANALYZE, FORMAT JSON)
               SELECT r.id FROM reports.report r, bench.point p
                WHERE p.i = $1 AND r.category_id = $2 AND r.status IN (${STATUS_LIST})
                  AND ST_DWithin(r.location::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography, 50)`,
          [1 + ((s * 997) % POINTS), categoryIds[s % categoryIds.length]],
        );
        const top = ((plan[0]?.['QUERY PLAN'] ?? []) as { Plan: PlanNode; 'Execution Time': number }[])[0];
        if (top) {
          times.push(top['Execution Time']);
          let examined = 0;
          const walk = (node: PlanNode) => {
            if (node['Relation Name'] === 'report' && node['Index Name']) indexes.add(node['Index Name']);
            if (node['Relation Name'] === 'report' && node['Node Type'] === 'Seq Scan') indexes.add('(sequential scan)');
            if (node['Relation Name'] === 'report') examined += (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0);
            for (const child of node.Plans ?? []) walk(child);
          };
          walk(top.Plan);
          rows.push(examined);
        }
      } finally {
        await client.query('ROLLBACK');
      }
    }
    out.push({
      as:
        mode === 'app'
          ? 'the application role `madina_app`, the search inline (row-level security on)'
          : mode === 'owner'
            ? 'the table owner, the search inline (row-level security bypassed)'
            : 'the application role through `reports.nearby_open` (what the app runs)',
      indexes: mode === 'function' ? 'report_place_idx (inside the function, as its owner)' : [...indexes].join(', '),
      rows: median(rows),
      ms: median(times),
    });
  }
  return out;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

// ---------------------------------------------------------------------------------------------

const fmtMs = (value: number) => (Number.isFinite(value) ? `${num(value, value < 10 ? 1 : 0)} ms` : '–');
const pct = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 100)}%` : '–');

export async function runReports(): Promise<BenchOutput> {
  const seconds = intEnv('BENCH_SECONDS', 20, 1, 600);
  const connections = intEnv('BENCH_CONNECTIONS', 10, 1, 1000);
  const rounds = intEnv('BENCH_ROUNDS', 3, 1, 20);
  const warmup = intEnv('BENCH_WARMUP_SECONDS', 3, 0, 60);
  const startTimeoutMs = intEnv('BENCH_START_TIMEOUT_S', 180, 10, 3600) * 1000;
  const postgres = await findPostgres();
  if (!postgres.ok) throw new BenchError(`this benchmark needs PostgreSQL with PostGIS: ${postgres.reason}`);
  const pgbench = findPgbench();
  const pgbenchVersion = spawnSync(pgbench, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const pgVersion = await postgresVersion(postgres.adminUrl);
  const dbName = `madina_bench_${process.pid}_reports`;
  const databaseUrl = await createDatabase(postgres.adminUrl, dbName);

  let server: { child: Child; url: string } | undefined;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    log('starting Madina on a new PostgreSQL database (migrations + demo seed)');
    server = await startServer(databaseUrl, startTimeoutMs);
    const base = server.url;
    await client.connect();

    log(`loading ${num(EXISTING)} existing reports and ${num(POINTS)} bench points`);
    let t = performance.now();
    await client.query(POINTS_SQL);
    await client.query(REPORTS_SQL);
    const loadMs = performance.now() - t;
    const communeId = (await client.query<{ id: string }>(`SELECT id FROM platform.commune WHERE code = 'berkane'`)).rows[0]?.id;
    if (!communeId) throw new BenchError('the demo commune berkane was not seeded');
    // Categories a citizen can file in without answering a required question (the same list for every target).
    const categories = (
      await client.query<{ code: string; id: string }>(
        `SELECT code, id FROM reports.category c
          WHERE enabled AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(attributes) a WHERE (a->>'required')::boolean)
          ORDER BY code`,
      )
    ).rows;
    const codes = categories.map((c) => c.code);
    const points = (await client.query<{ lon: number; lat: number }>('SELECT lon, lat FROM bench.point ORDER BY i')).rows;
    const countReports = async () => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM reports.report')).rows[0]?.n);
    const before = await countReports();
    log(`  loaded in ${(loadMs / 1000).toFixed(1)} s: ${num(before)} reports, ${codes.length} categories without required questions`);

    // One of each by hand first: they must work, and the POST's audit row gives pgbench its `after`.
    const sample = points[0] as { lon: number; lat: number };
    await expect2xx(
      'GET /api/v1/reports/nearby',
      await fetch(`${base}/api/v1/reports/nearby?category=${codes[0]}&lat=${sample.lat}&lon=${sample.lon}`),
    );
    await expect2xx(
      'POST /api/v1/reports',
      await fetch(`${base}/api/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ category: codes[0], location: sample, description: 'Bench report 0: a sample submission' }),
      }),
    );
    const after = (
      await client.query<{ after: string }>(
        `SELECT after::text AS after FROM platform.audit_event WHERE action = 'reports.report.create' ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0]?.after;
    if (!after) throw new BenchError('the sample submission left no audit row');

    // Open311: being built; its rows run once the routes exist.
    let open311: { apiKey: string; id: string; prefix: string } | undefined;
    let open311Note = '';
    const services = await fetch(`${base}/open311/v2/services.json?jurisdiction_id=berkane`);
    if (services.status === 404) {
      await services.arrayBuffer();
      open311Note = 'not available: `/open311/v2` answers 404 (the routes do not exist yet)';
      log(`Open311 ${open311Note}`);
    } else {
      await expect2xx('GET /open311/v2/services.json', services);
      const apiKey = await createApiKey(databaseUrl);
      const form = new URLSearchParams({
        api_key: apiKey,
        jurisdiction_id: 'berkane',
        service_code: codes[0] as string,
        lat: String(sample.lat),
        long: String(sample.lon),
        description: 'Bench report 0: a sample Open311 submission',
      });
      const posted = await fetch(`${base}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      if (posted.status === 404) {
        open311Note = 'not available: `POST /open311/v2/requests.json` answers 404';
        log(`Open311 ${open311Note}: ${(await posted.text()).slice(0, 200)}`);
      } else {
        await expect2xx('POST /open311/v2/requests.json', posted);
        const row = (
          await client.query<{ id: string; prefix: string }>(`SELECT id, prefix FROM platform.api_key WHERE name = 'bench-reports'`)
        ).rows[0];
        if (!row) throw new BenchError('the API key made by `madina apikey add` is not in platform.api_key');
        open311 = { apiKey, ...row };
      }
    }
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const open311ListPath = `/open311/v2/requests.json?jurisdiction_id=berkane&start_date=${yearAgo}`;
    let open311ListItems: number | undefined;
    {
      const listed = await fetch(`${base}${open311ListPath}`);
      if (listed.status === 404) {
        log('GET /open311/v2/requests.json: not available (404)');
        await listed.arrayBuffer();
      } else {
        const body = JSON.parse(await expect2xx('GET /open311/v2/requests.json', listed)) as unknown[];
        open311ListItems = Array.isArray(body) ? body.length : Number.NaN;
      }
    }
    const apiList = JSON.parse(await expect2xx('GET /api/v1/reports?limit=200', await fetch(`${base}/api/v1/reports?limit=200`))) as {
      items: unknown[];
    };

    // The duplicate search's plan on 100,000 reports (before the load adds more).
    log('EXPLAIN ANALYZE of the duplicate search');
    const explained = await explainDuplicateSearch(
      client,
      communeId,
      categories.map((c) => c.id),
      15,
    );

    // pgbench scripts
    const scriptDir = makeTempDir('pgbench-scripts');
    const write = (name: string, lines: string[]) => {
      const file = path.join(scriptDir, name);
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    };
    const submitFile = write('submit.sql', [...randomPick(codes), ...submitTransaction(codes)]);
    const scripts: Record<'submit' | 'flow' | 'open311' | 'lean' | 'unprepared', PgbenchScript> = {
      submit: { key: 'pg.submit', label: "Madina's statements for one POST", file: submitFile, mode: 'prepared' },
      open311: {
        key: 'pg.open311',
        label: "Madina's statements for one Open311 POST",
        file: write('open311.sql', [...randomPick(codes), ...submitTransaction(codes, 'open311')]),
        mode: 'prepared',
      },
      flow: {
        key: 'pg.flow',
        label: "Madina's statements for nearby + POST",
        file: write('flow.sql', [...randomPick(codes), ...nearbyTransaction(codes), ...submitTransaction(codes)]),
        mode: 'prepared',
      },
      lean: {
        key: 'pg.lean',
        label: 'the lean SQL of a submission',
        file: write('lean.sql', [...randomPick(codes), ...leanTransaction(codes)]),
        mode: 'prepared',
      },
      unprepared: {
        key: 'pg.unprepared',
        label: "Madina's statements for one POST, -M extended",
        file: submitFile,
        mode: 'extended',
      },
    };
    const variables = {
      commune: communeId,
      desc: 'Bench report: a submission through pgbench',
      hash: 'a'.repeat(64),
      after,
      ...(open311 ? { key_id: open311.id, key_prefix: open311.prefix } : {}),
    };

    // HTTP targets
    const next = pointCycle(points);
    const codeOf = (n: number) => codes[n % codes.length] as string;
    const json = { 'content-type': 'application/json' };
    const flowLatencies: number[] = [];
    const httpTargets: HttpTarget[] = [
      {
        key: 'http.submit',
        label: '`POST /api/v1/reports` (JSON)',
        perUnit: 1,
        requests: () => [
          {
            method: 'POST',
            path: '/api/v1/reports',
            headers: json,
            setupRequest: (req) => {
              const p = next();
              return {
                ...req,
                body: JSON.stringify({
                  category: codeOf(p.n),
                  location: { lat: p.lat, lon: p.lon },
                  description: `Bench report ${p.n}: a submission through the JSON API`,
                }),
              };
            },
          },
        ],
      },
      {
        key: 'http.flow',
        label: 'portal flow: `GET /api/v1/reports/nearby` + `POST /api/v1/reports`',
        perUnit: 2,
        unitLatencies: flowLatencies,
        requests: () => [
          {
            method: 'GET',
            setupRequest: (req, context) => {
              const p = next();
              context.p = p;
              context.t0 = performance.now();
              return { ...req, path: `/api/v1/reports/nearby?category=${codeOf(p.n)}&lat=${p.lat}&lon=${p.lon}` };
            },
          },
          {
            method: 'POST',
            path: '/api/v1/reports',
            headers: json,
            setupRequest: (req, context) => {
              const p = context.p as ReturnType<typeof next>;
              return {
                ...req,
                body: JSON.stringify({
                  category: codeOf(p.n),
                  location: { lat: p.lat, lon: p.lon },
                  description: `Bench report ${p.n}: a submission after the duplicate check`,
                }),
              };
            },
            onResponse: (_status, _body, context) => {
              if (typeof context.t0 === 'number') flowLatencies.push(performance.now() - context.t0);
            },
          },
        ],
      },
    ];
    if (open311) {
      const apiKey = open311.apiKey;
      httpTargets.push({
        key: 'http.open311',
        label: 'Open311 `POST /open311/v2/requests.json` (form)',
        perUnit: 1,
        requests: () => [
          {
            method: 'POST',
            path: '/open311/v2/requests.json',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            setupRequest: (req) => {
              const p = next();
              const form = new URLSearchParams({
                api_key: apiKey,
                jurisdiction_id: 'berkane',
                service_code: codeOf(p.n),
                lat: String(p.lat),
                long: String(p.lon),
                description: `Bench report ${p.n}: a submission through Open311`,
              });
              return { ...req, body: form.toString() };
            },
          },
        ],
      });
    }
    const readTargets: HttpTarget[] = [];
    if (open311ListItems !== undefined) {
      readTargets.push({
        key: 'http.open311.list',
        label: '`GET /open311/v2/requests.json?start_date=<a year ago>`',
        perUnit: 1,
        requests: () => [{ method: 'GET', path: open311ListPath }],
      });
    }
    readTargets.push({
      key: 'http.list',
      label: '`GET /api/v1/reports?limit=200`',
      perUnit: 1,
      requests: () => [{ method: 'GET', path: '/api/v1/reports?limit=200' }],
    });

    // Measured in turns, round after round; each Madina target beside its pgbench peer.
    type Step = { key: string; label: string; run: (s: number) => Promise<Sample> };
    // `alone`: one connection / one client, requests one after the other: the latency of a
    // submission when nothing queues (the saturated rows above measure throughput).
    const http = (target: HttpTarget, alone = false): Step => ({
      key: alone ? `${target.key}.1` : target.key,
      label: alone ? `${target.label}, 1 connection` : target.label,
      run: (s) => runHttp(base, target, s, alone ? 1 : connections),
    });
    const bench = (script: PgbenchScript, alone = false): Step => ({
      key: alone ? `${script.key}.1` : script.key,
      label: `pgbench: ${script.label}${alone ? ', 1 client' : ''}`,
      run: (s) => runPgbench(pgbench, databaseUrl, script, s, alone ? 1 : connections, variables),
    });
    const [submitTarget, flowTarget, open311Target] = httpTargets as [HttpTarget, HttpTarget, HttpTarget | undefined];
    const steps: Step[] = [
      http(submitTarget),
      bench(scripts.submit),
      http(submitTarget, true),
      bench(scripts.submit, true),
      http(flowTarget),
      bench(scripts.flow),
      ...(open311Target ? [http(open311Target), bench(scripts.open311)] : []),
      bench(scripts.lean),
      bench(scripts.unprepared),
      ...readTargets.map((target) => http(target)),
    ];
    // Every target starts from the same reports: what the previous one added is deleted and vacuumed
    // (the audit log's append-only trigger is skipped for this, as superuser, with session_replication_role).
    const baseline = (
      await client.query<{ number: string; audit: string; job: string }>(
        `SELECT (SELECT coalesce(max(number), 0) FROM reports.report)::text AS number,
                (SELECT coalesce(max(id), 0) FROM platform.audit_event)::text AS audit,
                (SELECT coalesce(max(id), 0) FROM platform.job)::text AS job`,
      )
    ).rows[0] as { number: string; audit: string; job: string };
    const canReset = (await client.query<{ su: boolean }>('SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user')).rows[0]?.su;
    if (!canReset) log('not a superuser: the reports each target adds stay (the table grows during the run)');
    const reset = async () => {
      if (!canReset) return;
      await client.query(`SET session_replication_role = replica`);
      try {
        await client.query(`DELETE FROM reports.report_update u USING reports.report r WHERE u.report_id = r.id AND r.number > $1`, [
          baseline.number,
        ]);
        await client.query(`DELETE FROM platform.audit_event WHERE id > $1`, [baseline.audit]);
        await client.query(`DELETE FROM platform.job WHERE id > $1`, [baseline.job]);
        await client.query(`DELETE FROM reports.report WHERE number > $1`, [baseline.number]);
      } finally {
        await client.query(`RESET session_replication_role`);
      }
      await client.query('VACUUM (ANALYZE) reports.report, reports.report_update, platform.audit_event');
    };
    if (warmup > 0) {
      log(`warming up each target for ${warmup} s`);
      for (const step of steps) {
        await reset();
        await step.run(warmup);
      }
    }
    const samples = new Map<string, Sample[]>(steps.map((s) => [s.key, []]));
    t = performance.now();
    for (let round = 0; round < rounds; round++) {
      for (const step of steps) {
        await reset();
        log(`round ${round + 1}/${rounds}: ${step.label.replace(/`/g, '')} for ${seconds} s`);
        const s = await step.run(seconds);
        samples.get(step.key)?.push(s);
        log(`  ${num(s.rate, 1)}/s, p50 ${fmtMs(s.p50)}, p99 ${fmtMs(s.p99)}`);
      }
    }
    const reportsAtEnd = await countReports();

    // Tables
    const list = (key: string) => samples.get(key) ?? [];
    const med = (key: string, f: (s: Sample) => number) => median(list(key).map(f));
    const perRound = (a: string, b: string) => median(list(a).map((s, i) => s.rate / (list(b)[i]?.rate ?? Number.NaN)));
    const writeRow = (key: string, label: string, peer: string | undefined, note: string) => {
      const p99 = med(key, (s) => s.p99);
      const r = peer ? perRound(key, peer) : Number.NaN;
      return [
        label,
        num(med(key, (s) => s.rate)),
        fmtMs(med(key, (s) => s.p50)),
        fmtMs(p99),
        peer ? num(med(peer, (s) => s.rate)) : '',
        peer ? fmtMs(med(peer, (s) => s.p50)) : '',
        peer ? fmtMs(med(peer, (s) => s.p99)) : '',
        peer ? `**${pct(r)}** ${r >= 0.5 ? '✓' : '✗'}` : '',
        `${fmtMs(p99)} ${p99 < 50 ? '✓' : '✗'}`,
        note,
      ];
    };
    const peerOnly = (key: string, label: string, note: string) => [
      label,
      '',
      '',
      '',
      num(med(key, (s) => s.rate)),
      fmtMs(med(key, (s) => s.p50)),
      fmtMs(med(key, (s) => s.p99)),
      '',
      '',
      note,
    ];
    const writes = [
      writeRow('http.submit', submitTarget.label, 'pg.submit', "peer: the same 9 statements (one transaction) as a POST's"),
      writeRow(
        'http.submit.1',
        `${submitTarget.label}, **1 connection** (nothing queues)`,
        'pg.submit.1',
        'the latency of one submission on an otherwise idle server; peer: pgbench with 1 client',
      ),
      writeRow(
        'http.flow',
        `${flowTarget.label} (one submission = 2 requests)`,
        'pg.flow',
        'peer: the same 16 statements in 2 transactions; latency of the pair',
      ),
      open311Target
        ? writeRow(
            'http.open311',
            open311Target.label,
            'pg.open311',
            "peer: the same 12 statements: the API key's look-up, then the POST's transaction",
          )
        : ['Open311 `POST /open311/v2/requests.json` (form)', '–', '', '', '', '', '', '', '', open311Note],
      peerOnly(
        'pg.lean',
        '**floor** pgbench: the lean SQL of a submission with its duplicate search',
        `category, ST_Covers, duplicate search, 3 INSERTs: 8 statements, one transaction; portal flow ÷ this: ${pct(perRound('http.flow', 'pg.lean'))}`,
      ),
      peerOnly(
        'pg.unprepared',
        "breakdown: pgbench, a POST's 9 statements with `-M extended`",
        `every statement parsed and planned each time, as node-postgres sends them (unnamed statements); JSON POST ÷ this: ${pct(perRound('http.submit', 'pg.unprepared'))}`,
      ),
    ];
    const reads = readTargets.map((target) => [
      target.label,
      target.key === 'http.open311.list' ? num(open311ListItems ?? Number.NaN) : num(apiList.items.length),
      num(med(target.key, (s) => s.rate)),
      fmtMs(med(target.key, (s) => s.p50)),
      fmtMs(med(target.key, (s) => s.p99)),
      num(list(target.key).reduce((sum, s) => sum + s.count, 0)),
    ]);
    if (open311ListItems === undefined)
      reads.unshift(['`GET /open311/v2/requests.json?start_date=<a year ago>`', '', '–', '', '', 'not available (404)']);

    const markdown = [
      `## Report submissions on PostgreSQL with ${num(EXISTING)} existing reports (${connections} connections / pgbench clients, ${rounds} × ${seconds} s per target, medians)`,
      '',
      `${pgVersion} at 127.0.0.1, ${pgbenchVersion}; Madina's pool: ${process.env.BENCH_DB_POOL_SIZE ?? 'DB_POOL_SIZE default (10)'} connections. ` +
        `Reports: ${num(before)} (${num(EXISTING)} loaded by SQL in ${(loadMs / 1000).toFixed(1)} s, and the demo's) ` +
        (canReset
          ? 'when each target starts: the reports a target adds are deleted (and vacuumed) before the next one.'
          : `at the start, ${num(reportsAtEnd)} at the end (not a superuser: the reports each target adds stay).`),
      '',
      table(
        [
          'what',
          'Madina submissions/s',
          'p50',
          'p99',
          'pgbench tps (same SQL)',
          'p50',
          'p99',
          'Madina ÷ pgbench (goal ≥ 50%)',
          'p99 (goal < 50 ms)',
          'note',
        ],
        writes,
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
      '',
      '### Reads (same server, same data)',
      table(['what', 'items per answer', 'answers/s', 'p50', 'p99', 'answers (all 2xx)'], reads, ['l', 'r', 'r', 'r', 'r', 'r']),
      '',
      `### The duplicate search's plan (open reports of one category within 50 m; EXPLAIN ANALYZE on 15 points, ${num(before)} reports)`,
      table(
        ['run as', 'index used on reports.report', 'rows examined (median)', 'execution (median)'],
        explained.map((e) => [e.as, e.indexes, e.indexes.includes('inside the function') ? '—' : num(e.rows), `${e.ms.toFixed(2)} ms`]),
        ['l', 'l', 'r', 'r'],
      ),
      '',
      'How to read: Madina is loaded with autocannon from this process (each request a new point from a list of ' +
        `${num(POINTS)} made by ST_GeneratePoints inside Berkane's boundary, categories in turn, no contact, no photo); ` +
        'pgbench runs the SQL that Madina sends (statement for statement, from the server log) with `-M prepared`, as the ' +
        "application role with the commune set (`set_config('role', 'madina_app', true)`, row-level security on), on random " +
        'points of the same list, on the same database. Rates are medians of the rounds; the ratio is taken per round ' +
        "(Madina and its peer run one after the other) and its median shown. The portal flow's rate counts submissions " +
        '(pairs of requests) and its latency is the pair’s; pgbench latencies come from its per-transaction log. ' +
        'Every HTTP answer was 2xx and every pgbench transaction committed. The machine is shared and small: the server, ' +
        'the load generator and PostgreSQL share its cores.',
    ].join('\n');
    return {
      markdown,
      settings: {
        BENCH_SECONDS: seconds,
        BENCH_CONNECTIONS: connections,
        BENCH_ROUNDS: rounds,
        BENCH_WARMUP_SECONDS: warmup,
        ...(process.env.BENCH_DB_POOL_SIZE ? { BENCH_DB_POOL_SIZE: process.env.BENCH_DB_POOL_SIZE } : {}),
      },
    };
  } finally {
    for (const proc of running) proc.kill('SIGTERM');
    await client.end().catch(() => {});
    if (server) await server.child.stop(30_000);
    await dropDatabase(postgres.adminUrl, dbName).catch((error: Error) => log(`could not drop ${dbName}: ${error.message}`));
  }
}
