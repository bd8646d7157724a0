import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';

type Reading = [observedAt: string, energy: number, state: 'on' | 'off'];

/**
 * Energy accounting from the controllers' cumulative counters: the daily rollup (local days of
 * Africa/Casablanca), a counter reset and a gap, the Ramadan change of the clock, the tariff's
 * bands, cabinet meters against luminaire sums, CSV, and the refusals.
 */
describe('lighting energy', () => {
  let app: TestApp;
  let berkane: string;
  let supervisor: Session;
  let viewer: Session;
  let contractor: Session;
  let cabinetA: { id: string; code: string; deviceId: string };
  let cabinetB: { id: string; code: string; deviceId: string };
  let groupId: string;
  let districtId: string;

  const inCommune = <T>(fn: (trx: Tx) => Promise<T>) => withCommune(app.database.db, berkane, fn);
  const insertReadings = (table: 'luminaire_reading' | 'cabinet_reading', deviceId: string, readings: Reading[]) =>
    inCommune(async (trx) => {
      for (const [at, e, state] of readings) {
        await sql`INSERT INTO ${sql.table(`lighting.${table}`)} (commune_id, device_id, observed_at, received_at, power_state, energy_consumed)
                  VALUES (${berkane}::uuid, ${deviceId}, ${at}::timestamptz, ${at}::timestamptz, ${state}, ${e})`.execute(trx);
      }
    });
  const get = (session: Session | null, url: string, headers: Record<string, string> = {}) =>
    app.app.inject({ method: 'GET', url, headers: { ...(session ? { cookie: session.cookie } : {}), ...headers } });
  const send = (method: 'POST' | 'PUT', session: Session | null, url: string, payload: unknown) =>
    app.app.inject({ method, url, headers: session ? as(session) : {}, payload: payload as Record<string, unknown> });
  const rollup = (from: string, to: string) => send('POST', supervisor, '/api/v1/lighting/energy/rollup', { from, to });
  const storedDays = () =>
    inCommune(async (trx) => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM lighting.energy_day`.execute(trx);
      return rows[0]!.n;
    });

  beforeAll(async () => {
    app = await createTestApp();
    supervisor = await loginAs(app, 'supervisor');
    viewer = await loginAs(app, 'viewer');
    contractor = await loginAs(app, 'contractor');
    berkane = (await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(app.database.db.kysely)).rows[0]!
      .id;
    // February 2027 (Ramadan) is past the partitions the migration made.
    await sql`SELECT platform.ensure_month_partitions('lighting.luminaire_reading', '2027-02-01', '2027-03-01')`.execute(
      app.database.db.kysely,
    );
    await inCommune(async (trx) => {
      // L-00001 draws 1,000 W rated, belongs to a group and lies in a district with a hostile name.
      const l1 = (
        await sql<{ cabinetId: string; location: string }>`
          UPDATE lighting.luminaire SET power_rating = 1000 WHERE code = 'L-00001' RETURNING cabinet_id, location::text`.execute(trx)
      ).rows[0]!;
      groupId = (
        await sql<{
          id: string;
        }>`INSERT INTO lighting.lamp_group (commune_id, code, name) VALUES (${berkane}::uuid, 'G-TEST', '{"ar":"=1+2","fr":"Groupe, \\"test\\""}') RETURNING id`.execute(
          trx,
        )
      ).rows[0]!.id;
      await sql`UPDATE lighting.luminaire SET group_id = ${groupId}::uuid WHERE code = 'L-00001'`.execute(trx);
      districtId = (
        await sql<{ id: string }>`INSERT INTO platform.district (commune_id, name, source, area)
          VALUES (${berkane}::uuid, '{"ar":"حي الاختبار","fr":"@SUM(A1)"}', 'staff', ST_Multi(ST_Buffer(${l1.location}::geometry, 0.0001)))
          RETURNING id`.execute(trx)
      ).rows[0]!.id;
      cabinetA = (
        await sql<{
          id: string;
          code: string;
          deviceId: string;
        }>`SELECT id, code, device_id FROM lighting.cabinet WHERE id = ${l1.cabinetId}::uuid`.execute(trx)
      ).rows[0]!;
      // A luminaire of another cabinet, and that cabinet.
      cabinetB = (
        await sql<{ id: string; code: string; deviceId: string }>`SELECT k.id, k.code, l.device_id FROM lighting.luminaire l
           JOIN lighting.cabinet k ON k.id = l.cabinet_id WHERE k.id <> ${l1.cabinetId}::uuid AND l.code > 'L-00003' ORDER BY l.code LIMIT 1`.execute(
          trx,
        )
      ).rows[0]!;
    });
    // L-00001 on local day 2026-11-10 (UTC+1: 2026-11-09 23:00Z to 2026-11-10 23:00Z): hourly
    // readings, the counter reset at 02:00Z, then a six-hour gap, then off.
    await insertReadings('luminaire_reading', 'berkane-l-00001', [
      ['2026-11-09T22:00:00Z', 100, 'on'],
      ['2026-11-10T00:00:00Z', 102, 'on'],
      ['2026-11-10T01:00:00Z', 103, 'on'],
      ['2026-11-10T02:00:00Z', 0.5, 'on'],
      ['2026-11-10T03:00:00Z', 1.5, 'on'],
      ['2026-11-10T09:00:00Z', 7.5, 'off'],
      ['2026-11-10T10:00:00Z', 7.5, 'off'],
      ['2026-11-11T00:00:00Z', 7.5, 'off'],
    ]);
    // Cabinet A's own meter: 20 kWh over the local day of the 10th.
    await insertReadings('cabinet_reading', cabinetA.deviceId, [
      ['2026-11-09T23:00:00Z', 50, 'on'],
      ['2026-11-10T23:00:00Z', 70, 'on'],
    ]);
    // A luminaire on cabinet B (no meter readings): 2 kWh that day.
    await insertReadings('luminaire_reading', cabinetB.deviceId, [
      ['2026-11-09T23:00:00Z', 10, 'on'],
      ['2026-11-10T23:00:00Z', 12, 'on'],
    ]);
    // L-00003 across the night the clock goes back for Ramadan (2027-02-07 03:00 → 02:00 local):
    // one kWh an hour from 2027-02-06 20:00Z to 2027-02-08 02:00Z.
    const hourly: Reading[] = [];
    for (let i = 0; i <= 30; i++) hourly.push([new Date(Date.UTC(2027, 1, 6, 20 + i)).toISOString(), 500 + i, 'on']);
    await insertReadings('luminaire_reading', 'berkane-l-00003', hourly);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('rolls up a day from the counter differences, through a reset and a gap, idempotently', async () => {
    const first = await rollup('2026-11-09', '2026-11-10');
    expect(first.statusCode).toBe(200);
    const days = await inCommune(async (trx) => {
      const { rows } = await sql<{ day: string; source: string; kwh: number; ratedKwh: number; burningHours: number; hourlyKwh: number[] }>`
        SELECT day::text, source, kwh, rated_kwh, burning_hours, hourly_kwh FROM lighting.energy_day
         WHERE group_id = ${groupId}::uuid ORDER BY day`.execute(trx);
      return rows;
    });
    // The 9th: the half of 22:00Z–00:00Z before local midnight (1 kWh at local 23 h).
    expect(days[0]).toMatchObject({ day: '2026-11-09', source: 'luminaire', kwh: 1, burningHours: 1 });
    expect(days[0]!.hourlyKwh[23]).toBe(1);
    // The 10th: 1 + 1 + 0.5 (counter reset to 0, then 0.5) + 1 + 6 (the gap) = 9.5 kWh; burning
    // 4 h known at 1,000 W = 4 kWh rated, plus the gap's 6 kWh taken as measured → 10 kWh rated.
    expect(days[1]).toMatchObject({ day: '2026-11-10', kwh: 9.5, ratedKwh: 10, burningHours: 4 });
    expect(days[1]!.hourlyKwh).toEqual([1, 1, 0.5, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const before = await storedDays();
    const again = await rollup('2026-11-09', '2026-11-10');
    expect(again.json()).toEqual(first.json());
    expect(await storedDays()).toBe(before);
    const audit = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM platform.audit_event WHERE action = 'lighting.energy.rollup'`.execute(app.database.db.kysely);
    expect(audit.rows[0]!.n).toBe(2);
  });

  it('prices each local hour by its band and gives CO2 and savings, by group and day', async () => {
    const res = await get(viewer, '/api/v1/lighting/energy?groupBy=group&period=day&from=2026-11-10&to=2026-11-10');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.settings.isExample).toBe(true);
    const row = body.items.find((r: { unit: { id: string } }) => r.unit.id === groupId);
    // Example tariff: off-peak 0.9 MAD before 07 h, normal 1.2 from 07 h: local 00–06 h hold
    // 1 + 1 + 0.5 + 1 + 3 = 6.5 kWh → 5.85 MAD; 07–09 h hold 3 kWh → 3.60 MAD; 9.45 MAD in all.
    expect(row).toMatchObject({
      period: '2026-11-10',
      unit: { id: groupId, code: 'G-TEST' },
      source: 'luminaires',
      kwh: 9.5,
      ratedKwh: 10,
      savingsKwh: 0.5,
      costMad: 9.45,
      co2Kg: 6.65,
      burningHours: 4,
      devices: 1,
    });
  });

  it('prefers a cabinet meter to its luminaires, and says which it used', async () => {
    const month = await get(viewer, '/api/v1/lighting/energy?groupBy=cabinet&period=month&from=2026-11-01&to=2026-11-30');
    expect(month.statusCode).toBe(200);
    const items = month.json().items as { unit: { id: string; code: string }; source: string; kwh: number; period: string }[];
    // Cabinet A: its luminaires' 1 kWh on the 9th (no meter reading that day), its meter's 20 kWh on the 10th.
    expect(items.find((r) => r.unit.id === cabinetA.id)).toMatchObject({ period: '2026-11', source: 'mixed', kwh: 21 });
    expect(items.find((r) => r.unit.id === cabinetB.id)).toMatchObject({ unit: { code: cabinetB.code }, source: 'luminaires', kwh: 2 });
    const day = await get(viewer, '/api/v1/lighting/energy?groupBy=cabinet&period=day&from=2026-11-10&to=2026-11-10');
    expect(day.json().items.find((r: { unit: { id: string } }) => r.unit.id === cabinetA.id)).toMatchObject({ source: 'meter', kwh: 20 });
  });

  it('counts local days across the Ramadan change of the clock (a 25-hour day)', async () => {
    expect((await rollup('2027-02-06', '2027-02-08')).statusCode).toBe(200);
    const rows = await inCommune(async (trx) => {
      const { rows } = await sql<{ day: string; kwh: number; hourlyKwh: number[] }>`
        SELECT e.day::text, e.kwh, e.hourly_kwh FROM lighting.energy_day e
          JOIN lighting.luminaire l ON l.cabinet_id IS NOT DISTINCT FROM e.cabinet_id AND l.code = 'L-00003'
         WHERE e.source = 'luminaire' AND e.day >= '2027-02-06' ORDER BY e.day`.execute(trx);
      return rows;
    });
    // 20:00Z–23:00Z is the 6th (UTC+1); the 7th runs 23:00Z to 00:00Z next day: 25 hours, local 2 h twice.
    expect(rows.map((r) => [r.day, r.kwh])).toEqual([
      ['2027-02-06', 3],
      ['2027-02-07', 25],
      ['2027-02-08', 2],
    ]);
    expect(rows[1]!.hourlyKwh[2]).toBe(2);
    expect(rows[1]!.hourlyKwh.filter((k) => k === 1)).toHaveLength(23);
  });

  it('exports CSV with formulas defused, by format=csv or Accept', async () => {
    const res = await get(viewer, '/api/v1/lighting/energy?groupBy=district&period=day&from=2026-11-10&to=2026-11-10&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'period,unit_id,unit_code,unit_name_ar,unit_name_fr,source,kwh,rated_kwh,savings_kwh,cost_mad,co2_kg,burning_hours,devices',
    );
    expect(lines).toContain(`2026-11-10,${districtId},,حي الاختبار,'@SUM(A1),luminaires,9.5,10,0.5,9.45,6.65,4,1`);
    const byAccept = await get(viewer, '/api/v1/lighting/energy?groupBy=group&period=month&from=2026-11-01&to=2026-11-30', {
      accept: 'text/csv',
    });
    expect(byAccept.body).toContain(`2026-11,${groupId},G-TEST,'=1+2,"Groupe, ""test""",luminaires,10.5`);
  });

  it('keeps the tariff it is given, audited, and refuses one that leaves an hour unpriced', async () => {
    const bands = [
      { code: 'day', priceMadPerKwh: 1 },
      { code: 'night', priceMadPerKwh: 2 },
    ];
    const hourBands = Array.from({ length: 24 }, (_, h) => (h >= 7 && h < 19 ? 'day' : 'night'));
    const refused = [
      { bands, hourBands: hourBands.map((b, h) => (h === 3 ? 'peak' : b)), co2KgPerKwh: 0.5 },
      { bands: [...bands, { code: 'day', priceMadPerKwh: 3 }], hourBands, co2KgPerKwh: 0.5 },
      { bands, hourBands: hourBands.slice(1), co2KgPerKwh: 0.5 },
      { bands, hourBands, co2KgPerKwh: -1 },
      { bands: [{ code: 'day', priceMadPerKwh: -1 }], hourBands, co2KgPerKwh: 0.5 },
      { bands, hourBands, co2KgPerKwh: 0.5, sourceNote: 'x'.repeat(501) },
      { bands, hourBands, co2KgPerKwh: 0.5, sourceNote: 'bell\u0007' },
      { bands, hourBands, co2KgPerKwh: '0.5' },
      { bands, hourBands, co2KgPerKwh: 0.5, extra: true },
    ];
    for (const body of refused) expect((await send('PUT', supervisor, '/api/v1/lighting/energy/settings', body)).statusCode).toBe(400);
    expect((await send('PUT', viewer, '/api/v1/lighting/energy/settings', { bands, hourBands, co2KgPerKwh: 0.5 })).statusCode).toBe(403);
    expect((await send('PUT', null, '/api/v1/lighting/energy/settings', { bands, hourBands, co2KgPerKwh: 0.5 })).statusCode).toBe(401);
    const stored = await inCommune(
      async (trx) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM lighting.energy_settings`.execute(trx)).rows[0]!.n,
    );
    expect(stored).toBe(0);

    const saved = await send('PUT', supervisor, '/api/v1/lighting/energy/settings', {
      bands,
      hourBands,
      co2KgPerKwh: 0.5,
      sourceNote: 'Contrat 2026',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ isExample: false, co2KgPerKwh: 0.5, sourceNote: 'Contrat 2026' });
    const res = await get(viewer, '/api/v1/lighting/energy?groupBy=group&period=day&from=2026-11-10&to=2026-11-10');
    // All of the 10th's energy was drawn before 07 h or from 07 h to 10 h: 6.5 × 2 + 3 × 1 = 16 MAD.
    expect(res.json().items.find((r: { unit: { id: string } }) => r.unit.id === groupId)).toMatchObject({ costMad: 16, co2Kg: 4.75 });
    const audit = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM platform.audit_event WHERE action = 'lighting.energy.settings'`.execute(app.database.db.kysely);
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('refuses bad queries and callers without the permission', async () => {
    const bad = [
      'groupBy=street&period=day&from=2026-11-01&to=2026-11-02',
      'groupBy=cabinet&period=week&from=2026-11-01&to=2026-11-02',
      'groupBy=cabinet&period=day&from=2026-11-05&to=2026-11-01',
      'groupBy=cabinet&period=day&from=2026-01-01&to=2026-12-31',
      'groupBy=cabinet&period=month&from=2020-01-01&to=2026-12-31',
      'groupBy=cabinet&period=day&from=2026-02-30&to=2026-03-01',
      'groupBy=cabinet&period=day&from=yesterday&to=2026-03-01',
      'groupBy=cabinet&period=day&from=2026-11-01',
      'groupBy=cabinet&period=day&from=2026-11-01&to=2026-11-02&format=xlsx',
      `groupBy=cabinet&period=day&from=2026-11-01&to=2026-11-02&x=${'a'.repeat(5000)}`,
    ];
    for (const q of bad) expect((await get(viewer, `/api/v1/lighting/energy?${q}`)).statusCode, q).toBe(400);
    const tooLong = await get(viewer, '/api/v1/lighting/energy?groupBy=cabinet&period=day&from=2026-01-01&to=2026-12-31');
    expect(tooLong.json().errors).toEqual([{ pointer: '/query/to', detail: expect.stringContaining('92') }]);
    const ok = 'groupBy=cabinet&period=day&from=2026-11-01&to=2026-11-02';
    expect((await get(null, `/api/v1/lighting/energy?${ok}`)).statusCode).toBe(401);
    expect((await get(contractor, `/api/v1/lighting/energy?${ok}`)).statusCode).toBe(403);
    // The rollup: staff who manage energy only, a bounded range, nothing written when refused.
    const before = await storedDays();
    expect((await send('POST', viewer, '/api/v1/lighting/energy/rollup', { from: '2026-11-01', to: '2026-11-02' })).statusCode).toBe(403);
    expect((await rollup('2026-11-10', '2026-11-01')).statusCode).toBe(400);
    expect((await rollup('2026-01-01', '2026-11-01')).statusCode).toBe(400);
    expect(await storedDays()).toBe(before);
  });

  it('simulates a retrofit at the commune’s night hours and tariff, and refuses bad lamps', async () => {
    const body = {
      from: { technology: 'HPS', watts: 150, count: 100 },
      to: { technology: 'LED', watts: 60, priceMadPerUnit: 2500 },
      hoursPerYear: 4000,
    };
    const res = await send('POST', viewer, '/api/v1/lighting/energy/retrofit', body);
    expect(res.statusCode).toBe(200);
    // The commune's own tariff (set above): 2 MAD at night hours, 1 by day, weighted by the dark hours.
    const r = res.json();
    expect(r).toMatchObject({
      hoursPerYear: 4000,
      kwhPerYearBefore: 60000,
      kwhPerYearAfter: 24000,
      co2KgPerYearSaved: 18000,
      investmentMad: 250000,
    });
    expect(r.madPerYearSaved).toBeCloseTo(36000 * r.priceMadPerKwh, 1);
    const byNight = await send('POST', viewer, '/api/v1/lighting/energy/retrofit', { from: body.from, to: body.to });
    expect(byNight.json().hoursPerYear).toBeGreaterThan(4250);
    const bad = [
      { ...body, from: { ...body.from, watts: -150 } },
      { ...body, from: { ...body.from, watts: 0 } },
      { ...body, to: { ...body.to, watts: 1e9 } },
      { ...body, from: { ...body.from, count: 1.5 } },
      { ...body, from: { ...body.from, count: 0 } },
      { ...body, from: { ...body.from, technology: 'candle' } },
      { ...body, to: { ...body.to, priceMadPerUnit: -1 } },
      { ...body, hoursPerYear: 9000 },
      { ...body, hoursPerYear: '4000' },
      { ...body, to: { technology: 'LED', watts: 60 } },
    ];
    for (const b of bad)
      expect((await send('POST', viewer, '/api/v1/lighting/energy/retrofit', b)).statusCode, JSON.stringify(b)).toBe(400);
    expect((await send('POST', null, '/api/v1/lighting/energy/retrofit', body)).statusCode).toBe(401);
    expect((await send('POST', contractor, '/api/v1/lighting/energy/retrofit', body)).statusCode).toBe(403);
  });
});
