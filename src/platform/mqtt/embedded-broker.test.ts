import net from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import {
  connectDevice,
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

/**
 * Telemetry through the embedded broker (aedes), as `npm start` runs it: devices authenticate
 * with their own credentials, may publish only under their own topic, and every reading a device
 * had acknowledged ends up in the database; every bad message is counted and kept.
 */
describe('telemetry through the embedded broker', () => {
  let app: TestApp;
  let url: string;
  let admin: Session;
  let a: Provisioned;
  let b: Provisioned;
  let cabinet: Provisioned;
  const clients: MqttClient[] = [];

  const connect = async (d: Provisioned, secret = d.secret) => {
    const client = await connectDevice(url, d.id, secret);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await createTestApp({ TELEMETRY_RATE_LIMIT: '1000', TELEMETRY_BATCH_MS: '10' });
    await app.platform.telemetry.start();
    url = `mqtt://127.0.0.1:${app.platform.telemetry.port}`;
    admin = await loginAs(app, 'admin');
    a = await provision(app, admin, { kind: 'luminaire', id: 'emb-lum-a' });
    b = await provision(app, admin, { kind: 'luminaire', id: 'emb-lum-b' });
    cabinet = await provision(app, admin, { kind: 'cabinet', id: 'emb-cab-1' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await app?.close();
  });

  it('stores every QoS 1 reading the broker acknowledged to the device, and the latest state', async () => {
    const device = await connect(a);
    const K = 300;
    const start = Date.now() - K * 1000;
    await Promise.all(
      Array.from({ length: K }, (_, i) =>
        device.publishAsync(
          a.telemetryTopic,
          JSON.stringify(luminaireReading(a.id, { observationDateTime: new Date(start + i * 1000).toISOString(), dimLevel: i % 101 })),
          { qos: 1 },
        ),
      ),
    );
    await waitUntil(
      'all acknowledged readings stored',
      async () => (await countRows(app.database.db, 'lighting.luminaire_reading', a.id)) === K,
    );
    const detail = await app.app.inject({ method: 'GET', url: `/api/v1/lighting/devices/${a.id}`, headers: { cookie: admin.cookie } });
    expect(detail.statusCode).toBe(200);
    const state = detail.json().state;
    expect(state.observedAt).toBe(new Date(start + (K - 1) * 1000).toISOString());
    expect(state.data).toMatchObject({ powerState: 'on', dimLevel: (K - 1) % 101 });
    expect(metric(await metrics(app), 'madina_telemetry_stored_total', { kind: 'luminaire' })).toBeGreaterThanOrEqual(K);
  });

  it('ignores a redelivered reading (same device and time) and keeps the newer state', async () => {
    const device = await connect(b);
    const at = new Date(Date.now() - 60_000).toISOString();
    const older = new Date(Date.now() - 120_000).toISOString();
    await device.publishAsync(b.telemetryTopic, JSON.stringify(luminaireReading(b.id, { observationDateTime: at, dimLevel: 40 })), {
      qos: 1,
    });
    await device.publishAsync(b.telemetryTopic, JSON.stringify(luminaireReading(b.id, { observationDateTime: at, dimLevel: 90 })), {
      qos: 1,
    });
    await device.publishAsync(b.telemetryTopic, JSON.stringify(luminaireReading(b.id, { observationDateTime: older, dimLevel: 10 })), {
      qos: 1,
    });
    await waitUntil('both distinct readings', async () => (await countRows(app.database.db, 'lighting.luminaire_reading', b.id)) === 2);
    await waitUntil(
      'a duplicate counted',
      async () => metric(await metrics(app), 'madina_telemetry_duplicates_total', { kind: 'luminaire' }) >= 1,
    );
    const detail = (
      await app.app.inject({ method: 'GET', url: `/api/v1/lighting/devices/${b.id}`, headers: { cookie: admin.cookie } })
    ).json();
    expect(detail.state.observedAt).toBe(at);
    expect(detail.state.data.dimLevel).toBe(40);
  });

  it('stores cabinet readings with their phases and circuits', async () => {
    const device = await connect(cabinet);
    await device.publishAsync(
      cabinet.telemetryTopic,
      JSON.stringify({
        deviceId: cabinet.id,
        observationDateTime: new Date().toISOString(),
        powerState: 'on',
        totalActivePower: 4.2,
        energyConsumed: 88_000,
        voltageR: 231,
        voltageS: 229,
        voltageT: 230,
        intensityR: 6.1,
        activePowerR: 1.4,
        faults: ['door_open'],
        circuits: [{ id: 'C1', powerState: 'on', activePower: 2.1, firmwareExtra: 'ignored' }],
        vendorField: { anything: true },
      }),
      { qos: 1 },
    );
    await waitUntil('the cabinet reading', async () => (await countRows(app.database.db, 'lighting.cabinet_reading', cabinet.id)) === 1);
  });

  it('refuses wrong credentials at CONNECT and counts them', async () => {
    const before = await metrics(app);
    await expect(connectDevice(url, a.id, 'not-the-secret')).rejects.toThrow(/Bad username or password/i);
    await expect(connectDevice(url, 'no-such-device', 'whatever')).rejects.toThrow(/Bad username or password/i);
    // A client id other than the device id would let one device take another's session.
    await expect(connectDevice(url, a.id, a.secret, { clientId: 'someone-else' })).rejects.toThrow(/Identifier rejected/i);
    const after = await metrics(app);
    expect(metric(after, 'madina_mqtt_connect_refused_total', { reason: 'bad_secret' })).toBe(
      metric(before, 'madina_mqtt_connect_refused_total', { reason: 'bad_secret' }) + 1,
    );
    expect(metric(after, 'madina_mqtt_connect_refused_total', { reason: 'unknown_device' })).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'madina_mqtt_connect_refused_total', { reason: 'client_id' })).toBeGreaterThanOrEqual(1);
  });

  it("refuses a device publishing on another's topic: disconnected, nothing stored, a dead letter", async () => {
    const intruder = await connectDevice(url, a.id, a.secret, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
    const before = await countRows(app.database.db, 'lighting.luminaire_reading', b.id);
    intruder.publish(b.telemetryTopic, JSON.stringify(luminaireReading(b.id)), { qos: 1 });
    await closed;
    const letters = await waitUntil('the dead letter', async () => {
      const rows = await deadLetters(app.database.db, 'forbidden_topic');
      return rows.length > 0 ? rows : undefined;
    });
    expect(letters[0]).toMatchObject({ topic: b.telemetryTopic, deviceId: a.id });
    expect(letters[0]?.communeId).not.toBeNull();
    expect(await countRows(app.database.db, 'lighting.luminaire_reading', b.id)).toBe(before);
    const body = await metrics(app);
    expect(metric(body, 'madina_mqtt_publish_refused_total', { reason: 'forbidden_topic' })).toBeGreaterThanOrEqual(1);
    expect(metric(body, 'madina_telemetry_rejected_total', { reason: 'forbidden_topic' })).toBeGreaterThanOrEqual(1);
    await intruder.endAsync(true);
  });

  it('lets a device subscribe to its own commands only', async () => {
    const device = await connect(a);
    const own = await device.subscribeAsync(a.commandsTopic, { qos: 1 });
    expect(own[0]?.qos).toBe(1);
    // SUBACK 0x80 (refused): mqtt.js turns it into an error; the connection stays.
    await expect(device.subscribeAsync(b.commandsTopic, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(device.subscribeAsync('madina/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(device.connected).toBe(true);
    expect(metric(await metrics(app), 'madina_mqtt_subscribe_refused_total')).toBe(2);
  });

  it('turns bad payloads into dead letters with their reason, never a crash', async () => {
    const device = await connect(a);
    const now = Date.now();
    const bad: [string, string | Buffer][] = [
      ['invalid_json', '{"deviceId": "emb-lum-a", '],
      ['invalid_json', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
      ['invalid_payload', JSON.stringify(luminaireReading(a.id, { powerConsumption: '61.5' }))],
      ['invalid_payload', JSON.stringify(luminaireReading(a.id, { powerState: 'dim' }))],
      ['invalid_payload', JSON.stringify(luminaireReading(a.id, { dimLevel: 140 }))],
      ['invalid_payload', JSON.stringify(luminaireReading(a.id, { observationDateTime: '29/11/2026 18:00' }))],
      ['invalid_payload', JSON.stringify([1, 2, 3])],
      ['invalid_payload', JSON.stringify(luminaireReading(a.id, { faults: ['lamp_failure', 'lamp_failure'] }))],
      ['timestamp_out_of_range', JSON.stringify(luminaireReading(a.id, { observationDateTime: new Date(now + 3_600_000).toISOString() }))],
      [
        'timestamp_out_of_range',
        JSON.stringify(luminaireReading(a.id, { observationDateTime: new Date(now - 30 * 86_400_000).toISOString() })),
      ],
      ['foreign_topic', JSON.stringify(luminaireReading(b.id))],
    ];
    const before = await metrics(app);
    const storedBefore = await countRows(app.database.db, 'lighting.luminaire_reading', a.id);
    for (const [, payload] of bad) await device.publishAsync(a.telemetryTopic, payload, { qos: 1 });
    const expected = new Map<string, number>();
    for (const [reason] of bad) expected.set(reason, (expected.get(reason) ?? 0) + 1);
    await waitUntil('every dead letter', async () => {
      const body = await metrics(app);
      if (process.env.DEBUG_TELEMETRY)
        console.log(
          (await deadLetters(app.database.db)).map((l) => [l.reason, l.detail]),
          body.split('\n').filter((l) => l.includes('write_errors') || l.includes('rejected')),
        );
      if (process.env.DEBUG_TELEMETRY)
        console.log(
          [...expected].map(([reason, n]) => [
            reason,
            n,
            metric(body, 'madina_telemetry_dead_letters_total', { reason }) -
              metric(before, 'madina_telemetry_dead_letters_total', { reason }),
          ]),
        );
      return [...expected].every(
        ([reason, n]) =>
          metric(body, 'madina_telemetry_dead_letters_total', { reason }) -
            metric(before, 'madina_telemetry_dead_letters_total', { reason }) ===
          n,
      );
    });
    for (const [reason, n] of expected) {
      expect((await deadLetters(app.database.db, reason)).filter((l) => l.deviceId === a.id).length, reason).toBeGreaterThanOrEqual(n);
    }
    const [letter] = (await deadLetters(app.database.db, 'invalid_payload')).filter((l) => l.payloadExcerpt.includes('"61.5"'));
    expect(letter?.detail).toMatch(/powerConsumption/);
    expect(await countRows(app.database.db, 'lighting.luminaire_reading', a.id)).toBe(storedBefore);
    // Still connected and served.
    await device.publishAsync(a.telemetryTopic, JSON.stringify(luminaireReading(a.id)), { qos: 1 });
    await waitUntil(
      'a good reading after the bad ones',
      async () => (await countRows(app.database.db, 'lighting.luminaire_reading', a.id)) === storedBefore + 1,
    );
  });

  it('limits a flooding device: the excess is counted, one dead letter a minute, the others are served', async () => {
    const flooder = await provision(app, admin, { kind: 'luminaire', id: 'emb-lum-flood' });
    const device = await connect(flooder);
    const start = Date.now() - 3_000_000;
    const N = 1300; // the limit is 1,000 a minute
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        device.publishAsync(
          flooder.telemetryTopic,
          JSON.stringify(luminaireReading(flooder.id, { observationDateTime: new Date(start + i * 1000).toISOString() })),
          { qos: 1 },
        ),
      ),
    );
    const body = await waitUntil('the flood accounted for', async () => {
      const m = await metrics(app);
      const stored = await countRows(app.database.db, 'lighting.luminaire_reading', flooder.id);
      return stored + metric(m, 'madina_telemetry_rejected_total', { reason: 'rate_limited' }) >= N ? m : undefined;
    });
    const stored = await countRows(app.database.db, 'lighting.luminaire_reading', flooder.id);
    expect(stored).toBeGreaterThanOrEqual(1000);
    expect(stored).toBeLessThan(N);
    expect(metric(body, 'madina_telemetry_rejected_total', { reason: 'rate_limited' })).toBe(N - stored);
    expect((await deadLetters(app.database.db, 'rate_limited')).filter((l) => l.deviceId === flooder.id)).toHaveLength(1);
    // Another device is not affected.
    const other = await connect(b);
    await other.publishAsync(b.telemetryTopic, JSON.stringify(luminaireReading(b.id)), { qos: 1 });
    await waitUntil('the other device served', async () => (await countRows(app.database.db, 'lighting.luminaire_reading', b.id)) === 3);
  });

  it('drops a disabled device at once and refuses it; a new secret replaces the old one', async () => {
    const d = await provision(app, admin, { kind: 'luminaire', id: 'emb-lum-off' });
    const device = await connectDevice(url, d.id, d.secret, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const off = await app.app.inject({
      method: 'POST',
      url: `/api/v1/lighting/devices/${d.id}/disable`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().enabled).toBe(false);
    await closed;
    await expect(connectDevice(url, d.id, d.secret)).rejects.toThrow(/Not authorized/i);
    await app.app.inject({
      method: 'POST',
      url: `/api/v1/lighting/devices/${d.id}/enable`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    });
    const renewed = await app.app.inject({
      method: 'POST',
      url: `/api/v1/lighting/devices/${d.id}/secret`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    });
    expect(renewed.statusCode).toBe(200);
    const secret = renewed.json().secret as string;
    expect(secret).not.toBe(d.secret);
    await expect(connectDevice(url, d.id, d.secret)).rejects.toThrow(/Bad username or password/i);
    const again = await connect({ ...d, secret });
    expect(again.connected).toBe(true);
  });

  it('reports the broker in /ready and its state in /metrics', async () => {
    const ready = await app.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().mqtt).toEqual({
      broker: 'embedded',
      listener: { state: 'listening', port: app.platform.telemetry.port },
      ingestion: 'connected',
    });
    const body = await metrics(app);
    expect(metric(body, 'madina_mqtt_ingestion_connected')).toBe(1);
    expect(metric(body, 'madina_telemetry_pending_messages')).toBe(0);
    await sleep(10);
  });
});

describe('the embedded broker on a port already taken', () => {
  it('keeps the server up and says so in /ready', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    const app = await createTestApp({ MQTT_PORT: String(port), MQTT_HOST: '127.0.0.1' });
    try {
      await app.platform.telemetry.start();
      const ready = await app.app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().mqtt.listener).toEqual({ state: 'failed', error: 'EADDRINUSE' });
      expect(app.platform.telemetry.port).toBeUndefined();
    } finally {
      await app.close();
      blocker.close();
    }
  });
});
