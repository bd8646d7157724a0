import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { countRows, deadLetters, luminaireReading, metric, waitUntil } from '../../../test/helpers/telemetry.js';
import { loadConfig } from '../../config.js';
import { cabinetKind, luminaireKind } from '../../modules/lighting/index.js';
import { createCommuneFromArea } from '../communes/communes.service.js';
import type { Database } from '../db/database.js';
import { withCommune, withoutCommune } from '../db/tenant.js';
import { insertDevice, setDeviceEnabled } from './devices.repository.js';
import { Ingestion, type IngestionOptions } from './ingestion.js';
import { DeviceKindRegistry } from './kinds.js';
import { createTelemetryMetrics } from './metrics.js';
import { TelemetryService } from './telemetry.js';

const quiet = { warn: () => {}, error: () => {} };
const actor = { type: 'system', id: null, label: 'test' } as const;
const topic = (commune: string, id: string, kind = 'luminaire') => `madina/${commune}/${kind}/${id}/telemetry`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/**
 * The ingestion pipeline on its own (no broker): what it stores, what it refuses and why, in
 * which commune, and that it acknowledges a message only once the transaction holding it committed.
 */
describe('the ingestion pipeline', () => {
  let database: TestDatabase;
  let db: Database;
  let berkane: string;
  let saidia: string;
  const kinds = new DeviceKindRegistry();
  kinds.register(luminaireKind);
  kinds.register(cabinetKind);

  const pipeline = (overrides: Partial<IngestionOptions> = {}) => {
    const metrics = createTelemetryMetrics();
    const ingestion = new Ingestion({
      db,
      kinds,
      metrics,
      log: quiet,
      batchSize: 100,
      batchMs: 5,
      pastMs: 7 * 86_400_000,
      futureMs: 300_000,
      rateLimitPerMinute: 0,
      ...overrides,
    });
    return { ingestion, metrics };
  };

  /** Accepts each message and resolves when all are acknowledged. */
  const feed = (ingestion: Ingestion, messages: [string, Buffer][], onAck?: () => Promise<void>) =>
    Promise.all(messages.map(([t, p]) => new Promise<void>((resolve) => ingestion.accept(t, p, () => resolve(onAck?.())))));

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(db.kysely);
    berkane = rows[0]!.id;
    saidia = (await createCommuneFromArea(db, 'saidia', { hosts: [] }, actor))!;
    await withCommune(db, berkane, async (trx) => {
      await insertDevice(trx, { communeId: berkane, id: 'ing-brk-1', kind: 'luminaire', name: null, secretHash: null });
      await insertDevice(trx, { communeId: berkane, id: 'ing-brk-off', kind: 'luminaire', name: null, secretHash: null });
      await setDeviceEnabled(trx, 'ing-brk-off', false);
    });
    await withCommune(db, saidia, (trx) =>
      insertDevice(trx, { communeId: saidia, id: 'ing-sdy-1', kind: 'luminaire', name: null, secretHash: null }),
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('acknowledges a message only when its reading is committed and visible', async () => {
    const { ingestion } = pipeline({ batchSize: 50, batchMs: 30 });
    const base = Date.now() - 600_000;
    const messages: [string, Buffer][] = Array.from({ length: 120 }, (_, i) => [
      topic('berkane', 'ing-brk-1'),
      json(luminaireReading('ing-brk-1', { observationDateTime: new Date(base + i * 1000).toISOString() })),
    ]);
    let acked = 0;
    const seenAtAck: number[] = [];
    await feed(ingestion, messages, async () => {
      acked++;
      const mine = acked;
      // Another connection (PostgreSQL) or the next borrower (PGlite) sees the committed rows.
      const stored = await countRows(db, 'lighting.luminaire_reading', 'ing-brk-1');
      seenAtAck.push(stored - mine);
    });
    expect(acked).toBe(120);
    expect(Math.min(...seenAtAck)).toBeGreaterThanOrEqual(0);
    expect(await countRows(db, 'lighting.luminaire_reading', 'ing-brk-1')).toBe(120);
  });

  it("writes one batch for several communes, each row under its own commune's row-level security", async () => {
    const { ingestion } = pipeline();
    const at = new Date(Date.now() - 5000).toISOString();
    await feed(ingestion, [
      [topic('berkane', 'ing-brk-1'), json(luminaireReading('ing-brk-1', { observationDateTime: at }))],
      [topic('saidia', 'ing-sdy-1'), json(luminaireReading('ing-sdy-1', { observationDateTime: at }))],
    ]);
    const seen = async (communeId: string) =>
      withCommune(db, communeId, async (trx) => {
        const { rows } = await sql<{ deviceId: string }>`SELECT DISTINCT device_id FROM lighting.luminaire_reading ORDER BY 1`.execute(trx);
        const states = await sql<{ deviceId: string }>`SELECT device_id FROM platform.device_state ORDER BY 1`.execute(trx);
        return { readings: rows.map((r) => r.deviceId), states: states.rows.map((r) => r.deviceId) };
      });
    expect(await seen(berkane)).toEqual({ readings: ['ing-brk-1'], states: ['ing-brk-1'] });
    expect(await seen(saidia)).toEqual({ readings: ['ing-sdy-1'], states: ['ing-sdy-1'] });
    // Without a commune, the application role sees nothing.
    const none = await withoutCommune(db, (trx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM lighting.luminaire_reading`.execute(trx),
    );
    expect(none.rows[0]?.n).toBe(0);
  });

  it("tells a kind's listeners of the states a batch stored, inside the batch's transaction and under its commune", async () => {
    const registry = new DeviceKindRegistry();
    registry.register(luminaireKind);
    registry.register(cabinetKind);
    const heard: { communeId: string; devices: string[]; stateVisible: number }[] = [];
    registry.onStored('luminaire', async (trx, { communeId, states }) => {
      // The batch's own uncommitted state rows are visible to the listener, and only its commune's.
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM platform.device_state WHERE device_id = ANY (${states.map((s) => s.deviceId)}::text[])`.execute(trx);
      heard.push({ communeId, devices: states.map((s) => s.deviceId).sort(), stateVisible: rows[0]!.n });
    });
    const { ingestion } = pipeline({ kinds: registry });
    const at = new Date(Date.now() - 4000).toISOString();
    await feed(ingestion, [
      [topic('berkane', 'ing-brk-1'), json(luminaireReading('ing-brk-1', { observationDateTime: at }))],
      [topic('saidia', 'ing-sdy-1'), json(luminaireReading('ing-sdy-1', { observationDateTime: at }))],
    ]);
    expect(heard.sort((a, b) => a.devices[0]!.localeCompare(b.devices[0]!))).toEqual([
      { communeId: berkane, devices: ['ing-brk-1'], stateVisible: 1 },
      { communeId: saidia, devices: ['ing-sdy-1'], stateVisible: 1 },
    ]);
    expect(() => registry.onStored('bin', async () => {})).toThrow(/not registered/);
  });

  it('dead-letters what an external broker lets through: unknown devices, disabled ones, foreign topics, bad topics', async () => {
    const { ingestion, metrics } = pipeline();
    const good = luminaireReading('ing-brk-1');
    await feed(ingestion, [
      [topic('berkane', 'ing-ghost'), json(luminaireReading('ing-ghost'))],
      [topic('berkane', 'ing-brk-off'), json(luminaireReading('ing-brk-off'))],
      // The Saidia device on a Berkane topic; a Berkane device claiming another's topic.
      [topic('berkane', 'ing-sdy-1'), json(luminaireReading('ing-sdy-1'))],
      [topic('berkane', 'ing-brk-1', 'cabinet'), json(good)],
      [topic('saidia', 'ing-sdy-1'), json(luminaireReading('ing-brk-1'))],
      ['madina/berkane/luminaire/ing-brk-1/commands', json(good)],
      ['madina/berkane/streetbin/ing-brk-1/telemetry', json(good)],
      ['not/a/madina/topic', json(good)],
      [topic('nowhere', 'ing-ghost-2'), json(luminaireReading('ing-ghost-2'))],
    ]);
    const letters = await deadLetters(db);
    const by = (device: string | null, reason: string) => letters.filter((l) => l.deviceId === device && l.reason === reason);
    expect(by('ing-ghost', 'unknown_device')[0]?.communeId).toBe(berkane);
    expect(by('ing-brk-off', 'disabled_device')[0]?.communeId).toBe(berkane);
    expect(by('ing-sdy-1', 'foreign_topic')).toHaveLength(2);
    expect(by('ing-brk-1', 'foreign_topic')).toHaveLength(1);
    expect(by('ing-brk-1', 'bad_topic')).toHaveLength(2);
    expect(letters.find((l) => l.topic === 'not/a/madina/topic')).toMatchObject({ reason: 'bad_topic', communeId: null });
    // A commune nobody serves: kept without a commune (operators see it, no tenant does).
    expect(by('ing-ghost-2', 'unknown_device')[0]?.communeId).toBeNull();
    const body = await metrics.registry.metrics();
    expect(metric(body, 'madina_telemetry_rejected_total', { reason: 'unknown_device' })).toBe(2);
    expect(metric(body, 'madina_telemetry_rejected_total', { reason: 'foreign_topic' })).toBe(3);
    expect(metric(body, 'madina_telemetry_rejected_total', { reason: 'bad_topic' })).toBe(3);
    expect(metric(body, 'madina_telemetry_pending_messages')).toBe(0);
    // Tenants see their own dead letters only.
    const visible = await withCommune(db, saidia, (trx) => sql<{ reason: string }>`SELECT reason FROM platform.dead_letter`.execute(trx));
    expect(visible.rows.map((r) => r.reason)).toEqual(['foreign_topic', 'foreign_topic']);
  });

  it('creates a missing monthly partition on demand', async () => {
    const { ingestion, metrics } = pipeline({ pastMs: 400 * 86_400_000 });
    const old = new Date(Date.now() - 200 * 86_400_000);
    await feed(ingestion, [
      [topic('berkane', 'ing-brk-1'), json(luminaireReading('ing-brk-1', { observationDateTime: old.toISOString() }))],
    ]);
    const month = `${old.getUTCFullYear()}${String(old.getUTCMonth() + 1).padStart(2, '0')}`;
    const { rows } = await sql<{
      name: string | null;
    }>`SELECT to_regclass(${`lighting.luminaire_reading_p${month}`})::text AS name`.execute(db.kysely);
    expect(rows[0]?.name).toBe(`lighting.luminaire_reading_p${month}`);
    expect(metric(await metrics.registry.metrics(), 'madina_telemetry_write_errors_total', { action: 'partition' })).toBe(1);
    const stored = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM lighting.luminaire_reading WHERE observed_at = ${old.toISOString()}::timestamptz`.execute(db.kysely);
    expect(stored.rows[0]?.n).toBe(1);
  });

  it('creates the partitions of the months around a date ahead (the daily job), once', async () => {
    const telemetry = new TelemetryService(loadConfig({ NODE_ENV: 'test' }), db, { ...quiet, info: () => {} });
    // December 2029 to March 2030, for both lighting reading tables.
    expect(await telemetry.maintainPartitions(new Date('2030-01-15T12:00:00Z'))).toBe(8);
    expect(await telemetry.maintainPartitions(new Date('2030-01-15T12:00:00Z'))).toBe(0);
    const { rows } = await sql<{ bound: string }>`
      SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c WHERE c.oid = 'lighting.cabinet_reading_p203001'::regclass`.execute(
      db.kysely,
    );
    expect(rows[0]?.bound).toBe("FOR VALUES FROM ('2030-01-01 00:00:00+00') TO ('2030-02-01 00:00:00+00')");
  });

  it('keeps the partitions out of reach of the application role (it reads and writes through the parent, under RLS)', async () => {
    const month = new Date().toISOString().slice(0, 7).replace('-', '');
    await expect(
      withCommune(db, berkane, (trx) => sql`SELECT count(*) FROM ${sql.raw(`lighting.luminaire_reading_p${month}`)}`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withoutCommune(db, (trx) => sql`SELECT platform.ensure_month_partitions('platform.device', now(), now())`.execute(trx)),
    ).rejects.toThrow(/not registered/);
  });

  it('keeps a batch unacknowledged while the database is unreachable, and writes it when it returns', async () => {
    let failures = 3;
    const flaky: Database = {
      ...db,
      kysely: new Proxy(db.kysely, {
        get(target, prop, receiver) {
          if (prop === 'transaction' && failures > 0) {
            failures--;
            return () => ({
              execute: async () => {
                throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
              },
            });
          }
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    };
    const { ingestion, metrics } = pipeline({ db: flaky });
    const at = new Date(Date.now() - 42_000).toISOString();
    let acked = false;
    ingestion.accept(topic('berkane', 'ing-brk-1'), json(luminaireReading('ing-brk-1', { observationDateTime: at })), () => {
      acked = true;
    });
    await waitUntil('a first failed write', async () => failures < 3);
    expect(acked).toBe(false);
    await waitUntil('the acknowledgement', async () => acked, 10_000);
    const stored = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM lighting.luminaire_reading WHERE observed_at = ${at}::timestamptz`.execute(db.kysely);
    expect(stored.rows[0]?.n).toBe(1);
    expect(metric(await metrics.registry.metrics(), 'madina_telemetry_write_errors_total', { action: 'retry' })).toBe(3);
  });

  it('writes the rest of a batch the database refuses, and keeps the refused message as a storage_error', async () => {
    const broken = new DeviceKindRegistry();
    // A mapper bug: a value the table's CHECK refuses, for one message only.
    broken.register({
      ...luminaireKind,
      toRow: (p) => luminaireKind.toRow({ ...p, powerState: p.dimLevel === 13 ? ('dim' as 'on') : p.powerState }),
    });
    const { ingestion, metrics } = pipeline({ kinds: broken });
    const base = Date.now() - 900_000;
    await feed(
      ingestion,
      [1, 13, 2].map((dimLevel, i) => [
        topic('berkane', 'ing-brk-1'),
        json(luminaireReading('ing-brk-1', { dimLevel, observationDateTime: new Date(base + i).toISOString() })),
      ]),
    );
    const stored = await sql<{ dim: number }>`
      SELECT dim_level AS dim FROM lighting.luminaire_reading WHERE observed_at >= ${new Date(base).toISOString()}::timestamptz
         AND observed_at < ${new Date(base + 10).toISOString()}::timestamptz ORDER BY 1`.execute(db.kysely);
    expect(stored.rows.map((r) => r.dim)).toEqual([1, 2]);
    expect((await deadLetters(db, 'storage_error')).some((l) => l.payloadExcerpt.includes('"dimLevel":13'))).toBe(true);
    expect(metric(await metrics.registry.metrics(), 'madina_telemetry_write_errors_total', { action: 'split' })).toBe(1);
  });
});
