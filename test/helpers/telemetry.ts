import { sql } from 'kysely';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Database } from '../../src/platform/db/database.js';
import { as, type Session, type TestApp } from './app.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it is truthy; fails with `what` and the last value after `timeoutMs`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | null | false | 0>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(50);
  }
}

/** One sample of a Prometheus text exposition, by name and labels (0 when absent). */
export function metric(body: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    const [series, value] = [line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' ') + 1)];
    if (wanted.every(([k, v]) => series.includes(`${k}="${v}"`))) return Number(value);
  }
  return 0;
}

export async function metrics(app: TestApp): Promise<string> {
  return (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
}

export interface Provisioned {
  id: string;
  secret: string;
  telemetryTopic: string;
  stateTopic: string;
  commandsTopic: string;
}

/** Creates a lighting device through the API (as `session`) and returns its credential. */
export async function provision(app: TestApp, session: Session, body: Record<string, unknown>): Promise<Provisioned> {
  const response = await app.app.inject({ method: 'POST', url: '/api/v1/lighting/devices', headers: as(session), payload: body });
  if (response.statusCode !== 201) throw new Error(`provisioning failed: ${response.statusCode} ${response.body}`);
  const { device, secret, mqtt: m } = response.json();
  return { id: device.id, secret, telemetryTopic: m.telemetryTopic, stateTopic: m.stateTopic, commandsTopic: m.commandsTopic };
}

/** A luminaire reading, valid unless overridden. */
export function luminaireReading(deviceId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deviceId,
    observationDateTime: new Date().toISOString(),
    powerState: 'on',
    dimLevel: 100,
    powerConsumption: 61.5,
    voltage: 229.8,
    current: 0.28,
    powerFactor: 0.96,
    energyConsumed: 1234.5,
    burningHours: 20_101.5,
    faults: [],
    ...overrides,
  };
}

/** Connects a device (user name = client id = device id) and waits for the CONNACK. */
export function connectDevice(url: string, id: string, secret: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0, connectTimeout: 5000, ...options });
}

/** Rows of a table (as the owner: every commune), optionally filtered by device. */
export async function countRows(db: Database, table: string, deviceId?: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.raw(table)} ${deviceId ? sql`WHERE device_id = ${deviceId}` : sql``}`.execute(db.kysely);
  return rows[0]?.n ?? 0;
}

export async function deadLetters(db: Database, reason?: string) {
  const { rows } = await sql<{
    reason: string;
    topic: string;
    deviceId: string | null;
    communeId: string | null;
    detail: string | null;
    payloadExcerpt: string;
  }>`
    SELECT reason, topic, device_id, commune_id, detail, payload_excerpt FROM platform.dead_letter
     ${reason ? sql`WHERE reason = ${reason}` : sql``} ORDER BY id`.execute(db.kysely);
  return rows;
}
