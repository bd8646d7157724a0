import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { ExpectedLevels } from './detection.js';
import { evaluate } from './detection.service.js';

/**
 * Outage and anomaly detection on the demo inventory: readings are written as the ingestion
 * writes them (platform.device_state), time is driven by the `now` given to the evaluator, and
 * the schedule's expectation by provider functions of the tests.
 */
let t: TestApp;
let berkane: string;
let technician: Session;
let supervisor: Session;
let viewer: Session;
const links = { publicUrl: 'https://berkane.example' };
const MIN = 60_000;
// Recent enough that a work order completed now lies between the test's readings.
const T0 = new Date(Math.floor((Date.now() - 3_600_000) / MIN) * MIN);
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

interface Lamp {
  id: string;
  deviceId: string;
  powerRating: number;
  lat: number;
  lon: number;
}

const owner = () => t.database.db.kysely;

async function lamp(code: string, communeId = berkane): Promise<Lamp> {
  const { rows } = await sql<Lamp>`
    SELECT id, device_id, power_rating, ST_Y(location) AS lat, ST_X(location) AS lon
      FROM lighting.luminaire WHERE code = ${code} AND commune_id = ${communeId}::uuid`.execute(owner());
  return rows[0]!;
}

/** The latest state of a device, as an ingestion batch leaves it. */
async function report(deviceId: string, observedAt: Date, data: Record<string, unknown>) {
  await sql`
    INSERT INTO platform.device_state (commune_id, device_id, kind, observed_at, received_at, data)
    SELECT commune_id, id, kind, ${observedAt}, ${observedAt}, ${JSON.stringify(data)}::jsonb FROM platform.device WHERE id = ${deviceId}
    ON CONFLICT (commune_id, device_id) DO UPDATE SET observed_at = EXCLUDED.observed_at, received_at = EXCLUDED.received_at, data = EXCLUDED.data
    `.execute(owner());
}

const off = { powerState: 'off', dimLevel: 0, powerConsumption: 0, faults: [] };
const lit = (l: Lamp, level = 100, factor = 1) => ({
  powerState: 'on',
  dimLevel: level,
  powerConsumption: (l.powerRating * level * factor) / 100,
  faults: [],
});

/** The schedule says `level` for these luminaires (the others: unknown). */
const levels =
  (level: number, ...lamps: Lamp[]): ExpectedLevels =>
  async () =>
    new Map(lamps.map((l) => [l.id, level]));

function run(now: Date, expected: ExpectedLevels, deviceIds: string[] | null, communeId = berkane) {
  return withCommune(t.database.db, communeId, (trx) => evaluate(trx, communeId, { deviceIds, now, expectedLevels: expected, links }));
}

/** A device reports at minute `m` (as it does every minute) and is evaluated then. */
async function tick(deviceId: string, m: number, data: Record<string, unknown>, expected: ExpectedLevels) {
  await report(deviceId, at(m), data);
  return run(at(m), expected, [deviceId]);
}

async function alarmsOf(deviceId: string) {
  const { rows } = await sql<{ id: string; rule: string; clearedAt: Date | null; workOrderId: string | null; openedAt: Date }>`
    SELECT id, rule, cleared_at, work_order_id, opened_at FROM lighting.alarm WHERE device_id = ${deviceId} ORDER BY opened_at, rule`.execute(
    owner(),
  );
  return rows;
}

async function workOrdersOf(l: Lamp) {
  const { rows } = await sql<{ id: string; status: string; description: string; checklist: { label: string; done: boolean }[] }>`
    SELECT w.id, w.status, w.description, w.checklist FROM workorders.work_order w
      JOIN workorders.source s ON s.commune_id = w.commune_id AND s.work_order_id = w.id
     WHERE s.source_type = 'lighting_luminaire' AND s.source_id = ${l.id}::uuid`.execute(owner());
  return rows;
}

async function count(query: ReturnType<typeof sql<{ n: number }>>) {
  return (await query.execute(owner())).rows[0]!.n;
}

beforeAll(async () => {
  t = await createTestApp({ REPORT_RATE_LIMIT: '0', PUBLIC_URL: links.publicUrl });
  const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(owner());
  berkane = rows[0]!.id;
  technician = await loginAs(t, 'technician');
  supervisor = await loginAs(t, 'supervisor');
  viewer = await loginAs(t, 'viewer');
});

afterAll(async () => {
  await t?.close();
});

describe('DARK: a lamp that should be on but is not', () => {
  let l: Lamp;
  beforeAll(async () => {
    l = await lamp('L-00001');
  });

  it('opens exactly one alarm and one work order once dark for N minutes, and alerts the department', async () => {
    const night = levels(100, l);
    expect((await tick(l.deviceId, 0, off, night)).opened).toHaveLength(0);
    expect((await tick(l.deviceId, 9, off, night)).opened).toHaveLength(0);
    expect(await alarmsOf(l.deviceId)).toHaveLength(0);
    const opened = await tick(l.deviceId, 10, off, night);
    expect(opened.opened.map((a) => a.rule)).toEqual(['dark']);
    expect(opened.workOrders.created).toBe(1);
    const [alarm] = await alarmsOf(l.deviceId);
    expect(alarm).toMatchObject({ rule: 'dark', clearedAt: null });
    // Opened when the fault began, not when it was noticed.
    expect(alarm!.openedAt.toISOString()).toBe(at(0).toISOString());
    const orders = await workOrdersOf(l);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: alarm!.workOrderId, status: 'open' });
    expect(orders[0]!.checklist).toHaveLength(1);
    // The technician of the lighting department and the supervisor above it are told.
    const mails = await sql<{ to: string }>`
      SELECT payload->>'to' AS to FROM platform.job WHERE kind = 'notify.mail' AND payload->>'text' LIKE ${`%${orders[0]!.id}%`} ORDER BY 1`.execute(
      owner(),
    );
    expect(mails.rows.map((r) => r.to).sort()).toEqual(
      (
        await sql<{
          email: string;
        }>`SELECT email FROM platform.user_account WHERE role IN ('technician', 'supervisor') AND commune_id = ${berkane}::uuid`.execute(
          owner(),
        )
      ).rows
        .map((r) => r.email)
        .sort(),
    );
    const audit = await count(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM platform.audit_event WHERE action = 'lighting.alarm.open' AND entity_id = ${alarm!.id}`,
    );
    expect(audit).toBe(1);
  });

  it('changes nothing when evaluated again (idempotent)', async () => {
    const before = { alarms: await alarmsOf(l.deviceId), orders: await workOrdersOf(l) };
    const again = await run(at(10), levels(100, l), [l.deviceId]);
    const later = await run(at(10), levels(100, l), null);
    expect([...again.opened, ...again.cleared, ...later.opened, ...later.cleared]).toHaveLength(0);
    expect(again.workOrders).toEqual({ created: 0, updated: 0, reopened: 0, cancelled: 0 });
    expect(await alarmsOf(l.deviceId)).toEqual(before.alarms);
    expect(await workOrdersOf(l)).toEqual(before.orders);
  });

  it('adds a second fault of the same device to the same work order', async () => {
    // Silent for 3 × 60 s: no news is not good news; the DARK alarm stays.
    const result = await run(at(14), levels(100, l), [l.deviceId]);
    expect(result.opened.map((a) => a.rule)).toEqual(['silent']);
    expect(result.workOrders).toMatchObject({ created: 0, updated: 1 });
    const alarms = await alarmsOf(l.deviceId);
    expect(alarms.map((a) => [a.rule, a.clearedAt])).toEqual([
      ['dark', null],
      ['silent', null],
    ]);
    const orders = await workOrdersOf(l);
    expect(orders).toHaveLength(1);
    expect(new Set(alarms.map((a) => a.workOrderId))).toEqual(new Set([orders[0]!.id]));
    expect(orders[0]!.description.split('\n')).toHaveLength(2);
    expect(orders[0]!.checklist).toHaveLength(2);
  });

  it('clears the alarms and cancels the work order nobody started when readings are normal again', async () => {
    const result = await tick(l.deviceId, 15, lit(l), levels(100, l));
    expect(result.cleared.map((a) => a.rule).sort()).toEqual(['dark', 'silent']);
    expect(result.workOrders.cancelled).toBe(1);
    expect((await alarmsOf(l.deviceId)).every((a) => a.clearedAt !== null)).toBe(true);
    const [order] = await workOrdersOf(l);
    expect(order!.status).toBe('cancelled');
    expect(order!.description).toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('a fault flag is dark even when the schedule is unknown, and a new episode re-opens the device’s work order', async () => {
    await tick(l.deviceId, 16, { ...lit(l), faults: ['driver_failure'] }, levels(100));
    const result = await tick(l.deviceId, 26, { ...lit(l), faults: ['driver_failure'] }, levels(100));
    expect(result.opened.map((a) => a.rule)).toEqual(['dark']);
    expect(result.workOrders.reopened).toBe(1);
    const orders = await workOrdersOf(l);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.status).toBe('open');
  });
});

describe('a repaired lamp', () => {
  it('resolves when readings are normal after the repair, and re-opens when it still reports dark', async () => {
    const l = await lamp('L-00002');
    const night = levels(100, l);
    await tick(l.deviceId, 0, off, night);
    await tick(l.deviceId, 10, off, night);
    const [order] = await workOrdersOf(l);
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workorders/${order!.id}/complete`,
      headers: as(technician),
      payload: { note: 'Lampe remplacée', location: null },
    });
    expect(done.statusCode, done.body).toBe(200);
    // Readings from before the repair do not count against it.
    expect((await tick(l.deviceId, 20, off, night)).workOrders.reopened).toBe(0);
    // Completed now; a reading after it still says dark: the work order opens again.
    const still = await tick(l.deviceId, 90, off, night);
    expect(still.workOrders.reopened).toBe(1);
    expect((await workOrdersOf(l))[0]).toMatchObject({ status: 'open' });
    expect((await alarmsOf(l.deviceId)).filter((a) => !a.clearedAt)).toHaveLength(1);

    const lamp3 = await lamp('L-00003');
    await tick(lamp3.deviceId, 0, off, levels(100, lamp3));
    await tick(lamp3.deviceId, 10, off, levels(100, lamp3));
    const [order3] = await workOrdersOf(lamp3);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/workorders/${order3!.id}/complete`,
      headers: as(technician),
      payload: { note: 'Driver remplacé', location: null },
    });
    const resolved = await tick(lamp3.deviceId, 90, lit(lamp3), levels(100, lamp3));
    expect(resolved.cleared.map((a) => a.rule)).toEqual(['dark']);
    expect(resolved.workOrders).toEqual({ created: 0, updated: 0, reopened: 0, cancelled: 0 });
    expect((await workOrdersOf(lamp3))[0]!.status).toBe('done');
  });
});

describe('the other rules', () => {
  it('SILENT: a controller silent past K × its interval, and a cabinet too', async () => {
    const l = await lamp('L-00010');
    await report(l.deviceId, at(0), lit(l));
    expect((await run(at(3), levels(100, l), [l.deviceId])).opened).toHaveLength(0);
    expect((await run(at(3.1), levels(100, l), [l.deviceId])).opened.map((a) => a.rule)).toEqual(['silent']);
    const { rows } = await sql<{ deviceId: string }>`SELECT device_id FROM lighting.cabinet WHERE code = 'ARM-001'`.execute(owner());
    const cabinet = rows[0]!.deviceId;
    await report(cabinet, at(0), { powerState: 'on', faults: [] });
    const result = await run(at(4), levels(100), [cabinet]);
    expect(result.opened.map((a) => [a.rule, a.deviceId])).toEqual([['silent', cabinet]]);
    const wo = await sql<{ priority: string }>`
      SELECT w.priority FROM workorders.work_order w JOIN workorders.source s ON s.work_order_id = w.id
       WHERE s.source_type = 'lighting_cabinet' AND s.source_id = ${result.opened[0]!.cabinetId}::uuid`.execute(owner());
    expect(wo.rows).toEqual([{ priority: 'high' }]);
  });

  it('POWER: outside ± X % of rated × dim level after the settle time, not inside the band', async () => {
    const l = await lamp('L-00011');
    const half = levels(50, l);
    expect((await tick(l.deviceId, 0, lit(l, 50, 1.2), half)).opened).toHaveLength(0);
    expect((await tick(l.deviceId, 30, lit(l, 50, 1.2), half)).opened).toHaveLength(0);
    await tick(l.deviceId, 31, lit(l, 50, 1.4), half);
    expect((await tick(l.deviceId, 35, lit(l, 50, 1.4), half)).opened).toHaveLength(0);
    const result = await tick(l.deviceId, 36, lit(l, 50, 1.4), half);
    expect(result.opened.map((a) => a.rule)).toEqual(['power']);
    expect(result.opened[0]!.details).toMatchObject({ dimLevel: 50, deviationPercent: 40 });
  });

  it('DAY-BURNING: on while the schedule says off, for the configured minutes', async () => {
    const l = await lamp('L-00012');
    const day = levels(0, l);
    await tick(l.deviceId, 0, lit(l), day);
    expect((await tick(l.deviceId, 29, lit(l), day)).opened).toHaveLength(0);
    expect((await tick(l.deviceId, 30, lit(l), day)).opened.map((a) => a.rule)).toEqual(['day_burning']);
    // Off by day is what the schedule asks: nothing to say.
    expect((await tick(l.deviceId, 31, off, day)).cleared.map((a) => a.rule)).toEqual(['day_burning']);
  });

  it('cabinet faults (a door open) hold for their minutes before an alarm', async () => {
    const { rows } = await sql<{ deviceId: string }>`SELECT device_id FROM lighting.cabinet WHERE code = 'ARM-002'`.execute(owner());
    const cabinet = rows[0]!.deviceId;
    const door = { powerState: 'on', faults: ['door_open', 'phase_loss'] };
    await tick(cabinet, 0, door, levels(100));
    expect((await tick(cabinet, 1, door, levels(100))).opened).toHaveLength(0);
    const result = await tick(cabinet, 2, door, levels(100));
    expect(result.opened.map((a) => [a.rule, a.details])).toEqual([['cabinet_fault', { faults: ['door_open', 'phase_loss'] }]]);
  });

  it('an evaluation opens every alarm due by then, not only those of the devices it was asked for', async () => {
    const a = await lamp('L-00040');
    const b = await lamp('L-00041');
    const night = levels(100, a, b);
    await tick(a.deviceId, 0, off, night);
    await tick(b.deviceId, 0, off, night);
    await report(b.deviceId, at(10), off);
    const result = await tick(a.deviceId, 10, off, night);
    expect(result.opened.map((x) => x.deviceId).sort()).toEqual([a.deviceId, b.deviceId].sort());
  });

  it('leaves another commune untouched', async () => {
    await createCommuneFromArea(t.database.db, 'saidia', { hosts: ['saidia.localhost'] }, { type: 'cli', id: null, label: 'test' });
    const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'saidia'`.execute(owner());
    const saidia = rows[0]!.id;
    // A controller of Saidia that is dark, and an evaluation of Berkane: Saidia gets nothing.
    await sql`INSERT INTO platform.device (commune_id, id, kind) VALUES (${saidia}::uuid, 'saidia-lum-1', 'luminaire')`.execute(owner());
    const broken = { ...off, faults: ['lamp_failure'] };
    for (const m of [50, 60]) {
      await report('saidia-lum-1', at(m), broken);
      expect((await run(at(m), levels(100), ['saidia-lum-1'])).devices).toBe(0);
    }
    expect(await alarmsOf('saidia-lum-1')).toHaveLength(0);
    // Saidia's own evaluation sees only Saidia's device (fitted to no luminaire: an alarm without a work order).
    await report('saidia-lum-1', at(50), broken);
    await run(at(50), levels(100), null, saidia);
    await report('saidia-lum-1', at(60), broken);
    const own = await run(at(60), levels(100), null, saidia);
    expect(own.devices).toBe(1);
    expect(own.opened.map((a) => [a.deviceId, a.rule])).toEqual([['saidia-lum-1', 'dark']]);
    expect(own.workOrders.created).toBe(0);
  });
});

describe('a citizen’s report of a dark lamp', () => {
  it('joins the work order of a DARK alarm within 30 m, and only in a lighting category', async () => {
    const l = await lamp('L-00020');
    await tick(l.deviceId, 0, off, levels(100, l));
    await tick(l.deviceId, 10, off, levels(100, l));
    const [order] = await workOrdersOf(l);
    const file = async (category: string, dLat: number) => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: {
          category,
          location: { lat: l.lat + dLat, lon: l.lon },
          description: 'Lampe éteinte devant chez moi',
          locale: 'fr',
          ...(category === 'streetlight' ? { attributes: { lamp_state: 'off' } } : {}),
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      const { rows } = await sql<{ id: string }>`SELECT id FROM reports.report WHERE number = ${r.json().report.number}::bigint`.execute(
        owner(),
      );
      return rows[0]!.id;
    };
    const near = await file('streetlight', 0.0002); // ~22 m north
    const far = await file('streetlight', 0.0005); // ~55 m north
    const other = await file('container_full', 0.0001);
    const sources = await sql<{ sourceId: string; workOrderId: string }>`
      SELECT source_id::text, work_order_id FROM workorders.source WHERE source_type = 'report' AND source_id = ANY (${[near, far, other]}::uuid[])`.execute(
      owner(),
    );
    expect(sources.rows).toEqual([{ sourceId: near, workOrderId: order!.id }]);
    const linked = await count(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM platform.audit_event WHERE action = 'workorders.work_order.link_source' AND entity_id = ${order!.id}`,
    );
    expect(linked).toBe(1);
    // The report now follows its work order: started → in progress.
    const started = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/workorders/${order!.id}`,
      headers: as(technician),
      payload: { status: 'in_progress' },
    });
    expect(started.statusCode, started.body).toBe(200);
    const status = await sql<{ status: string }>`SELECT status FROM reports.report WHERE id = ${near}::uuid`.execute(owner());
    expect(status.rows[0]!.status).toBe('in_progress');
  });
});

describe('the alarms API', () => {
  it('lists alarms with filters and shows one, to staff who may read them', async () => {
    const l = await lamp('L-00001');
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lighting/alarms?state=open&deviceId=${l.deviceId}`,
      headers: { cookie: viewer.cookie },
    });
    expect(list.statusCode, list.body).toBe(200);
    const body = list.json();
    expect(body.items.map((a: { rule: string }) => a.rule)).toEqual(['dark']);
    expect(body.items[0]).toMatchObject({ state: 'open', deviceId: l.deviceId, luminaireId: l.id });
    const cleared = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lighting/alarms?state=cleared&rule=silent&luminaireId=${l.id}`,
      headers: { cookie: viewer.cookie },
    });
    expect(cleared.json().items).toHaveLength(1);
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lighting/alarms/${body.items[0].id}`,
      headers: { cookie: viewer.cookie },
    });
    expect(one.json()).toEqual(body.items[0]);
  });

  it('refuses bad queries and strangers', async () => {
    const get = (url: string, session: Session | null = viewer) =>
      t.app.inject({ method: 'GET', url, headers: session ? { cookie: session.cookie } : {} });
    expect((await get('/api/v1/lighting/alarms', null)).statusCode).toBe(401);
    expect((await get('/api/v1/lighting/alarms?state=maybe')).statusCode).toBe(400);
    expect((await get('/api/v1/lighting/alarms?rule=dark%27%20OR%201=1')).statusCode).toBe(400);
    expect((await get('/api/v1/lighting/alarms?deviceId=../../etc')).statusCode).toBe(400);
    expect((await get('/api/v1/lighting/alarms/not-a-uuid')).statusCode).toBe(400);
    expect((await get('/api/v1/lighting/alarms/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/api/v1/lighting/alarms?limit=100000')).statusCode).toBe(200);
  });
});

describe('the detection settings API', () => {
  const valid = {
    darkMinutes: 5,
    silentFactor: 4,
    luminaireIntervalSeconds: 120,
    cabinetIntervalSeconds: 300,
    powerTolerancePercent: 20,
    powerSettleMinutes: 3,
    dayBurningMinutes: 15,
    cabinetFaultMinutes: 1,
    departmentId: null,
  };
  const stored = () => count(sql<{ n: number }>`SELECT count(*)::int AS n FROM lighting.detection_setting`);
  const audits = () =>
    count(sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.audit_event WHERE action = 'lighting.detection_settings.update'`);
  const put = (payload: unknown, session: Session | null = supervisor) =>
    t.app.inject({
      method: 'PUT',
      url: '/api/v1/lighting/detection-settings',
      headers: { ...(session ? as(session) : {}), 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('shows the defaults with the lighting department until set', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/lighting/detection-settings', headers: { cookie: viewer.cookie } });
    expect(r.statusCode).toBe(200);
    const { rows } = await sql<{
      id: string;
    }>`SELECT id FROM platform.department WHERE code = 'eclairage' AND commune_id = ${berkane}::uuid`.execute(owner());
    expect(r.json()).toMatchObject({ darkMinutes: 10, silentFactor: 3, isDefault: true, departmentId: rows[0]!.id });
  });

  type Who = 'anonymous' | 'viewer' | 'technician' | 'supervisor';
  const bad: [string, unknown, Who, number][] = [
    ['anonymous', valid, 'anonymous', 401],
    ['a viewer', valid, 'viewer', 403],
    ['a technician', valid, 'technician', 403],
    ['not JSON', '{"darkMinutes": 5,', 'supervisor', 400],
    ['a missing threshold', { ...valid, darkMinutes: undefined }, 'supervisor', 400],
    ['a negative window', { ...valid, darkMinutes: -1 }, 'supervisor', 400],
    ['a window over a day', { ...valid, powerSettleMinutes: 1441 }, 'supervisor', 400],
    ['K below 1.5', { ...valid, silentFactor: 1 }, 'supervisor', 400],
    ['a zero tolerance', { ...valid, powerTolerancePercent: 0 }, 'supervisor', 400],
    ['a huge interval', { ...valid, luminaireIntervalSeconds: 1e12 }, 'supervisor', 400],
    ['a string for a number', { ...valid, darkMinutes: '5' }, 'supervisor', 400],
    ['an unknown field', { ...valid, admin: true }, 'supervisor', 400],
    ['an unknown department', { ...valid, departmentId: '00000000-0000-4000-8000-000000000000' }, 'supervisor', 400],
    ['a hostile department id', { ...valid, departmentId: "x' OR 1=1 --" }, 'supervisor', 400],
    ['an oversized body', { ...valid, note: 'x'.repeat(2_000_000) }, 'supervisor', 413],
  ];
  for (const [what, payload, who, status] of bad) {
    it(`refuses ${what} and stores nothing`, async () => {
      const session = { anonymous: null, viewer, technician, supervisor }[who];
      const before = { stored: await stored(), audits: await audits() };
      const r = await put(payload, session);
      expect(r.statusCode, r.body).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect({ stored: await stored(), audits: await audits() }).toEqual(before);
    });
  }

  it('sets every threshold, audited, and the evaluator follows them', async () => {
    const { rows } = await sql<{
      id: string;
    }>`SELECT id FROM platform.department WHERE code = 'eclairage' AND commune_id = ${berkane}::uuid`.execute(owner());
    const r = await put({ ...valid, departmentId: rows[0]!.id });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ ...valid, departmentId: rows[0]!.id, isDefault: false });
    expect(await audits()).toBe(1);
    const l = await lamp('L-00030');
    await tick(l.deviceId, 0, off, levels(100, l));
    expect((await tick(l.deviceId, 5, off, levels(100, l))).opened.map((a) => a.rule)).toEqual(['dark']);
  });
});
