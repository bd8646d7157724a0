// Detection latency: time from a fault reading published over MQTT to its work order, through
// the whole server (`src/main.ts`): the broker, the ingestion's batch and transaction, the mark
// and the `lighting.detect` job it queues, the job runner's polling, the evaluation that opens
// the alarm and the work order. Measured on embedded PGlite + aedes (`npm start`) and on
// PostgreSQL (embedded broker), beside the window N the commune configured:
//
//   - N = 0, one fault at a time: the pipeline's own latency;
//   - N = BENCH_DETECTION_WINDOW_MIN (default 1), all faults within a few seconds, the lamps
//     reporting every BENCH_DETECTION_INTERVAL_S (default 20) s as controllers do: the work order
//     is due N minutes after the first faulty reading (a job queued for that moment).
//
// A fault is a luminaire reading with `faults: ["lamp_failure"]` (DARK whatever the schedule
// says). "Seen" is when GET /api/v1/lighting/alarms first shows the alarm with its work order,
// polled every 25 ms.
//
//   npm run bench -- detection
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { DEMO_PASSWORD, demoEmail } from '../src/flows/seed-demo.js';
import {
  BenchError,
  createDatabase,
  findPostgres,
  freePort,
  intEnv,
  makeTempDir,
  median,
  ms,
  postgresVersion,
  sleep,
  spawnNode,
  table,
  waitFor200,
} from './lib.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[detection] ${message}\n`);
const POLL_MS = 25;

interface Session {
  base: string;
  cookie: string;
  csrf: string;
}

async function signIn(base: string): Promise<Session> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: demoEmail('supervisor'), password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) throw new BenchError(`sign-in failed: ${response.status}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { base, cookie, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
}

async function call<T>(s: Session, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${s.base}${path}`, {
    method,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status !== 200) throw new BenchError(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function setWindow(s: Session, darkMinutes: number) {
  const { isDefault: _d, ...current } = await call<Record<string, unknown>>(s, 'GET', '/api/v1/lighting/detection-settings');
  await call(s, 'PUT', '/api/v1/lighting/detection-settings', { ...current, darkMinutes });
}

const lampId = (i: number) => `berkane-l-${String(i + 1).padStart(5, '0')}`;

function reading(deviceId: string, faulty: boolean) {
  return JSON.stringify({
    deviceId,
    observationDateTime: new Date().toISOString(),
    powerState: faulty ? 'off' : 'on',
    dimLevel: faulty ? 0 : 100,
    powerConsumption: faulty ? 0.4 : 98,
    faults: faulty ? ['lamp_failure'] : [],
  });
}

interface Lamp {
  id: string;
  client: MqttClient;
}

async function connectLamps(s: Session, mqttUrl: string, first: number, count: number): Promise<Lamp[]> {
  const lamps: Lamp[] = [];
  for (let i = first; i < first + count; i++) {
    const id = lampId(i);
    const { secret } = await call<{ secret: string }>(s, 'POST', `/api/v1/lighting/devices/${id}/secret`);
    const client = await mqtt.connectAsync(mqttUrl, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
    lamps.push({ id, client });
  }
  return lamps;
}

const publish = (lamp: Lamp, faulty: boolean) =>
  lamp.client.publishAsync(`madina/berkane/luminaire/${lamp.id}/telemetry`, reading(lamp.id, faulty), { qos: 1 });

/** Polls the alarms API until the device's open DARK alarm has its work order; returns when (performance.now()). */
async function seen(s: Session, deviceId: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { items } = await call<{ items: { workOrderId: string | null }[] }>(
      s,
      'GET',
      `/api/v1/lighting/alarms?state=open&rule=dark&deviceId=${deviceId}`,
    );
    if (items[0]?.workOrderId) return performance.now();
    if (performance.now() > deadline) throw new BenchError(`no work order for ${deviceId} after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

const p95 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)] ?? NaN;

interface Measured {
  target: string;
  window: string;
  faults: number;
  latencies: number[];
}

async function measure(target: string, env: Record<string, string>, faults: number, windowMin: number, intervalS: number) {
  const port = await freePort();
  const mqttPort = await freePort();
  const child = spawnNode(target, 'src/main.ts', [], {
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WEB_BUILD: 'false',
    MQTT_PORT: String(mqttPort),
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  const results: Measured[] = [];
  try {
    await waitFor200(child, `${base}/ready`, intEnv('BENCH_START_TIMEOUT_S', 240, 10, 3600) * 1000);
    const s = await signIn(base);
    const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;

    log(`${target}: N = 0, ${faults} faults one at a time`);
    await setWindow(s, 0);
    const single = await connectLamps(s, mqttUrl, 0, faults);
    const immediate: number[] = [];
    for (const lamp of single) {
      const start = performance.now();
      await publish(lamp, true);
      immediate.push((await seen(s, lamp.id, 60_000)) - start);
    }
    results.push({ target, window: 'N = 0, one at a time', faults, latencies: immediate });

    log(`${target}: N = ${windowMin} min, ${faults} faults together, lamps reporting every ${intervalS} s`);
    await setWindow(s, windowMin);
    const batch = await connectLamps(s, mqttUrl, faults, faults);
    const started = new Map<string, number>();
    let reporting = true;
    const reports = (async () => {
      while (reporting) {
        await sleep(intervalS * 1000);
        if (reporting) await Promise.all(batch.map((lamp) => publish(lamp, true)));
      }
    })();
    for (const lamp of batch) {
      started.set(lamp.id, performance.now());
      await publish(lamp, true);
    }
    const windowed = await Promise.all(
      batch.map(async (lamp) => (await seen(s, lamp.id, windowMin * 60_000 + 120_000)) - (started.get(lamp.id) ?? 0)),
    );
    reporting = false;
    await reports;
    results.push({ target, window: `N = ${windowMin} min, together`, faults, latencies: windowed });
    for (const lamp of [...single, ...batch]) await lamp.client.endAsync();
  } finally {
    await child.stop(30_000).catch(() => {});
  }
  return results;
}

export async function runDetection(): Promise<BenchOutput> {
  const faults = intEnv('BENCH_DETECTION_FAULTS', 24, 20, 500);
  const windowMin = intEnv('BENCH_DETECTION_WINDOW_MIN', 1, 1, 30);
  const intervalS = intEnv('BENCH_DETECTION_INTERVAL_S', 20, 1, 60);
  const rows: Measured[] = [];
  const notes: string[] = [];

  rows.push(...(await measure('PGlite + aedes', { DATA_DIR: makeTempDir('detection-pglite') }, faults, windowMin, intervalS)));
  const postgres = await findPostgres();
  if (postgres.ok) {
    const databaseUrl = await createDatabase(postgres.adminUrl, 'madina_bench_detection');
    notes.push(`- PostgreSQL: ${await postgresVersion(postgres.adminUrl)}`);
    rows.push(
      ...(await measure(
        'PostgreSQL + aedes',
        { DATA_DIR: makeTempDir('detection-pg'), DATABASE_URL: databaseUrl },
        faults,
        windowMin,
        intervalS,
      )),
    );
  } else {
    notes.push(`- PostgreSQL rows skipped: ${postgres.reason}`);
  }

  const markdown = [
    table(
      ['database + broker', 'window (N) and faults', 'faults', 'median', 'p95', 'max', 'median − N'],
      rows.map((r) => {
        const n = r.window.startsWith('N = 0') ? 0 : windowMin * 60_000;
        return [
          r.target,
          r.window,
          String(r.faults),
          ms(median(r.latencies)),
          ms(p95(r.latencies)),
          ms(Math.max(...r.latencies)),
          ms(median(r.latencies) - n),
        ];
      }),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    'Time from publishing a faulty luminaire reading (QoS 1) to the first answer of `GET /api/v1/lighting/alarms` showing its',
    `DARK alarm with a work order (polled every ${POLL_MS} ms, so up to ${POLL_MS} ms late). The job runner polls every second;`,
    'with N > 0 the evaluation is a job queued for the end of the window.',
    ...notes,
  ].join('\n');
  return { markdown, settings: { faults, windowMin, intervalS, pollMs: POLL_MS } };
}
