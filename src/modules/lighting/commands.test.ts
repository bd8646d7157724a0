import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { hasMosquitto, Mosquitto } from '../../../test/helpers/mosquitto.js';
import { waitUntil } from '../../../test/helpers/telemetry.js';
import { reasonOf } from './commands.js';
import { LightingReadings } from './simulator.js';

/** TelemetryService.publish on Debian's Mosquitto (MQTT_URL): retained, QoS 1, for late subscribers. */
describe.skipIf(!hasMosquitto)('commands through Mosquitto', () => {
  let broker: Mosquitto;
  let app: TestApp;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    app = await createTestApp({ MQTT_URL: broker.url, MQTT_CLIENT_ID: 'madina-commands-test' });
    await app.platform.telemetry.start();
    await waitUntil('the session', async () => app.platform.telemetry.status().ingestion === 'connected');
  });

  afterAll(async () => {
    await app?.close();
    await broker?.destroy();
  });

  it('publishes retained with QoS 1: a subscriber that connects afterwards receives the command', async () => {
    const topic = 'madina/berkane/luminaire/mosq-lum-1/commands';
    const payload = JSON.stringify({ commandId: 'c1', dimLevel: 40 });
    await app.platform.telemetry.publish(topic, payload, { retain: true, qos: 1 });
    const late = await mqtt.connectAsync(broker.url, { clientId: 'late-subscriber', reconnectPeriod: 0 });
    try {
      const received = new Promise<{ payload: string; retain: boolean }>((resolve) =>
        late.on('message', (_t, p, packet) => resolve({ payload: p.toString(), retain: packet.retain })),
      );
      await late.subscribeAsync(topic, { qos: 1 });
      expect(await received).toEqual({ payload, retain: true });
    } finally {
      await late.endAsync(true);
    }
  });

  it('refuses to publish when the broker is gone, and publishes again once it is back', async () => {
    await broker.stop();
    await waitUntil('the session to notice', async () => app.platform.telemetry.status().ingestion !== 'connected');
    await expect(
      app.platform.telemetry.publish('madina/berkane/luminaire/mosq-lum-2/commands', '{}', { retain: true, qos: 1 }),
    ).rejects.toThrow(/not connected/);
    await broker.restart();
    await waitUntil('the session to reconnect', async () => app.platform.telemetry.status().ingestion === 'connected');
    await app.platform.telemetry.publish('madina/berkane/luminaire/mosq-lum-2/commands', '{}', { retain: true, qos: 1 });
  });
});

describe('command reasons', () => {
  it('name the source of a level', () => {
    expect(reasonOf({ kind: 'override', id: 'a1', reason: 'Travaux' })).toBe('override:a1');
    expect(reasonOf({ kind: 'calendar', id: 'x', code: 'RAMADAN' })).toBe('calendar:RAMADAN');
    expect(reasonOf({ kind: 'schedule', id: 'x', code: 'DISTRICTS' })).toBe('schedule:DISTRICTS');
    expect(reasonOf({ kind: 'default' })).toBe('default');
  });
});

describe('the simulator', () => {
  it('follows the commands it receives, and ignores malformed ones', () => {
    // Berkane's boundary centroid (see schedule.test.ts).
    const readings = new LightingReadings({ lat: 34.92746, lon: -2.31819, timeZone: 'Africa/Casablanca' }, 0, () => 0.5);
    const device = {
      deviceId: 'sim-lum-1',
      kind: 'luminaire' as const,
      secretHash: null,
      isDemo: true,
      technology: 'LED' as const,
      powerRating: 60,
      dateServiceStarted: '2022-01-01',
      phases: null,
      circuitWatts: null,
    };
    const noon = new Date('2026-06-21T12:00:00Z');
    expect(readings.luminaire(device, noon)).toMatchObject({ powerState: 'off', dimLevel: 0 });
    readings.command('sim-lum-1', Buffer.from(JSON.stringify({ dimLevel: 40 })));
    expect(readings.luminaire(device, noon)).toMatchObject({ powerState: 'on', dimLevel: 40 });
    for (const bad of ['not json', '{"dimLevel":101}', '{"dimLevel":"50"}', '{"dimLevel":12.5}', 'null']) {
      readings.command('sim-lum-1', Buffer.from(bad));
      expect(readings.luminaire(device, noon).dimLevel).toBe(40);
    }
    readings.command('sim-lum-1', Buffer.from('{"dimLevel":0}'));
    expect(readings.luminaire(device, new Date('2026-06-21T00:30:00Z'))).toMatchObject({ powerState: 'off', dimLevel: 0 });
  });
});
