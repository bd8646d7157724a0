import { sql } from 'kysely';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.js';
import { connectDevice, waitUntil } from '../../../test/helpers/telemetry.js';
import { DEMO_CABINETS } from './demo.js';
import { LightingReadings, prepareDemoDevices } from './simulator.js';

/**
 * End to end: the simulator's readings, with an injected lamp failure, published over MQTT to
 * the embedded broker; the ingestion stores them and marks the devices; the `lighting.detect` job
 * opens one alarm and one work order per lamp; normal readings clear them and cancel the orders.
 */
describe('detection through the embedded broker', () => {
  let app: TestApp;
  let berkane: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    app = await createTestApp({ TELEMETRY_BATCH_MS: '10' });
    await app.platform.telemetry.start();
    const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(app.database.db.kysely);
    berkane = rows[0]!.id;
  });

  afterAll(async () => {
    for (const c of clients) await c.endAsync();
    await app?.close();
  });

  const kysely = () => app.database.db.kysely;

  async function orders(deviceIds: string[]) {
    const { rows } = await sql<{ deviceId: string; status: string; alarms: number }>`
      SELECT l.device_id, w.status, (SELECT count(*)::int FROM lighting.alarm a WHERE a.device_id = l.device_id) AS alarms
        FROM lighting.luminaire l
        JOIN workorders.source s ON s.commune_id = l.commune_id AND s.source_type = 'lighting_luminaire' AND s.source_id = l.id
        JOIN workorders.work_order w ON w.commune_id = s.commune_id AND w.id = s.work_order_id
       WHERE l.device_id = ANY (${deviceIds}::text[])
       ORDER BY l.device_id`.execute(kysely());
    return rows;
  }

  it('a lamp failure opens one work order per lamp, and normal readings cancel them', async () => {
    const supervisor = await loginAs(app, 'supervisor');
    const settings = await app.app.inject({
      method: 'GET',
      url: '/api/v1/lighting/detection-settings',
      headers: { cookie: supervisor.cookie },
    });
    const { isDefault: _d, ...thresholds } = settings.json();
    // N = 0: the first faulty reading is enough.
    const put = await app.app.inject({
      method: 'PUT',
      url: '/api/v1/lighting/detection-settings',
      headers: as(supervisor),
      payload: { ...thresholds, darkMinutes: 0 },
    });
    expect(put.statusCode, put.body).toBe(200);

    const { devices, place } = await prepareDemoDevices(app.database.db, berkane, DEMO_CABINETS + 4);
    const lamps = devices.filter((d) => d.kind === 'luminaire');
    expect(lamps).toHaveLength(4);
    const url = `mqtt://127.0.0.1:${app.platform.telemetry.port}`;
    for (const d of lamps) clients.push(await connectDevice(url, d.deviceId, d.secret));
    const publish = async (readings: LightingReadings, at: Date) => {
      for (const [i, d] of lamps.entries()) {
        await clients[i]!.publishAsync(`madina/berkane/luminaire/${d.deviceId}/telemetry`, JSON.stringify(readings.luminaire(d, at)), {
          qos: 1,
        });
      }
    };
    const ids = lamps.map((d) => d.deviceId);
    const drain = () => app.platform.jobs.drain();

    // The simulator's injection with a fixed draw: every lamp gets a sticky lamp failure.
    await publish(new LightingReadings(place, 1, () => 0.1), new Date());
    const opened = await waitUntil(
      'one work order per failed lamp',
      async () => {
        await drain();
        const rows = await orders(ids);
        return rows.length === lamps.length && rows;
      },
      60_000,
    );
    expect(opened.map((r) => [r.status, r.alarms])).toEqual(lamps.map(() => ['open', 1]));

    // The same fault again changes nothing; healthy readings clear the alarms.
    await publish(new LightingReadings(place, 1, () => 0.1), new Date(Date.now() + 1000));
    await publish(new LightingReadings(place, 0, () => 0.99), new Date(Date.now() + 2000));
    const cancelled = await waitUntil(
      'the work orders cancelled',
      async () => {
        await drain();
        const rows = await orders(ids);
        return rows.every((r) => r.status === 'cancelled') && rows;
      },
      60_000,
    );
    expect(cancelled.map((r) => r.alarms)).toEqual(lamps.map(() => 1));
    const open = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM lighting.alarm WHERE cleared_at IS NULL AND device_id = ANY (${ids}::text[])`.execute(kysely());
    expect(open.rows[0]!.n).toBe(0);
    // Two ingestion rounds and job drains on a loaded machine: more than the default 30 s.
  }, 120_000);
});
