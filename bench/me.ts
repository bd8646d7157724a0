// A signed-in `GET /api/v1/me` under load (autocannon), on Madina over embedded PGlite and over
// PostgreSQL, beside two peers measured in the same run on the same machine: a bare Fastify
// route (`GET /` → small JSON, its own process) and Madina's own `GET /health` (no database, no
// session: the framework + plugins floor). The targets are measured in turns, round after round,
// so each ratio compares runs made close in time; the tables give medians over the rounds.
import autocannon from 'autocannon';
import {
  BenchError,
  createDatabase,
  findPostgres,
  intEnv,
  makeTempDir,
  median,
  ms,
  num,
  postgresVersion,
  ratio,
  type Started,
  startBareFastify,
  startMadina,
  table,
} from './lib.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[me] ${message}\n`);

const DEMO_EMAIL = 'admin@berkane.example';
const DEMO_PASSWORD = 'berkane-demo-2026';

interface Target {
  key: string;
  label: string;
  url: string;
  headers: Record<string, string>;
}

interface Sample {
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
}

/** Signs in as the demo admin; returns the Cookie header value (`madina_session=…`). */
async function signIn(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new BenchError(`sign-in at ${baseUrl} failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('madina_session='));
  if (!session) throw new BenchError(`sign-in at ${baseUrl} set no madina_session cookie`);
  const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie: session }, signal: AbortSignal.timeout(10_000) });
  const body = (await me.json()) as { user?: { email?: string } };
  if (me.status !== 200 || body.user?.email !== DEMO_EMAIL) {
    throw new BenchError(
      `GET /api/v1/me with the new session did not return the admin (HTTP ${me.status}: ${JSON.stringify(body).slice(0, 300)})`,
    );
  }
  return session;
}

async function load(target: Target, seconds: number, connections: number): Promise<Sample> {
  const result = await autocannon({ url: target.url, headers: target.headers, connections, duration: seconds, timeout: 10 });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0 || result['2xx'] === 0) {
    throw new BenchError(
      `${target.label}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts ` +
        `out of ${result.requests.total} (status codes: ${JSON.stringify(result.statusCodeStats)}): every response must be 200`,
    );
  }
  return { reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total };
}

export async function runMe(): Promise<BenchOutput> {
  const seconds = intEnv('BENCH_SECONDS', 10, 1, 600);
  const connections = intEnv('BENCH_CONNECTIONS', 10, 1, 1000);
  const rounds = intEnv('BENCH_ROUNDS', 3, 1, 20);
  const warmup = intEnv('BENCH_WARMUP_SECONDS', 2, 0, 60);
  const startTimeoutMs = intEnv('BENCH_START_TIMEOUT_S', 180, 10, 3600) * 1000;
  const postgres = await findPostgres();
  const pgVersion = postgres.ok ? await postgresVersion(postgres.adminUrl) : undefined;

  const servers: Started[] = [];
  try {
    log('starting bare Fastify');
    const bare = await startBareFastify(60_000);
    servers.push(bare);
    log('starting Madina on PGlite (first start on an empty folder: migrations + demo seed)');
    const lite = await startMadina({ label: 'Madina (PGlite)', dataDir: makeTempDir('me-pglite'), timeoutMs: startTimeoutMs });
    servers.push(lite);
    log(`  ready in ${ms(lite.ms)}`);
    const liteCookie = await signIn(lite.url);

    const targets: Target[] = [
      { key: 'bare', label: 'bare Fastify `GET /`', url: `${bare.url}/`, headers: {} },
      { key: 'lite.health', label: 'Madina on PGlite `GET /health`', url: `${lite.url}/health`, headers: {} },
      {
        key: 'lite.me',
        label: 'Madina on PGlite `GET /api/v1/me` (signed in)',
        url: `${lite.url}/api/v1/me`,
        headers: { cookie: liteCookie },
      },
    ];
    if (postgres.ok) {
      log('starting Madina on PostgreSQL (new database: migrations + demo seed)');
      const url = await createDatabase(postgres.adminUrl, `madina_bench_${process.pid}_me`);
      const pgServer = await startMadina({
        label: 'Madina (PostgreSQL)',
        dataDir: makeTempDir('me-pg'),
        databaseUrl: url,
        timeoutMs: startTimeoutMs,
      });
      servers.push(pgServer);
      log(`  ready in ${ms(pgServer.ms)}`);
      const pgCookie = await signIn(pgServer.url);
      targets.push(
        { key: 'pg.health', label: 'Madina on PostgreSQL `GET /health`', url: `${pgServer.url}/health`, headers: {} },
        {
          key: 'pg.me',
          label: 'Madina on PostgreSQL `GET /api/v1/me` (signed in)',
          url: `${pgServer.url}/api/v1/me`,
          headers: { cookie: pgCookie },
        },
      );
    }

    if (warmup > 0) {
      log(`warming up each target for ${warmup} s`);
      for (const target of targets) await load(target, warmup, connections);
    }
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.key, []]));
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        log(`round ${round + 1}/${rounds}: ${target.label.replace(/`/g, '')} for ${seconds} s`);
        const sample = await load(target, seconds, connections);
        samples.get(target.key)?.push(sample);
        log(`  ${num(sample.reqPerSec)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms`);
      }
    }

    // Ratios per round (targets measured close in time), then their median.
    const perRound = (a: string, b: string) =>
      median((samples.get(a) ?? []).map((s, i) => s.reqPerSec / (samples.get(b)?.[i]?.reqPerSec ?? Number.NaN)));
    const rows = targets.map((target) => {
      const list = samples.get(target.key) ?? [];
      const health = target.key.endsWith('.me') ? target.key.replace('.me', '.health') : undefined;
      return [
        target.label,
        num(median(list.map((s) => s.reqPerSec))),
        `${num(median(list.map((s) => s.p50)), 1)} ms`,
        `${num(median(list.map((s) => s.p99)), 1)} ms`,
        num(list.reduce((sum, s) => sum + s.total, 0)),
        target.key === 'bare' ? '×1' : ratio(perRound(target.key, 'bare')),
        health ? ratio(perRound(target.key, health)) : '',
      ];
    });
    const markdown = [
      `## Signed-in \`GET /api/v1/me\` under load (${connections} connections, ${rounds} × ${seconds} s per target, all 200)`,
      '',
      postgres.ok ? `PostgreSQL: ${pgVersion} at 127.0.0.1.` : `PostgreSQL: not measured — ${postgres.reason}.`,
      '',
      table(['target', 'req/s (median)', 'p50', 'p99', 'requests (all 2xx)', '÷ bare Fastify (req/s)', '÷ same server /health'], rows, [
        'l',
        'r',
        'r',
        'r',
        'r',
        'r',
        'r',
      ]),
      '',
      "How to read: req/s is autocannon's average per run, then the median over the rounds; p50/p99 are medians of each run's " +
        'percentiles. The ratios are taken per round (targets measured one after the other) and their median is shown: ' +
        "`÷ bare Fastify` is the share of a bare Fastify route's throughput that Madina keeps (×0.10 = ten times fewer requests/s); " +
        '`÷ same server /health` isolates what the session lookup (a transaction with the commune set, one query) costs on top of ' +
        "Madina's plugins. The load generator runs in the bench process on the same machine as the servers.",
    ].join('\n');
    return {
      markdown,
      settings: { BENCH_SECONDS: seconds, BENCH_CONNECTIONS: connections, BENCH_ROUNDS: rounds, BENCH_WARMUP_SECONDS: warmup },
    };
  } finally {
    for (const server of servers.reverse()) await server.child.stop(30_000);
  }
}
