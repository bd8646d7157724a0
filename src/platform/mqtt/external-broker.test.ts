import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { onPostgres } from '../../../test/helpers/db.js';
import { hasMosquitto, Mosquitto } from '../../../test/helpers/mosquitto.js';
import {
  countRows,
  deadLetters,
  luminaireReading,
  metric,
  metrics,
  type Provisioned,
  provision,
  sleep,
  waitUntil,
} from '../../../test/helpers/telemetry.js';

interface Reading {
  topic: string;
  payload: string;
}

/**
 * Publishes every reading with QoS 1 until the broker acknowledged it, retrying through broker
 * outages (a retried reading that had arrived is a duplicate the ingestion ignores). Returns once
 * all are acknowledged.
 */
async function publishAll(client: MqttClient, readings: Reading[], perTickMs = 0, perTick = readings.length): Promise<void> {
  const one = async (r: Reading) => {
    for (;;) {
      try {
        await Promise.race([
          client.publishAsync(r.topic, r.payload, { qos: 1 }),
          new Promise((_, reject) => setTimeout(() => reject(new Error('no PUBACK in time')), 8000)),
        ]);
        return;
      } catch {
        await sleep(200);
      }
    }
  };
  const pending: Promise<void>[] = [];
  for (let i = 0; i < readings.length; i += perTick) {
    pending.push(...readings.slice(i, i + perTick).map(one));
    if (perTickMs > 0) await sleep(perTickMs);
  }
  await Promise.all(pending);
}

/**
 * Telemetry through Debian's Mosquitto (MQTT_URL): a broker of the test's own, without ACLs, so
 * the ingestion must catch foreign topics and unknown devices itself; and the faults of
 * production — the broker restarting, the ingestion away, the database connection lost — with
 * every reading the broker acknowledged counted in the database.
 */
describe.skipIf(!hasMosquitto)('telemetry through Mosquitto (MQTT_URL)', () => {
  let broker: Mosquitto;
  let app: TestApp;
  let admin: Session;
  let publisher: MqttClient;
  const devices: Provisioned[] = [];
  let serial = 0;

  /** `n` readings spread over the test devices, each with its own time (so none is a duplicate). */
  const readings = (n: number): Reading[] => {
    const base = Date.now() - 3_600_000 + serial * 10;
    serial += n;
    return Array.from({ length: n }, (_, i) => {
      const d = devices[i % devices.length] as Provisioned;
      return {
        topic: d.telemetryTopic,
        payload: JSON.stringify(luminaireReading(d.id, { observationDateTime: new Date(base + i * 10).toISOString() })),
      };
    });
  };
  const stored = () => countRows(app.database.db, 'lighting.luminaire_reading');

  beforeAll(async () => {
    broker = await Mosquitto.start();
    app = await createTestApp({
      MQTT_URL: broker.url,
      MQTT_CLIENT_ID: `madina-ingest-test-${process.pid}`,
      TELEMETRY_BATCH_MS: '10',
      TELEMETRY_RATE_LIMIT: '600',
    });
    await app.platform.telemetry.start();
    await waitUntil('the ingestion connected', async () => app.platform.telemetry.status().ingestion === 'connected');
    admin = await loginAs(app, 'admin');
    for (let i = 1; i <= 10; i++) devices.push(await provision(app, admin, { kind: 'luminaire', id: `ext-lum-${i}` }));
    // Mosquitto has no ACL here: anyone may publish anything, as anonymous.
    publisher = await mqtt.connectAsync(broker.url, { clientId: `publisher-${process.pid}`, reconnectPeriod: 200, clean: true });
    publisher.on('error', () => {});
  });

  afterAll(async () => {
    await publisher?.endAsync(true).catch(() => {});
    await app?.close();
    await broker?.destroy();
  });

  it('reports the external broker in /ready', async () => {
    const ready = await app.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.json().mqtt).toEqual({ broker: 'external', ingestion: 'connected' });
  });

  it('stores what Mosquitto acknowledged', async () => {
    const before = await stored();
    await publishAll(publisher, readings(500));
    await waitUntil('500 readings', async () => (await stored()) === before + 500);
  });

  it('dead-letters what a broker without ACLs lets through, and counts it', async () => {
    const [a, b] = devices as [Provisioned, Provisioned];
    const before = await metrics(app);
    const now = Date.now();
    const bad: [string, string, string][] = [
      ['unknown_device', 'madina/berkane/luminaire/ext-nobody/telemetry', JSON.stringify(luminaireReading('ext-nobody'))],
      ['foreign_topic', b.telemetryTopic, JSON.stringify(luminaireReading(a.id))],
      ['invalid_json', a.telemetryTopic, 'on,61.5,229.8'],
      ['invalid_payload', a.telemetryTopic, JSON.stringify(luminaireReading(a.id, { voltage: 'high' }))],
      [
        'timestamp_out_of_range',
        a.telemetryTopic,
        JSON.stringify(luminaireReading(a.id, { observationDateTime: new Date(now + 86_400_000).toISOString() })),
      ],
      ['timestamp_out_of_range', a.telemetryTopic, JSON.stringify(luminaireReading(a.id, { observationDateTime: '2019-01-01T00:00:00Z' }))],
      // The ingestion subscribes to madina/+/+/+/telemetry: what matches it but breaks the contract.
      ['bad_topic', 'madina/Berkane/luminaire/ext-lum-1/telemetry', JSON.stringify(luminaireReading(a.id))],
      ['bad_topic', 'madina/berkane/streetbin/ext-lum-1/telemetry', JSON.stringify(luminaireReading(a.id))],
    ];
    for (const [, topic, payload] of bad) await publisher.publishAsync(topic, payload, { qos: 1 });
    const expected = new Map<string, number>();
    for (const [reason] of bad) expected.set(reason, (expected.get(reason) ?? 0) + 1);
    await waitUntil('every dead letter counted', async () => {
      const body = await metrics(app);
      return [...expected].every(
        ([reason, n]) =>
          metric(body, 'madina_telemetry_dead_letters_total', { reason }) -
            metric(before, 'madina_telemetry_dead_letters_total', { reason }) ===
          n,
      );
    });
    const foreign = await deadLetters(app.database.db, 'foreign_topic');
    expect(foreign.at(-1)).toMatchObject({ topic: b.telemetryTopic, deviceId: b.id });
    expect(foreign.at(-1)?.detail).toContain(a.id);
    expect((await deadLetters(app.database.db, 'unknown_device')).at(-1)?.deviceId).toBe('ext-nobody');
  });

  it('limits a flooding device to its rate, with one dead letter and the rest counted', async () => {
    const flooder = await provision(app, admin, { kind: 'luminaire', id: 'ext-lum-flood' });
    const base = Date.now() - 7_200_000;
    const flood = Array.from({ length: 800 }, (_, i) => ({
      topic: flooder.telemetryTopic,
      payload: JSON.stringify(luminaireReading(flooder.id, { observationDateTime: new Date(base + i * 1000).toISOString() })),
    }));
    const before = metric(await metrics(app), 'madina_telemetry_rejected_total', { reason: 'rate_limited' });
    await publishAll(publisher, flood);
    await waitUntil('the flood accounted for', async () => {
      const limited = metric(await metrics(app), 'madina_telemetry_rejected_total', { reason: 'rate_limited' }) - before;
      return (await countRows(app.database.db, 'lighting.luminaire_reading', flooder.id)) + limited === 800;
    });
    const kept = await countRows(app.database.db, 'lighting.luminaire_reading', flooder.id);
    // 600 at once, then 10 a second while the flood lasts.
    expect(kept).toBeGreaterThanOrEqual(600);
    expect(kept).toBeLessThan(800);
    expect((await deadLetters(app.database.db, 'rate_limited')).filter((l) => l.deviceId === flooder.id)).toHaveLength(1);
  });

  it('keeps the readings queued while the ingestion is away and stores them when it is back', async () => {
    const before = await stored();
    await app.platform.telemetry.stop();
    await publishAll(publisher, readings(400));
    await sleep(300);
    expect(await stored()).toBe(before);
    await app.platform.telemetry.start();
    await waitUntil('the queued readings', async () => (await stored()) === before + 400);
  });

  it('loses no acknowledged reading when Mosquitto restarts during ingestion', async () => {
    const before = await stored();
    const K = 1200;
    const publishing = publishAll(publisher, readings(K), 50, 60);
    await sleep(400);
    await broker.restart();
    await publishing;
    await waitUntil(`${K} readings after the restart`, async () => (await stored()) === before + K, 60_000);
    await waitUntil('the ingestion connected again', async () => app.platform.telemetry.status().ingestion === 'connected');
    expect(metric(await metrics(app), 'madina_mqtt_ingestion_connects_total')).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(!onPostgres)('loses no acknowledged reading when the database connection drops during ingestion', async () => {
    const url = app.database.url as string;
    const name = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      const before = await stored();
      const K = 1000;
      const publishing = publishAll(publisher, readings(K), 50, 50);
      await sleep(300);
      // The database refuses new connections and drops the open ones, for three seconds.
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await sleep(3000);
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await publishing;
      await waitUntil(`${K} readings after the outage`, async () => (await stored()) === before + K, 60_000);
      expect(metric(await metrics(app), 'madina_telemetry_write_errors_total', { action: 'retry' })).toBeGreaterThan(0);
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
    }
  });
});
