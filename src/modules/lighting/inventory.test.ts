import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { withCommune } from '../../platform/db/tenant.js';

/** The office's inventory: luminaires and cabinets with the live state their controllers last sent. */
describe('lighting inventory', () => {
  let app: TestApp;
  let berkane: string;
  let viewer: Session;
  let l1: { id: string; lon: number; lat: number; cabinetId: string };

  const get = (session: Session | null, url: string) =>
    app.app.inject({ method: 'GET', url, headers: session ? { cookie: session.cookie } : {} });
  const state = (deviceId: string, kind: string, data: Record<string, unknown>, minutesAgo = 0) =>
    withCommune(app.database.db, berkane, async (trx) => {
      await sql`INSERT INTO platform.device_state (commune_id, device_id, kind, observed_at, received_at, data)
                VALUES (${berkane}::uuid, ${deviceId}, ${kind}, now() - make_interval(mins => ${minutesAgo}), now() - make_interval(mins => ${minutesAgo}), ${JSON.stringify(data)}::jsonb)
                ON CONFLICT (commune_id, device_id) DO UPDATE SET data = excluded.data, received_at = excluded.received_at`.execute(trx);
    });

  beforeAll(async () => {
    app = await createTestApp();
    viewer = await loginAs(app, 'viewer');
    berkane = (await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(app.database.db.kysely)).rows[0]!
      .id;
    await withCommune(app.database.db, berkane, async (trx) => {
      l1 = (
        await sql<{ id: string; lon: number; lat: number; cabinetId: string }>`
          SELECT id, ST_X(location) AS lon, ST_Y(location) AS lat, cabinet_id FROM lighting.luminaire WHERE code = 'L-00001'`.execute(trx)
      ).rows[0]!;
      await sql`INSERT INTO lighting.luminaire_reading (commune_id, device_id, observed_at, received_at, power_state, dim_level, power_consumption, energy_consumed)
                VALUES (${berkane}::uuid, 'berkane-l-00001', now() - interval '1 minute', now(), 'on', 50, 61.5, 1234.5)`.execute(trx);
    });
    await state('berkane-l-00001', 'luminaire', { powerState: 'on', dimLevel: 50, powerConsumption: 61.5, faults: [] });
    await state('berkane-l-00002', 'luminaire', { powerState: 'on', dimLevel: 100, faults: [] });
    await state('berkane-l-00003', 'luminaire', { powerState: 'off', faults: [] });
    await state('berkane-l-00004', 'luminaire', { powerState: 'on', dimLevel: 100, faults: ['lamp_failure'] });
    await state('berkane-l-00005', 'luminaire', { powerState: 'on', dimLevel: 100, faults: [] }, 60);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('gives each luminaire its live state: dimmed, on, off, fault, silent', async () => {
    const res = await get(viewer, '/api/v1/lighting/luminaires?limit=5');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.page).toEqual({ total: 3000, limit: 5, offset: 0 });
    expect(body.items.map((l: { code: string; state: string }) => [l.code, l.state])).toEqual([
      ['L-00001', 'dimmed'],
      ['L-00002', 'on'],
      ['L-00003', 'off'],
      ['L-00004', 'fault'],
      ['L-00005', 'silent'],
    ]);
    expect(body.items[0]).toMatchObject({ dimLevel: 50, power: 61.5, faults: [], deviceId: 'berkane-l-00001' });
    expect(body.items[3].faults).toEqual(['lamp_failure']);
  });

  it('filters by state, cabinet, technology and box', async () => {
    const fault = (await get(viewer, '/api/v1/lighting/luminaires?state=fault')).json();
    expect(fault.items.map((l: { code: string }) => l.code)).toEqual(['L-00004']);
    // The demo's other controllers have sent nothing yet: silent.
    expect((await get(viewer, '/api/v1/lighting/luminaires?state=silent&limit=1')).json().page.total).toBe(2996);
    const onCabinet = (await get(viewer, `/api/v1/lighting/luminaires?cabinet=${l1.cabinetId}&limit=200`)).json();
    expect(onCabinet.items.every((l: { cabinet: { id: string } }) => l.cabinet.id === l1.cabinetId)).toBe(true);
    expect(onCabinet.items.map((l: { code: string }) => l.code)).toContain('L-00001');
    const led = (await get(viewer, '/api/v1/lighting/luminaires?technology=LED&limit=200')).json();
    expect(led.page.total).toBeGreaterThan(0);
    expect(led.items.every((l: { technology: string }) => l.technology === 'LED')).toBe(true);
    const bbox = [l1.lon - 1e-5, l1.lat - 1e-5, l1.lon + 1e-5, l1.lat + 1e-5].map((x) => x.toFixed(7)).join(',');
    const box = (await get(viewer, `/api/v1/lighting/luminaires?bbox=${bbox}`)).json();
    expect(box.items.map((l: { code: string }) => l.code)).toEqual(['L-00001']);
  });

  it('serves the whole city as GeoJSON and one lamp with its last readings', async () => {
    const map = await get(viewer, '/api/v1/lighting/luminaires/map');
    expect(map.statusCode).toBe(200);
    expect(map.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = map.json();
    expect(fc.features).toHaveLength(3000);
    expect(fc.features[0]).toEqual({
      type: 'Feature',
      id: l1.id,
      geometry: { type: 'Point', coordinates: [expect.closeTo(l1.lon, 6), expect.closeTo(l1.lat, 6)] },
      properties: { code: 'L-00001', state: 'dimmed' },
    });
    const detail = (await get(viewer, `/api/v1/lighting/luminaires/${l1.id}`)).json();
    expect(detail).toMatchObject({
      code: 'L-00001',
      state: 'dimmed',
      readings: [{ powerState: 'on', dimLevel: 50, powerConsumption: 61.5, energyConsumed: 1234.5 }],
    });
    expect((await get(viewer, '/api/v1/lighting/luminaires/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('lists cabinets with their lamps and state, and the filters’ choices', async () => {
    const cabinets = (await get(viewer, '/api/v1/lighting/cabinets?limit=200')).json();
    expect(cabinets.page.total).toBe(40);
    expect(cabinets.items.reduce((n: number, c: { luminaires: number }) => n + c.luminaires, 0)).toBe(3000);
    expect(cabinets.items[0]).toMatchObject({ code: 'ARM-001', state: 'silent' });
    const facets = (await get(viewer, '/api/v1/lighting/inventory/facets')).json();
    expect(facets.cabinets).toHaveLength(40);
    const counts = Object.fromEntries(facets.states.map((s: { state: string; count: number }) => [s.state, s.count]));
    expect(counts).toEqual({ dimmed: 1, on: 1, off: 1, fault: 1, silent: 2996 });
  });

  it('refuses bad filters and strangers', async () => {
    for (const q of [
      'state=broken',
      'cabinet=ARM-001',
      'group=1',
      'technology=candle',
      'bbox=1,2,3',
      'bbox=-2.3,34.9,-2.4,35.0',
      'bbox=-200,34.9,-2.2,35.0',
      'bbox=a,b,c,d',
      'limit=0',
      'offset=-1',
      'colour=red',
    ]) {
      expect((await get(viewer, `/api/v1/lighting/luminaires?${q}`)).statusCode, q).toBe(400);
    }
    expect((await get(viewer, '/api/v1/lighting/cabinets?state=lit')).statusCode).toBe(400);
    expect((await get(viewer, '/api/v1/lighting/luminaires/not-a-uuid')).statusCode).toBe(400);
    for (const url of [
      '/api/v1/lighting/luminaires',
      '/api/v1/lighting/luminaires/map',
      '/api/v1/lighting/cabinets',
      '/api/v1/lighting/inventory/facets',
    ]) {
      expect((await get(null, url)).statusCode, url).toBe(401);
    }
  });
});
