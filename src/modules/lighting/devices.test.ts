import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { connectDevice } from '../../../test/helpers/telemetry.js';
import { withCommune } from '../../platform/db/tenant.js';

/** Staff provision lamp and cabinet controllers: a secret shown once, lists, disable, new secret. */
describe('lighting device provisioning', () => {
  let app: TestApp;
  let admin: Session;
  let technician: Session;
  let viewer: Session;
  let luminaireId: string;
  let cabinetId: string;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await loginAs(app, 'admin');
    technician = await loginAs(app, 'technician');
    viewer = await loginAs(app, 'viewer');
    const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(app.database.db.kysely);
    const berkane = rows[0]!.id;
    // A luminaire and a cabinet of the demo inventory, freed from their demo controllers.
    await withCommune(app.database.db, berkane, async (trx) => {
      const l = await sql<{ id: string }>`UPDATE lighting.luminaire SET device_id = NULL WHERE code = 'L-00007' RETURNING id`.execute(trx);
      const c = await sql<{ id: string }>`UPDATE lighting.cabinet SET device_id = NULL WHERE code = 'ARM-003' RETURNING id`.execute(trx);
      luminaireId = l.rows[0]!.id;
      cabinetId = c.rows[0]!.id;
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (session: Session | null, url: string, payload?: Record<string, unknown>) =>
    app.app.inject({ method: 'POST', url, headers: session ? as(session) : {}, ...(payload === undefined ? {} : { payload }) });
  const get = (session: Session | null, url: string) =>
    app.app.inject({ method: 'GET', url, headers: session ? { cookie: session.cookie } : {} });

  it('creates a controller fitted to a luminaire and shows its secret once', async () => {
    const created = await post(technician, '/api/v1/lighting/devices', {
      kind: 'luminaire',
      id: 'prov-lum-1',
      name: 'Nœud L-00007',
      luminaireId,
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.device).toMatchObject({
      id: 'prov-lum-1',
      kind: 'luminaire',
      enabled: true,
      provisioned: true,
      fittedTo: { type: 'luminaire', id: luminaireId, code: 'L-00007' },
    });
    expect(body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.mqtt).toEqual({
      username: 'prov-lum-1',
      clientId: 'prov-lum-1',
      telemetryTopic: 'madina/berkane/luminaire/prov-lum-1/telemetry',
      stateTopic: 'madina/berkane/luminaire/prov-lum-1/state',
      commandsTopic: 'madina/berkane/luminaire/prov-lum-1/commands',
    });
    const detail = await get(viewer, '/api/v1/lighting/devices/prov-lum-1');
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(body.secret);
    expect(detail.json()).toMatchObject({ id: 'prov-lum-1', state: null, lastSeenAt: null });
    const list = await get(viewer, '/api/v1/lighting/devices?kind=luminaire&limit=200');
    expect(list.body).not.toContain(body.secret);
    // Neither the secret nor its hash reaches the audit log.
    const audit = await sql<{
      after: string;
    }>`SELECT after::text AS after FROM platform.audit_event WHERE action = 'lighting.device.create' AND entity_id = 'prov-lum-1'`.execute(
      app.database.db.kysely,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]?.after).not.toContain(body.secret);
    expect(audit.rows[0]?.after).not.toMatch(/argon2/);
    const stored = await sql<{ h: string }>`SELECT secret_hash AS h FROM platform.device WHERE id = 'prov-lum-1'`.execute(
      app.database.db.kysely,
    );
    expect(stored.rows[0]?.h).toMatch(/^\$argon2id\$/);
  });

  it('fits a cabinet controller and generates an id when none is given', async () => {
    const created = await post(admin, '/api/v1/lighting/devices', { kind: 'cabinet', cabinetId });
    expect(created.statusCode).toBe(201);
    expect(created.json().device.id).toMatch(/^cab-[a-z2-7]{12}$/);
    expect(created.json().device.fittedTo).toMatchObject({ type: 'cabinet', code: 'ARM-003' });
  });

  it('refuses bad input with a 400 or 409 and stores nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ kind: 'luminaire', id: 'Bad Id' }, 400, '/body/id'],
      [{ kind: 'luminaire', id: 'ab' }, 400, '/body/id'],
      [{ kind: 'streetbin' }, 400, '/body/kind'],
      [{ kind: 'luminaire', secret: 'mine' }, 400, '/body/secret'],
      [{ kind: 'luminaire', id: 'prov-x-1', luminaireId: '00000000-0000-4000-8000-000000000000' }, 400, '/body/luminaireId'],
      [{ kind: 'luminaire', id: 'prov-x-2', luminaireId }, 400, '/body/luminaireId'], // already fitted
      [{ kind: 'cabinet', id: 'prov-x-3', luminaireId }, 400, '/body/luminaireId'],
      [{ kind: 'luminaire', id: 'prov-lum-1' }, 409, ''],
      [{ kind: 'luminaire', id: 'berkane-l-00001' }, 409, ''], // a demo controller's id
    ];
    for (const [payload, status, pointer] of cases) {
      const response = await post(admin, '/api/v1/lighting/devices', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      if (pointer) expect(response.json().errors?.[0]?.pointer, JSON.stringify(payload)).toBe(pointer);
    }
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.device WHERE id LIKE 'prov-x-%'`.execute(
      app.database.db.kysely,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('lets staff read and only managers provision', async () => {
    expect((await post(null, '/api/v1/lighting/devices', { kind: 'luminaire' })).statusCode).toBe(401);
    expect((await get(null, '/api/v1/lighting/devices')).statusCode).toBe(401);
    expect((await post(viewer, '/api/v1/lighting/devices', { kind: 'luminaire' })).statusCode).toBe(403);
    expect((await post(viewer, '/api/v1/lighting/devices/prov-lum-1/disable')).statusCode).toBe(403);
    expect((await post(viewer, '/api/v1/lighting/devices/prov-lum-1/secret')).statusCode).toBe(403);
    expect((await get(await loginAs(app, 'contractor'), '/api/v1/lighting/devices')).statusCode).toBe(403);
    expect((await get(viewer, '/api/v1/lighting/devices')).statusCode).toBe(200);
    expect((await get(viewer, '/api/v1/lighting/devices/no-such-device')).statusCode).toBe(404);
  });

  it('lists the demo controllers by kind, with paging and totals', async () => {
    const cabinets = (await get(viewer, '/api/v1/lighting/devices?kind=cabinet&limit=10&offset=5')).json();
    expect(cabinets.page).toEqual({ total: 41, limit: 10, offset: 5 });
    expect(cabinets.items).toHaveLength(10);
    expect(cabinets.items.every((d: { kind: string }) => d.kind === 'cabinet')).toBe(true);
    const luminaires = (await get(viewer, '/api/v1/lighting/devices?kind=luminaire&limit=3')).json();
    expect(luminaires.page.total).toBe(3001);
    expect(luminaires.items[0]).toMatchObject({
      id: 'berkane-l-00001',
      isDemo: true,
      provisioned: false,
      fittedTo: { type: 'luminaire', code: 'L-00001' },
    });
  });

  it('disables and enables a controller, with the change audited', async () => {
    const off = await post(technician, '/api/v1/lighting/devices/prov-lum-1/disable');
    expect(off.statusCode).toBe(200);
    expect(off.json().enabled).toBe(false);
    expect((await post(technician, '/api/v1/lighting/devices/prov-lum-1/enable')).json().enabled).toBe(true);
    const { rows } = await sql<{ action: string }>`
      SELECT action FROM platform.audit_event WHERE entity_id = 'prov-lum-1' ORDER BY id`.execute(app.database.db.kysely);
    expect(rows.map((r) => r.action)).toEqual(['lighting.device.create', 'lighting.device.disable', 'lighting.device.enable']);
    expect((await post(technician, '/api/v1/lighting/devices/no-such-device/disable')).statusCode).toBe(404);
  });

  it('gives a demo controller its first secret, and it can then connect', async () => {
    await app.platform.telemetry.start();
    try {
      const renewed = await post(admin, '/api/v1/lighting/devices/berkane-l-00002/secret');
      expect(renewed.statusCode).toBe(200);
      expect(renewed.json().device.provisioned).toBe(true);
      const client = await connectDevice(`mqtt://127.0.0.1:${app.platform.telemetry.port}`, 'berkane-l-00002', renewed.json().secret);
      expect(client.connected).toBe(true);
      await client.endAsync();
    } finally {
      await app.platform.telemetry.stop();
    }
  });
});
