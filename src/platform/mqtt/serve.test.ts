import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededServer, startSeededServer } from '../../../test/helpers/seeded-server.js';
import { freePort, signIn } from '../../../test/helpers/server-process.js';
import { connectDevice, luminaireReading, waitUntil } from '../../../test/helpers/telemetry.js';

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** `npm start` (src/main.ts) runs the embedded broker on MQTT_PORT with the server and stops it on SIGTERM. */
describe('the server with its embedded broker', () => {
  let s: SeededServer;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    s = await startSeededServer({ MQTT_PORT: String(port), TELEMETRY_BATCH_MS: '10' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('takes a provisioned device on MQTT_PORT, stores its reading, shows both in /ready and /metrics, and closes the port on SIGTERM', async () => {
    const ready = await (await s.server.fetch('/ready')).json();
    expect(ready.mqtt).toEqual({ broker: 'embedded', listener: { state: 'listening', port }, ingestion: 'connected' });

    const admin = await signIn(s.server, 'admin@berkane.example', 'berkane-demo-2026');
    const created = await s.server.fetch('/api/v1/lighting/devices', {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'luminaire', id: 'serve-lum-1' }),
    });
    expect(created.status).toBe(201);
    const { secret, mqtt } = (await created.json()) as { secret: string; mqtt: { telemetryTopic: string } };
    const device = await connectDevice(`mqtt://127.0.0.1:${port}`, 'serve-lum-1', secret);
    await device.publishAsync(mqtt.telemetryTopic, JSON.stringify(luminaireReading('serve-lum-1', { dimLevel: 55 })), { qos: 1 });
    await waitUntil('the reading in the device state', async () => {
      const response = await s.server.fetch('/api/v1/lighting/devices/serve-lum-1', { headers: { cookie: admin.cookie } });
      return ((await response.json()) as { state: { data: { dimLevel: number } } | null }).state?.data.dimLevel === 55;
    });
    const metrics = await (await s.server.fetch('/metrics')).text();
    expect(metrics).toMatch(/^madina_telemetry_stored_total\{kind="luminaire"\} 1$/m);
    expect(metrics).toMatch(/^madina_mqtt_broker_devices_connected 1$/m);
    await device.endAsync();

    const exit = await s.server.stop();
    expect(exit.code).toBe(0);
    expect(await accepts(port)).toBe(false);
  });
});
