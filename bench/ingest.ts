// Sustained telemetry ingestion: readings per second from MQTT publishers through the broker into
// the database, every message accounted for — on Mosquitto + PostgreSQL (production) and on the
// embedded aedes + PGlite (`npm start`) — beside the raw limits measured in the same run, on the
// same machine:
//
//   - Mosquitto's own throughput: mosquitto_pub (QoS 1, from files of the same payloads) →
//     Mosquitto → mosquitto_sub (QoS 1), no database;
//   - the same publishers as Madina gets (mqtt.js, QoS 1) → Mosquitto → Madina's own MQTT session
//     (src/platform/mqtt/session.ts) acknowledging each message at once, no database;
//   - PostgreSQL's COPY rate for the same rows into the same partitioned table (psql \copy), and
//     the multi-row INSERT … json_to_recordset the ingestion sends, in 1,000-row batches from one
//     connection.
//
// The publishers are child processes (this file with `publish`), each with its share of the
// devices: every device is its own MQTT connection publishing readings with QoS 1, at most
// BENCH_INGEST_INFLIGHT unacknowledged each, as fast as the broker acknowledges. A run ends when
// the database holds every reading the broker acknowledged (read from /metrics while it runs,
// then counted in SQL): the rate is stored readings ÷ (first publish → last reading stored).
//
//   npm run bench -- ingest
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { MqttSession } from '../src/platform/mqtt/session.js';
import {
  BenchError,
  type Child,
  createDatabase,
  findPostgres,
  freePort,
  intEnv,
  makeTempDir,
  num,
  postgresVersion,
  sleep,
  spawnNode,
  table,
  waitFor200,
} from './lib.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[ingest] ${message}\n`);
const MOSQUITTO = '/usr/sbin/mosquitto';
const DEMO = { email: 'admin@berkane.example', password: 'berkane-demo-2026' };

// ── the payload ─────────────────────────────────────────────────────────────────────────────────

/** The i-th reading of a device: a luminaire at night, its time `base + i` ms (each one distinct). */
function reading(deviceId: string, base: number, i: number): string {
  return JSON.stringify({
    deviceId,
    observationDateTime: new Date(base + i).toISOString(),
    powerState: 'on',
    dimLevel: 100,
    powerConsumption: 61.7 + (i % 7) / 10,
    voltage: 229.4 + (i % 5) / 10,
    current: 0.279,
    powerFactor: 0.96,
    energyConsumed: 1234.5 + i / 1000,
    burningHours: 20_101.5 + i / 3600,
    faults: [],
  });
}

const topicOf = (deviceId: string) => `madina/berkane/luminaire/${deviceId}/telemetry`;
const demoDevice = (i: number) => `berkane-l-${String(i + 1).padStart(5, '0')}`;

// ── the publisher process (`node --import tsx bench/ingest.ts publish <json>`) ──────────────────

interface PublisherConfig {
  url: string;
  devices: { id: string; secret?: string }[];
  perDevice: number;
  inflight: number;
  base: number;
}

async function publisherMain(config: PublisherConfig) {
  const clients = await Promise.all(
    config.devices.map((d) =>
      mqtt.connectAsync(config.url, {
        clientId: d.id,
        ...(d.secret ? { username: d.id, password: d.secret } : {}),
        clean: true,
        reconnectPeriod: 1000,
        connectTimeout: 30_000,
      }),
    ),
  );
  // The parent starts every publisher at once with a signal.
  const go = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
  process.stdout.write('READY\n');
  await go;
  const started = performance.now();
  let acked = 0;
  let failed = 0;
  await Promise.all(
    clients.map(
      (client: MqttClient, k) =>
        new Promise<void>((resolve) => {
          const id = config.devices[k]?.id as string;
          const topic = topicOf(id);
          let next = 0;
          let done = 0;
          const pump = () => {
            while (next < config.perDevice && next - done < config.inflight) {
              const i = next++;
              client.publish(topic, reading(id, config.base, i), { qos: 1 }, (error) => {
                if (error) failed++;
                else acked++;
                done++;
                if (done === config.perDevice) resolve();
                else pump();
              });
            }
          };
          pump();
        }),
    ),
  );
  const ms = performance.now() - started;
  process.stdout.write(`DONE ${JSON.stringify({ acked, failed, ms })}\n`);
  await Promise.all(clients.map((c) => c.endAsync(true)));
  process.exit(0);
}

/** Runs `processes` publisher processes over `devices`; resolves with when they started and ended. */
async function publish(
  url: string,
  devices: { id: string; secret?: string }[],
  perDevice: number,
  processes: number,
  inflight: number,
  base: number,
  onStart?: () => void,
): Promise<{ startedAt: number; endedAt: number; acked: number; failed: number }> {
  const shares = Array.from({ length: processes }, (_, p) => devices.filter((_, i) => i % processes === p)).filter((s) => s.length > 0);
  const children = shares.map((share, p) => {
    const config: PublisherConfig = { url, devices: share, perDevice, inflight, base };
    return spawnNode(`publisher ${p + 1}`, 'bench/ingest.ts', ['publish', JSON.stringify(config)], {});
  });
  await Promise.all(children.map((c) => waitLine(c, 'READY', 120_000)));
  const startedAt = performance.now();
  onStart?.();
  for (const c of children) c.process.kill('SIGUSR2');
  const results = await Promise.all(children.map((c) => waitLine(c, 'DONE ', 600_000)));
  const endedAt = performance.now();
  let acked = 0;
  let failed = 0;
  for (const r of results) {
    const parsed = JSON.parse(r.slice(5)) as { acked: number; failed: number };
    acked += parsed.acked;
    failed += parsed.failed;
  }
  for (const c of children) await c.stop(5000);
  return { startedAt, endedAt, acked, failed };
}

async function waitLine(child: Child, prefix: string, timeoutMs: number): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const line = child.lines.find((l) => l.text.startsWith(prefix));
    if (line) return line.text;
    if (!child.isAlive()) throw new BenchError(`${child.label} exited before printing ${prefix}:\n${child.tail()}`);
    if (performance.now() > deadline) throw new BenchError(`${child.label} did not print ${prefix} in time:\n${child.tail()}`);
    await sleep(20);
  }
}

// ── Mosquitto ───────────────────────────────────────────────────────────────────────────────────

const spawned = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of spawned) if (c.exitCode === null) c.kill('SIGKILL');
});

async function startMosquitto(): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const dir = makeTempDir('mosquitto');
  fs.chmodSync(dir, 0o777); // Mosquitto drops root privileges to its own user
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      // Never drop a QoS 1 message queued for a slow subscriber (defaults: 1,000 queued, 20 in flight).
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_type error',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
  spawned.add(child);
  for (let i = 0; i < 100; i++) {
    try {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1000 });
      await c.endAsync();
      break;
    } catch {
      await sleep(100);
    }
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      spawned.delete(child);
    },
  };
}

function mosquittoVersion(): string {
  const out = spawnSync(MOSQUITTO, ['-h'], { encoding: 'utf8' }).stdout;
  return /mosquitto version (\S+)/.exec(out)?.[1] ?? 'unknown';
}

/** mosquitto_pub (QoS 1, `processes` of them, one payload per line) → Mosquitto → mosquitto_sub (QoS 1). */
async function mosquittoPeer(port: number, total: number, processes: number, inflight: number): Promise<{ ms: number; received: number }> {
  const dir = makeTempDir('mosquitto-pub');
  const perProcess = Math.ceil(total / processes);
  const files = Array.from({ length: processes }, (_, p) => {
    const file = path.join(dir, `p${p}.txt`);
    const id = demoDevice(p);
    const lines: string[] = [];
    for (let i = 0; i < perProcess; i++) lines.push(reading(id, Date.now(), i));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return { file, id };
  });
  const count = perProcess * processes;
  const sub = spawn(
    'mosquitto_sub',
    ['-p', String(port), '-q', '1', '-t', 'madina/+/+/+/telemetry', '-C', String(count), '-i', 'bench-sub'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  spawned.add(sub);
  await sleep(500); // subscribed
  const subDone = new Promise<number | null>((resolve) => sub.once('exit', (code) => resolve(code)));
  const started = performance.now();
  const pubs = files.map(({ file, id }) => {
    const pub = spawn(
      'mosquitto_pub',
      ['-p', String(port), '-q', '1', '-M', String(inflight), '-t', topicOf(id), '-l', '-i', `bench-pub-${id}`],
      {
        stdio: [fs.openSync(file, 'r'), 'ignore', 'pipe'],
      },
    );
    spawned.add(pub);
    return new Promise<void>((resolve) => pub.once('exit', () => resolve()));
  });
  const timer = setTimeout(() => sub.kill('SIGTERM'), 300_000);
  const code = await subDone;
  const ms = performance.now() - started;
  clearTimeout(timer);
  await Promise.all(pubs);
  if (code !== 0) throw new BenchError(`mosquitto_sub did not receive ${count} messages (exit ${code})`);
  return { ms, received: count };
}

/** mqtt.js publishers → Mosquitto → Madina's MQTT session acknowledging each message at once. */
async function sessionPeer(url: string, devices: number, perDevice: number, processes: number, inflight: number) {
  let received = 0;
  let lastAt = 0;
  const session = new MqttSession({
    connect: () => {
      const { hostname, port } = new URL(url);
      return net.connect({ host: hostname, port: Number(port) });
    },
    clientId: `bench-session-${process.pid}`,
    protocolVersion: 5,
    keepaliveSeconds: 30,
    topics: ['madina/+/+/+/telemetry'],
    maxPending: 100_000,
    onMessage: (_topic, _payload, ack) => {
      received++;
      lastAt = performance.now();
      ack();
    },
    log: { warn: () => {}, error: (o, m) => log(`${m} ${JSON.stringify(o)}`) },
  });
  session.start();
  while (!session.connected) await sleep(20);
  const ids = Array.from({ length: devices }, (_, i) => ({ id: demoDevice(i) }));
  const run = await publish(url, ids, perDevice, processes, inflight, Date.now() - 3_600_000);
  while (received < run.acked) await sleep(20);
  await session.stop();
  // Forget the session (clean start), or Mosquitto would keep queueing every later message for it.
  const forget = await mqtt.connectAsync(url, { clientId: `bench-session-${process.pid}`, clean: true, reconnectPeriod: 0 });
  await forget.endAsync();
  return { ms: lastAt - run.startedAt, received, publishMs: run.endedAt - run.startedAt };
}

// ── Madina ──────────────────────────────────────────────────────────────────────────────────────

async function startMadina(label: string, env: Record<string, string>) {
  const port = await freePort();
  const child = spawnNode(label, 'src/main.ts', [], {
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WEB_BUILD: 'false',
    TELEMETRY_RATE_LIMIT: '0',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor200(child, `${url}/ready`, intEnv('BENCH_START_TIMEOUT_S', 240, 10, 3600) * 1000);
  return { child, url };
}

async function storedFromMetrics(base: string): Promise<{ stored: number; rejected: number }> {
  const body = await (await fetch(`${base}/metrics`)).text();
  let stored = 0;
  let rejected = 0;
  for (const line of body.split('\n')) {
    if (line.startsWith('madina_telemetry_stored_total{')) stored += Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('madina_telemetry_rejected_total{')) rejected += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return { stored, rejected };
}

async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO),
  });
  if (response.status !== 200) throw new BenchError(`sign-in failed: ${response.status}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
}

/** Gives `count` demo luminaire controllers a secret through the API (the embedded broker checks them). */
async function provisionSecrets(base: string, count: number): Promise<{ id: string; secret: string }[]> {
  const { cookie, csrf } = await signIn(base);
  const devices: { id: string; secret: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = demoDevice(i);
    const response = await fetch(`${base}/api/v1/lighting/devices/${id}/secret`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    if (response.status !== 200) throw new BenchError(`could not provision ${id}: ${response.status} ${await response.text()}`);
    devices.push({ id, secret: ((await response.json()) as { secret: string }).secret });
  }
  return devices;
}

interface IngestRun {
  published: number;
  failed: number;
  stored: number;
  rejected: number;
  publishMs: number;
  storeMs: number;
}

/** Publishes, then waits until the server stored (or refused) every acknowledged reading. */
async function ingestRun(
  base: string,
  brokerUrl: string,
  devices: { id: string; secret?: string }[],
  perDevice: number,
  processes: number,
  inflight: number,
): Promise<IngestRun> {
  const before = await storedFromMetrics(base);
  const run = await publish(
    brokerUrl,
    devices,
    perDevice,
    processes,
    inflight,
    Date.now() - 48 * 3_600_000 + Math.floor(Math.random() * 1e6),
  );
  const expected = run.acked;
  let last = before;
  let lastChange = performance.now();
  let doneAt = performance.now();
  for (;;) {
    const now = await storedFromMetrics(base);
    if (now.stored !== last.stored || now.rejected !== last.rejected) {
      last = now;
      lastChange = performance.now();
    }
    if (now.stored - before.stored + (now.rejected - before.rejected) >= expected) {
      doneAt = lastChange;
      break;
    }
    if (performance.now() - lastChange > 60_000) {
      throw new BenchError(
        `the ingestion stalled: ${now.stored - before.stored} stored + ${now.rejected - before.rejected} refused of ${expected}`,
      );
    }
    await sleep(100);
  }
  return {
    published: run.acked,
    failed: run.failed,
    stored: last.stored - before.stored,
    rejected: last.rejected - before.rejected,
    publishMs: run.endedAt - run.startedAt,
    storeMs: doneAt - run.startedAt,
  };
}

// ── PostgreSQL floors ───────────────────────────────────────────────────────────────────────────

const COLUMNS = [
  'commune_id',
  'device_id',
  'observed_at',
  'received_at',
  'power_state',
  'dim_level',
  'power_consumption',
  'voltage',
  'current',
  'power_factor',
  'energy_consumed',
  'burning_hours',
  'faults',
];

function rowsFor(devices: number, perDevice: number, base: number) {
  const now = new Date().toISOString();
  const rows: Record<string, unknown>[] = [];
  for (let d = 0; d < devices; d++) {
    for (let i = 0; i < perDevice; i++) {
      const r = JSON.parse(reading(demoDevice(d), base, i));
      rows.push({
        device_id: r.deviceId,
        observed_at: r.observationDateTime,
        received_at: now,
        power_state: r.powerState,
        dim_level: r.dimLevel,
        power_consumption: r.powerConsumption,
        voltage: r.voltage,
        current: r.current,
        power_factor: r.powerFactor,
        energy_consumed: r.energyConsumed,
        burning_hours: r.burningHours,
        faults: [],
      });
    }
  }
  return rows;
}

/** psql \copy of `rows` into lighting.luminaire_reading (as the owner), one stream. */
function copyFloor(databaseUrl: string, communeId: string, rows: Record<string, unknown>[]): number {
  const dir = makeTempDir('copy');
  const file = path.join(dir, 'rows.csv');
  const csv = rows.map((r) =>
    [
      communeId,
      r.device_id,
      r.observed_at,
      r.received_at,
      r.power_state,
      r.dim_level,
      r.power_consumption,
      r.voltage,
      r.current,
      r.power_factor,
      r.energy_consumed,
      r.burning_hours,
      '{}',
    ].join(','),
  );
  fs.writeFileSync(file, `${csv.join('\n')}\n`);
  const started = performance.now();
  const result = spawnSync(
    'psql',
    [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy lighting.luminaire_reading (${COLUMNS.join(', ')}) FROM '${file}' CSV`],
    {
      encoding: 'utf8',
    },
  );
  const ms = performance.now() - started;
  if (result.status !== 0) throw new BenchError(`psql \\copy failed: ${result.stderr}`);
  return ms;
}

/** The ingestion's statement (INSERT … SELECT FROM json_to_recordset … ON CONFLICT DO NOTHING), 1,000-row batches, one connection. */
async function insertFloor(databaseUrl: string, communeId: string, rows: Record<string, unknown>[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    for (let i = 0; i < rows.length; i += 1000) {
      await client.query('BEGIN');
      await client.query("SELECT set_config('role', 'madina_app', true), set_config('madina.commune_id', $1, true)", [communeId]);
      await client.query(
        `INSERT INTO lighting.luminaire_reading (${COLUMNS.join(', ')})
         SELECT $1::uuid, r.device_id, r.observed_at, r.received_at, r.power_state, r.dim_level, r.power_consumption, r.voltage,
                r.current, r.power_factor, r.energy_consumed, r.burning_hours, r.faults
           FROM json_to_recordset($2::json) AS r(device_id text, observed_at timestamptz, received_at timestamptz, power_state text,
                dim_level real, power_consumption real, voltage real, current real, power_factor real,
                energy_consumed double precision, burning_hours double precision, faults text[])
         ON CONFLICT DO NOTHING`,
        [communeId, JSON.stringify(rows.slice(i, i + 1000))],
      );
      await client.query('COMMIT');
    }
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

// ── the benchmark ───────────────────────────────────────────────────────────────────────────────

const rate = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : Number.NaN);

export async function runIngest(): Promise<BenchOutput> {
  if (!fs.existsSync(MOSQUITTO))
    throw new BenchError(`this benchmark needs Mosquitto (${MOSQUITTO}): apt-get install mosquitto mosquitto-clients`);
  const devices = intEnv('BENCH_INGEST_DEVICES', 200, 1, 3000);
  const pgMessages = intEnv('BENCH_INGEST_MESSAGES', 200_000, 1000, 10_000_000);
  const liteMessages = intEnv('BENCH_INGEST_PGLITE_MESSAGES', 40_000, 1000, 10_000_000);
  const processes = intEnv('BENCH_INGEST_PUBLISHERS', 2, 1, 16);
  const inflight = intEnv('BENCH_INGEST_INFLIGHT', 50, 1, 10_000);
  const batch = intEnv('BENCH_INGEST_BATCH', 2000, 1, 50_000);
  const batchMs = intEnv('BENCH_INGEST_BATCH_MS', 50, 1, 10_000);
  const perDevicePg = Math.ceil(pgMessages / devices);
  const perDeviceLite = Math.ceil(liteMessages / devices);
  const postgres = await findPostgres();
  const rowsOut: string[][] = [];
  const notes: string[] = [];
  const cores = os.cpus().length;
  const settings = {
    devices,
    messages_postgres: perDevicePg * devices,
    messages_pglite: perDeviceLite * devices,
    publishers: processes,
    inflight,
    batch,
    batch_ms: batchMs,
  };
  const row = (
    what: string,
    messages: number,
    publishMs: number | undefined,
    storeMs: number | undefined,
    stored: string,
    loss: string,
    note: string,
  ) =>
    rowsOut.push([
      what,
      num(messages),
      publishMs === undefined ? '' : num(rate(messages, publishMs)),
      storeMs === undefined ? '' : num(rate(messages, storeMs)),
      stored,
      loss,
      note,
    ]);

  const broker = await startMosquitto();
  try {
    log(`Mosquitto ${mosquittoVersion()} on port ${broker.port}`);
    log('peer: mosquitto_pub → Mosquitto → mosquitto_sub');
    const peer = await mosquittoPeer(broker.port, perDevicePg * devices, processes * 2, inflight * 10);
    row(
      '**peer** `mosquitto_pub` → Mosquitto → `mosquitto_sub` (QoS 1, no database)',
      peer.received,
      undefined,
      peer.ms,
      '–',
      '0',
      `${processes * 2} mosquitto_pub reading one payload per line (-M ${inflight * 10}); time to the subscriber's last message`,
    );
    log('peer: mqtt.js publishers → Mosquitto → the ingestion session, no database');
    const session = await sessionPeer(broker.url, devices, perDevicePg, processes, inflight);
    row(
      "**peer** mqtt.js publishers → Mosquitto → Madina's MQTT session acking at once (no database)",
      session.received,
      session.publishMs,
      session.ms,
      '–',
      '0',
      'the publishers and the subscriber Madina uses, without the database',
    );

    if (postgres.ok) {
      const version = await postgresVersion(postgres.adminUrl);
      const databaseUrl = await createDatabase(postgres.adminUrl, `madina_bench_${process.pid}_ingest`);
      log(`Madina on ${version} with Mosquitto (migrations + demo seed)`);
      const madina = await startMadina('Madina (PostgreSQL + Mosquitto)', {
        DATA_DIR: makeTempDir('ingest-pg'),
        DATABASE_URL: databaseUrl,
        MQTT_URL: broker.url,
        MQTT_CLIENT_ID: `madina-bench-${process.pid}`,
        TELEMETRY_BATCH_SIZE: String(batch),
        TELEMETRY_BATCH_MS: String(batchMs),
      });
      try {
        // Warm-up: connections, prepared caches, the first partition touches.
        await ingestRun(
          madina.url,
          broker.url,
          Array.from({ length: devices }, (_, i) => ({ id: demoDevice(i) })),
          20,
          processes,
          inflight,
        );
        log(`Madina: ${num(perDevicePg * devices)} readings through Mosquitto into PostgreSQL`);
        const run = await ingestRun(
          madina.url,
          broker.url,
          Array.from({ length: devices }, (_, i) => ({ id: demoDevice(i) })),
          perDevicePg,
          processes,
          inflight,
        );
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const countRows = async () =>
          Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM lighting.luminaire_reading')).rows[0]?.n);
        const counted = await countRows();
        const communeId = (await client.query<{ id: string }>("SELECT id FROM platform.commune WHERE code = 'berkane'")).rows[0]
          ?.id as string;
        const warm = 20 * devices;
        const lost = run.published + warm - counted;
        row(
          'Madina: mqtt.js publishers → Mosquitto → ingestion → PostgreSQL',
          run.published,
          run.publishMs,
          run.storeMs,
          `${num(counted - warm)} rows`,
          String(lost),
          `${version}; goal ≥ 20,000/s with zero loss: ${rate(run.published, run.storeMs) >= 20_000 && lost === 0 ? 'met' : 'not met'}`,
        );
        if (run.failed > 0) notes.push(`${run.failed} publishes failed on the publisher side (not acknowledged by the broker).`);

        // The ingestion alone: readings queued in Mosquitto for its session while Madina is paused
        // (SIGSTOP), then drained with no publisher competing for the two cores.
        log(`Madina: draining ${num(perDevicePg * devices)} readings queued in Mosquitto while it was paused`);
        madina.child.process.kill('SIGSTOP');
        const queued = await publish(
          broker.url,
          Array.from({ length: devices }, (_, i) => ({ id: demoDevice(i) })),
          perDevicePg,
          processes,
          inflight,
          Date.now() - 24 * 3_600_000,
        );
        const beforeDrain = await countRows();
        const resumed = performance.now();
        madina.child.process.kill('SIGCONT');
        let drainedAt = resumed;
        for (let last = beforeDrain, lastChange = performance.now(); ; ) {
          const n = await countRows();
          if (n !== last) {
            last = n;
            lastChange = performance.now();
            drainedAt = lastChange;
          }
          if (n - beforeDrain >= queued.acked) break;
          if (performance.now() - lastChange > 60_000) throw new BenchError(`the drain stalled at ${n - beforeDrain} of ${queued.acked}`);
          await sleep(100);
        }
        const drained = (await countRows()) - beforeDrain;
        row(
          'Madina, the ingestion alone: readings queued in Mosquitto while Madina was paused, then drained → PostgreSQL',
          queued.acked,
          queued.endedAt - queued.startedAt,
          drainedAt - resumed,
          `${num(drained)} rows`,
          String(queued.acked - drained),
          'publishers done before the drain starts: the ingestion and PostgreSQL have the cores (SIGSTOP, publish, SIGCONT)',
        );
        await client.end();
        await madina.child.stop(30_000);

        const rows = rowsFor(devices, perDevicePg, Date.now() - 100 * 3_600_000);
        log(`floor: psql \\copy of ${num(rows.length)} rows`);
        const copyMs = copyFloor(databaseUrl, communeId, rows);
        row(
          '**floor** PostgreSQL `COPY` of the same rows (psql `\\copy`, one stream)',
          rows.length,
          undefined,
          copyMs,
          `${num(rows.length)} rows`,
          '–',
          'into lighting.luminaire_reading, as its owner (no RLS)',
        );
        const rows2 = rowsFor(devices, perDevicePg, Date.now() - 120 * 3_600_000);
        log(`breakdown: the ingestion's INSERT, 1,000-row batches, one connection`);
        const insertMs = await insertFloor(databaseUrl, communeId, rows2);
        row(
          "breakdown: the ingestion's `INSERT … json_to_recordset`, 1,000-row transactions, one connection",
          rows2.length,
          undefined,
          insertMs,
          `${num(rows2.length)} rows`,
          '–',
          'as the application role, under row-level security (no device state upsert)',
        );
      } finally {
        await madina.child.stop(30_000).catch(() => {});
      }
    } else {
      notes.push(`PostgreSQL rows skipped: ${postgres.reason}`);
    }
  } finally {
    await broker.stop();
  }

  log('Madina on embedded PGlite with its embedded broker (first start: migrations + demo seed)');
  const dataDir = makeTempDir('ingest-pglite');
  const mqttPort = await freePort();
  const lite = await startMadina('Madina (PGlite + aedes)', {
    DATA_DIR: dataDir,
    MQTT_PORT: String(mqttPort),
    TELEMETRY_BATCH_SIZE: String(batch),
    TELEMETRY_BATCH_MS: String(batchMs),
  });
  try {
    const secrets = await provisionSecrets(lite.url, devices);
    const brokerUrl = `mqtt://127.0.0.1:${mqttPort}`;
    await ingestRun(lite.url, brokerUrl, secrets, 10, processes, inflight);
    log(`Madina: ${num(perDeviceLite * devices)} readings through aedes into PGlite`);
    const run = await ingestRun(lite.url, brokerUrl, secrets, perDeviceLite, processes, inflight);
    const lost = run.published - run.stored - run.rejected;
    row(
      'Madina: mqtt.js publishers → embedded aedes → ingestion → PGlite (`npm start`)',
      run.published,
      run.publishMs,
      run.storeMs,
      `${num(run.stored)} (from /metrics)`,
      String(lost),
      'each device authenticated by its own secret; one process holds broker, ingestion and database',
    );
  } finally {
    await lite.child.stop(60_000).catch(() => {});
  }

  const markdown = [
    `### Telemetry ingestion: readings per second, every acknowledged reading counted (${devices} devices, QoS 1, ${cores} cores)`,
    table(['path', 'readings', 'acknowledged to publishers /s', 'stored (or received) /s', 'in the database', 'lost', 'note'], rowsOut, [
      'l',
      'r',
      'r',
      'r',
      'r',
      'r',
      'l',
    ]),
    '',
    'The rate in the fourth column runs from the first publish to the last reading stored (or, for the peers, received); ' +
      '"lost" is readings the broker acknowledged minus rows in the database (and dead letters). Publishers, broker, ' +
      'Madina and the database share the machine.',
    ...notes.map((n) => `\n${n}`),
  ].join('\n');
  return { markdown, settings };
}

// Publisher process entry point.
if (process.argv[2] === 'publish') {
  const config = JSON.parse(process.argv[3] ?? '{}') as PublisherConfig;
  void publisherMain(config).catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}
