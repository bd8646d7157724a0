import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { multipart } from '../../../test/helpers/multipart.js';

let t: TestApp;
let supervisor: Session;
let contractor: Session;
let technician: Session;
let viewer: Session;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await loginAs(t, 'supervisor');
  contractor = await loginAs(t, 'contractor');
  technician = await loginAs(t, 'technician');
  viewer = await loginAs(t, 'viewer');
  const { rows } = await sql<{ key: string; id: string }>`
    SELECT role AS key, id::text FROM platform.user_account WHERE is_demo
    UNION ALL SELECT code, id::text FROM platform.department`.execute(t.database.db.kysely);
  for (const r of rows) ids[r.key] = r.id;
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);

async function create(payload: object, session = supervisor) {
  const response = await inject({ method: 'POST', url: '/api/v1/workorders', headers: as(session), payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function counts() {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*)::int FROM workorders.work_order) AS orders,
           (SELECT count(*)::int FROM workorders.photo) AS photos,
           (SELECT count(*)::int FROM platform.audit_event) AS audit`.execute(t.database.db.kysely);
  return rows[0];
}

describe('work orders', () => {
  it('are planned with a checklist, assigned to a contractor, and only that contractor sees them', async () => {
    const wo = await create({
      title: 'Vider les conteneurs du marché',
      departmentId: ids.proprete,
      contractorId: ids.contractor,
      priority: 'urgent',
      checklist: [
        { label: 'Vider', done: false },
        { label: 'Laver', done: false },
      ],
    });
    expect(wo).toMatchObject({ status: 'open', priority: 'urgent', contractor: { id: ids.contractor } });
    const other = await create({ title: 'Réparer le candélabre', departmentId: ids.eclairage });
    const seen = (await inject({ url: '/api/v1/workorders', headers: as(contractor) })).json();
    expect(seen.items.map((w: { id: string }) => w.id)).toEqual([wo.id]);
    expect((await inject({ url: `/api/v1/workorders/${other.id}`, headers: as(contractor) })).statusCode).toBe(404);

    const done = await inject({
      method: 'POST',
      url: `/api/v1/workorders/${wo.id}/complete`,
      headers: as(contractor),
      payload: {
        note: 'Fait',
        location: null,
        checklist: [
          { label: 'Vider', done: true },
          { label: 'Laver', done: true },
        ],
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', completion: { note: 'Fait' } });
    // Done is done: completing again is refused.
    const again = await inject({
      method: 'POST',
      url: `/api/v1/workorders/${wo.id}/complete`,
      headers: as(contractor),
      payload: { note: 'x', location: null },
    });
    expect(again.statusCode).toBe(409);
  });

  it('take site photos, re-encoded, from those who do the work', async () => {
    const wo = await create({ title: 'Remplacer la lampe', departmentId: ids.eclairage, assigneeId: ids.technician });
    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const body = multipart([{ name: 'photo', filename: 'site.jpg', type: 'image/jpeg', data: photo }]);
    const response = await inject({
      method: 'POST',
      url: `/api/v1/workorders/${wo.id}/photos`,
      payload: body.payload,
      headers: { ...body.headers, ...as(technician) },
    });
    expect(response.statusCode, response.body).toBe(201);
    const [stored] = response.json().photos;
    const image = await inject({ url: stored.url, headers: as(technician) });
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(image.rawPayload).metadata()).width).toBe(400);
    // A viewer may look but not add.
    const before = await counts();
    const refused = await inject({
      method: 'POST',
      url: `/api/v1/workorders/${wo.id}/photos`,
      payload: body.payload,
      headers: { ...body.headers, ...as(viewer) },
    });
    expect(refused.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe('field staff', () => {
  it('may start the work order they do and tick its checklist, and nothing else', async () => {
    const wo = await create({
      title: 'Réparer',
      departmentId: ids.eclairage,
      assigneeId: ids.technician,
      checklist: [{ label: 'Câble', done: false }],
    });
    const patch = (payload: object) => inject({ method: 'PATCH', url: `/api/v1/workorders/${wo.id}`, headers: as(technician), payload });
    const started = await patch({ status: 'in_progress', checklist: [{ label: 'Câble', done: true }] });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ status: 'in_progress', checklist: [{ label: 'Câble', done: true }] });
    const before = await counts();
    expect((await patch({ priority: 'urgent' })).statusCode).toBe(403);
    expect((await patch({ status: 'cancelled' })).statusCode).toBe(403);
    expect((await patch({ checklist: [] })).statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe('assignees', () => {
  it("lists the staff and contractors of the caller's departments, not viewers", async () => {
    const { items } = (await inject({ url: '/api/v1/workorders/assignees', headers: as(supervisor) })).json();
    const roles = items.map((u: { role: string }) => u.role);
    expect(roles).toEqual(expect.arrayContaining(['technician', 'contractor', 'supervisor']));
    expect(roles).not.toContain('viewer');
    expect((await inject({ url: '/api/v1/workorders/assignees', headers: as(technician) })).statusCode).toBe(403);
  });
});

describe('bad input is refused and nothing changes', () => {
  const cases: [string, () => object, number][] = [
    ['an empty title', () => ({ title: '' }), 400],
    ['a title over 200 characters', () => ({ title: 'x'.repeat(201) }), 400],
    ['an unknown priority', () => ({ title: 'A', priority: 'whenever' }), 400],
    ['a latitude out of range', () => ({ title: 'A', location: { lat: 100, lon: 0 } }), 400],
    ['a viewer as assignee', () => ({ title: 'A', departmentId: ids.eclairage, assigneeId: ids.viewer }), 400],
    ['a staff member as contractor', () => ({ title: 'A', departmentId: ids.eclairage, contractorId: ids.technician }), 400],
    ['an unknown department', () => ({ title: 'A', departmentId: '00000000-0000-4000-8000-000000000000' }), 400],
    ['an unknown field', () => ({ title: 'A', cost: 12 }), 400],
    ['51 checklist items', () => ({ title: 'A', checklist: Array.from({ length: 51 }, () => ({ label: 'x', done: false })) }), 400],
  ];
  for (const [name, payload, status] of cases) {
    it(`refuses ${name}`, async () => {
      const before = await counts();
      const response = await inject({ method: 'POST', url: '/api/v1/workorders', headers: as(supervisor), payload: payload() });
      expect(response.statusCode, response.body).toBe(status);
      expect(await counts()).toEqual(before);
    });
  }

  it('refuses planning to a contractor, a technician or nobody', async () => {
    const before = await counts();
    expect((await inject({ method: 'POST', url: '/api/v1/workorders', headers: as(contractor), payload: { title: 'A' } })).statusCode).toBe(
      403,
    );
    expect((await inject({ method: 'POST', url: '/api/v1/workorders', headers: as(technician), payload: { title: 'A' } })).statusCode).toBe(
      403,
    );
    expect((await inject({ method: 'POST', url: '/api/v1/workorders', payload: { title: 'A' } })).statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('refuses a completion with a checklist of another length, and a move that is not allowed', async () => {
    const wo = await create({ title: 'A', departmentId: ids.eclairage, checklist: [{ label: 'x', done: false }] });
    const before = await counts();
    const wrong = await inject({
      method: 'POST',
      url: `/api/v1/workorders/${wo.id}/complete`,
      headers: as(supervisor),
      payload: { note: 'ok', location: null, checklist: [] },
    });
    expect(wrong.statusCode).toBe(400);
    await inject({ method: 'PATCH', url: `/api/v1/workorders/${wo.id}`, headers: as(supervisor), payload: { status: 'cancelled' } });
    const after = await counts();
    expect(after?.audit).toBe((before?.audit ?? 0) + 1);
    const move = await inject({
      method: 'PATCH',
      url: `/api/v1/workorders/${wo.id}`,
      headers: as(supervisor),
      payload: { status: 'in_progress' },
    });
    expect(move.statusCode).toBe(409);
    expect(await counts()).toEqual(after);
  });
});
