import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { countRows, waitUntil } from '../../../test/helpers/telemetry.js';
import { withCommune } from '../../platform/db/tenant.js';
import { DeviceKindRegistry } from '../../platform/mqtt/kinds.js';
import { DEMO_CABINETS, DEMO_LUMINAIRES } from './demo.js';
import { cabinetKind, luminaireKind } from './kinds.js';
import type { SimulatedDevice } from './lighting.repository.js';
import { isNight, LightingReadings, prepareDemoDevices, runSimulator, sunElevation } from './simulator.js';

const BERKANE = { lat: 34.92, lon: -2.32, timeZone: 'Africa/Casablanca' };

describe('the sun rule', () => {
  it('puts the sun at its noon height at the equinox and below the horizon at midnight', () => {
    // Solar noon at Berkane (2.32° W) is about 12:09 UTC plus the equation of time (+7 min on 20 March).
    expect(sunElevation(new Date('2026-03-20T12:16:00Z'), BERKANE.lat, BERKANE.lon)).toBeCloseTo(90 - 34.92, 0);
    expect(sunElevation(new Date('2026-03-20T00:10:00Z'), BERKANE.lat, BERKANE.lon)).toBeLessThan(-50);
  });

  it('switches the lamps on at dusk and off at dawn (Berkane, 29 November 2026: sunrise ~06:58 UTC, sunset ~16:58 UTC)', () => {
    const at = (time: string) => isNight(new Date(`2026-11-29T${time}Z`), BERKANE.lat, BERKANE.lon);
    expect(at('16:45:00')).toBe(false);
    expect(at('17:10:00')).toBe(true);
    expect(at('23:00:00')).toBe(true);
    expect(at('06:45:00')).toBe(true);
    expect(at('07:10:00')).toBe(false);
    expect(at('12:00:00')).toBe(false);
  });
});

const led: SimulatedDevice = {
  deviceId: 'sim-led',
  kind: 'luminaire',
  secretHash: null,
  isDemo: true,
  technology: 'LED',
  powerRating: 60,
  dateServiceStarted: '2022-05-01',
  phases: null,
  circuitWatts: null,
};
const hps: SimulatedDevice = { ...led, deviceId: 'sim-hps', technology: 'HPS', powerRating: 150, dateServiceStarted: '2010-01-01' };
const cabinet: SimulatedDevice = {
  ...led,
  deviceId: 'sim-cab',
  kind: 'cabinet',
  technology: null,
  powerRating: null,
  phases: 3,
  circuitWatts: { C1: 3000, C2: 4500, C3: 1500 },
};

describe('the simulated readings', () => {
  const kinds = new DeviceKindRegistry();
  kinds.register(luminaireKind);
  kinds.register(cabinetKind);
  const valid = (kind: string, payload: unknown) => {
    const k = kinds.get(kind);
    expect(k?.validate(payload), JSON.stringify(k?.validate.errors)).toBe(true);
  };

  it('draws rated power × dim level at night, dims LED after 23:00 local, and stays off by day', () => {
    const readings = new LightingReadings(BERKANE, 0, () => 0.5);
    // 22:30 UTC is 23:30 in Casablanca (UTC+1 outside Ramadan).
    const lateNight = new Date('2026-11-29T22:30:00Z');
    const ledNight = readings.luminaire(led, lateNight);
    expect(ledNight).toMatchObject({ powerState: 'on', dimLevel: 70, faults: [] });
    expect(ledNight.powerConsumption).toBeCloseTo(60 * 0.7 * 1.05, 1);
    const hpsNight = readings.luminaire(hps, lateNight);
    expect(hpsNight.dimLevel).toBe(100);
    expect(hpsNight.powerConsumption).toBeCloseTo(150 * 1.1, 1);
    const day = readings.luminaire(led, new Date('2026-11-30T12:00:00Z'));
    expect(day).toMatchObject({ powerState: 'off', dimLevel: 0 });
    expect(day.energyConsumed).toBeGreaterThan(ledNight.energyConsumed as number);
    valid('luminaire', ledNight);
    valid('luminaire', day);
  });

  it('sums its circuits per phase for a cabinet', () => {
    const readings = new LightingReadings(BERKANE, 0, () => 0.5);
    const r = readings.cabinet(cabinet, new Date('2026-11-29T20:00:00Z'));
    expect(r.powerState).toBe('on');
    expect(r.totalActivePower).toBeCloseTo((9000 * 1.08) / 1000, 2);
    expect(r.activePowerR).toBeCloseTo(3.24, 2);
    expect(r.circuits?.map((c) => c.id)).toEqual(['C1', 'C2', 'C3']);
    valid('cabinet', r);
  });

  it('injects faults with the given probability, and they validate', () => {
    const readings = new LightingReadings(BERKANE, 1);
    const night = new Date('2026-11-29T20:00:00Z');
    let faulty = 0;
    for (let i = 0; i < 50; i++) {
      const r = readings.luminaire({ ...led, deviceId: `sim-f-${i}` }, night);
      if ((r.faults ?? []).length > 0) faulty++;
      valid('luminaire', r);
      valid('cabinet', readings.cabinet({ ...cabinet, deviceId: `sim-c-${i}` }, night));
    }
    expect(faulty).toBe(50);
  });
});

describe('the simulator against the embedded broker', () => {
  let app: TestApp;
  let berkane: string;

  beforeAll(async () => {
    app = await createTestApp({ TELEMETRY_BATCH_MS: '10' });
    await app.platform.telemetry.start();
    const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(app.database.db.kysely);
    berkane = rows[0]?.id as string;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('seeds a reproducible demo inventory inside the real boundary', async () => {
    const inventory = await withCommune(app.database.db, berkane, async (trx) => {
      const { rows } = await sql<{ cabinets: number; luminaires: number; outside: number; unfed: number; demo: number; same: boolean }>`
        SELECT (SELECT count(*)::int FROM lighting.cabinet) AS cabinets,
               (SELECT count(*)::int FROM lighting.luminaire) AS luminaires,
               (SELECT count(*)::int FROM lighting.luminaire l, platform.commune c
                 WHERE c.id = l.commune_id AND NOT ST_Covers(c.boundary, l.location)) AS outside,
               (SELECT count(*)::int FROM lighting.luminaire WHERE cabinet_id IS NULL OR device_id IS NULL) AS unfed,
               (SELECT count(*)::int FROM lighting.luminaire WHERE is_demo) AS demo,
               (SELECT ST_Equals(l.location, (SELECT geom FROM ST_Dump(ST_GeneratePoints(c.boundary, ${DEMO_LUMINAIRES}::int, 1701)) LIMIT 1))
                  FROM lighting.luminaire l JOIN platform.commune c ON c.id = l.commune_id WHERE l.code = 'L-00001') AS same`.execute(trx);
      return rows[0];
    });
    expect(inventory).toEqual({
      cabinets: DEMO_CABINETS,
      luminaires: DEMO_LUMINAIRES,
      outside: 0,
      unfed: 0,
      demo: DEMO_LUMINAIRES,
      same: true,
    });
  });

  it('connects demo controllers with their demo secrets and every reading lands', async () => {
    const { devices, place } = await prepareDemoDevices(app.database.db, berkane, DEMO_CABINETS + 10);
    expect(devices.filter((d) => d.kind === 'cabinet')).toHaveLength(DEMO_CABINETS);
    expect(place.lat).toBeGreaterThan(34.8);
    const run = runSimulator({
      url: `mqtt://127.0.0.1:${app.platform.telemetry.port}`,
      communeCode: 'berkane',
      devices,
      intervalSeconds: 0.2,
      faultProbability: 0.2,
      place,
      rounds: 2,
    });
    await run.finished;
    await run.stop();
    expect(run.stats()).toMatchObject({ published: 2 * devices.length, acknowledged: 2 * devices.length, failed: 0 });
    await waitUntil('every simulated reading stored', async () => {
      const n =
        (await countRows(app.database.db, 'lighting.cabinet_reading')) + (await countRows(app.database.db, 'lighting.luminaire_reading'));
      return n === 2 * devices.length;
    });
    expect(await countRows(app.database.db, 'platform.dead_letter')).toBe(0);
    // A second run reads the credentials the first one set: the stored hashes stay as they are.
    const hashes = async () =>
      (
        await sql<{
          h: string;
        }>`SELECT secret_hash AS h FROM platform.device WHERE id IN ('berkane-c-001', 'berkane-c-002') ORDER BY id`.execute(
          app.database.db.kysely,
        )
      ).rows.map((r) => r.h);
    const first = await hashes();
    expect(first.every((h) => h.startsWith('$argon2id$'))).toBe(true);
    await prepareDemoDevices(app.database.db, berkane, 2);
    expect(await hashes()).toEqual(first);
  });
});
