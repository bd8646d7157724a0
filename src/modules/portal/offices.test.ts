import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { ROLES } from '../../platform/auth/permissions.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';
import { checkHours } from './offices.service.js';

let t: TestApp;
let admin: Session;
let supervisor: Session;
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT: '65536' });
  admin = await loginAs(t, 'admin');
  supervisor = await loginAs(t, 'supervisor');
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);
const publicList = async (headers: Record<string, string> = {}) => (await inject({ url: '/api/v1/portal/offices', headers })).json().items;
const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '08:30', closes: '16:30' }));

async function create(session: Session, payload: object) {
  const response = await inject({ method: 'POST', url: '/api/v1/portal/offices', headers: as(session), payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function snapshot() {
  const { rows } = await sql<{ offices: number; audit: number; digest: string | null }>`
    SELECT (SELECT count(*)::int FROM portal.office) AS offices,
           (SELECT count(*)::int FROM platform.audit_event) AS audit,
           (SELECT string_agg(md5(o::text), '' ORDER BY id) FROM portal.office o) AS digest`.execute(t.database.db.kysely);
  return rows[0];
}

describe('the public list', () => {
  it("shows the demo's two front desks without sign-in, with the public administrations' hours and no invented contact", async () => {
    const response = await inject({ url: '/api/v1/portal/offices' });
    expect(response.statusCode).toBe(200);
    const items = response.json().items;
    expect(items.map((o: { name: { fr: string } }) => o.name.fr)).toEqual(["Bureau d'ordre", "Bureau de l'état civil"]);
    for (const office of items) {
      expect(office).toMatchObject({ address: null, phone: null, email: null, isDemo: true, hours: WEEKDAYS });
      expect(office.name.ar).toBeTruthy();
      expect(office.name.en).toBeTruthy();
    }
    expect(items[0].name).toEqual({ ar: 'مكتب الضبط', fr: "Bureau d'ordre", en: 'Registry office' });
  });

  it('orders by sort order, then by name in the caller’s language', async () => {
    const zeta = await create(admin, { name: { fr: 'Zêta', en: 'Alpha office' }, sortOrder: 50 });
    const alpha = await create(admin, { name: { fr: 'Alpha', en: 'Zulu office' }, sortOrder: 50 });
    const first = await create(admin, { name: { fr: 'Premier' }, sortOrder: 0 });
    const ids = (items: { id: string }[]) => items.map((o) => o.id).filter((id) => [zeta.id, alpha.id, first.id].includes(id));
    expect(ids(await publicList({ 'accept-language': 'fr' }))).toEqual([first.id, alpha.id, zeta.id]);
    expect(ids(await publicList({ 'accept-language': 'en' }))).toEqual([first.id, zeta.id, alpha.id]);
    for (const o of [zeta, alpha, first]) await inject({ method: 'DELETE', url: `/api/v1/portal/offices/${o.id}`, headers: as(admin) });
  });
});

describe('managing offices', () => {
  it('creates with defaults, sorts its hours, updates and deletes — each change audited with before and after', async () => {
    const created = await create(supervisor, {
      name: { ar: 'الشباك الوحيد', fr: 'Guichet unique' },
      hours: [
        { day: 3, opens: '14:00', closes: '16:30' },
        { day: 1, opens: '08:30', closes: '12:00' },
        { day: 3, opens: '08:30', closes: '12:00' },
      ],
    });
    expect(created).toMatchObject({ address: null, phone: null, email: null, note: null, sortOrder: 0, isDemo: false });
    expect(created.hours).toEqual([
      { day: 1, opens: '08:30', closes: '12:00' },
      { day: 3, opens: '08:30', closes: '12:00' },
      { day: 3, opens: '14:00', closes: '16:30' },
    ]);
    expect((await publicList()).map((o: { id: string }) => o.id)).toContain(created.id);

    const updated = await inject({
      method: 'PATCH',
      url: `/api/v1/portal/offices/${created.id}`,
      headers: as(supervisor),
      payload: {
        phone: '+212 5 00 00 00 00',
        email: 'guichet@berkane.example',
        address: { fr: 'Adresse de test\nBerkane' },
        note: { fr: 'Fermé les jours fériés.' },
        hours: WEEKDAYS,
        sortOrder: 9,
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ phone: '+212 5 00 00 00 00', email: 'guichet@berkane.example', hours: WEEKDAYS, sortOrder: 9 });
    const cleared = await inject({
      method: 'PATCH',
      url: `/api/v1/portal/offices/${created.id}`,
      headers: as(supervisor),
      payload: { phone: null, note: null },
    });
    expect(cleared.json()).toMatchObject({ phone: null, note: null, email: 'guichet@berkane.example' });

    const removed = await inject({ method: 'DELETE', url: `/api/v1/portal/offices/${created.id}`, headers: as(supervisor) });
    expect(removed.statusCode).toBe(204);
    expect((await publicList()).map((o: { id: string }) => o.id)).not.toContain(created.id);
    const again = await inject({ method: 'DELETE', url: `/api/v1/portal/offices/${created.id}`, headers: as(supervisor) });
    expect(again.statusCode).toBe(404);

    const events = (await inject({ url: `/api/v1/audit/events?entityType=office&entityId=${created.id}`, headers: as(admin) })).json()
      .items;
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'portal.office.delete',
      'portal.office.update',
      'portal.office.update',
      'portal.office.create',
    ]);
    expect(events[3]).toMatchObject({ actorLabel: 'supervisor@berkane.example', before: null, after: { name: { fr: 'Guichet unique' } } });
    expect(events[2]).toMatchObject({ before: { phone: null, sortOrder: 0 }, after: { phone: '+212 5 00 00 00 00', sortOrder: 9 } });
    expect(events[1]).toMatchObject({ before: { phone: '+212 5 00 00 00 00' }, after: { phone: null } });
    expect(events[0]).toMatchObject({ before: { name: { fr: 'Guichet unique' } }, after: null });
  });

  it('admin and supervisor manage offices; every other role gets 403, nobody signed in 401', async () => {
    const { id } = await create(admin, { name: { fr: 'Bureau des rôles' } });
    for (const role of ROLES) {
      const s = await loginAs(t, role);
      const may = role === 'admin' || role === 'supervisor';
      const post = await inject({
        method: 'POST',
        url: '/api/v1/portal/offices',
        headers: as(s),
        payload: { name: { fr: `Par ${role}` } },
      });
      const edit = await inject({ method: 'PATCH', url: `/api/v1/portal/offices/${id}`, headers: as(s), payload: { sortOrder: 1 } });
      const remove = await inject({ method: 'DELETE', url: `/api/v1/portal/offices/${post.json().id ?? id}`, headers: as(s) });
      expect({ role, post: post.statusCode, edit: edit.statusCode, remove: remove.statusCode }).toEqual({
        role,
        post: may ? 201 : 403,
        edit: may ? 200 : 403,
        remove: may ? 204 : 403,
      });
    }
    const anonymous = [
      await inject({ method: 'POST', url: '/api/v1/portal/offices', payload: { name: { fr: 'x' } } }),
      await inject({ method: 'PATCH', url: `/api/v1/portal/offices/${id}`, payload: { sortOrder: 2 } }),
      await inject({ method: 'DELETE', url: `/api/v1/portal/offices/${id}` }),
    ];
    expect(anonymous.map((r) => r.statusCode)).toEqual([401, 401, 401]);
  });
});

describe('bad input is refused with the field at fault, and nothing is written', () => {
  const valid = { name: { fr: 'Bureau' }, hours: WEEKDAYS };
  const cases: [string, unknown, number, string | null][] = [
    ['a wrong type', { ...valid, name: 'Bureau' }, 400, '/body/name'],
    ['a string for a number', { ...valid, sortOrder: '1' }, 400, '/body/sortOrder'],
    ['an unknown property', { ...valid, website: 'https://example.org' }, 400, '/body/website'],
    [
      'an unknown property in a period',
      { ...valid, hours: [{ day: 1, opens: '08:30', closes: '16:30', lunch: true }] },
      400,
      '/body/hours/0/lunch',
    ],
    ['an empty name', { ...valid, name: {} }, 400, '/body/name'],
    ['a control character in the name', { ...valid, name: { fr: 'Bureau\u001b[31m' } }, 400, '/body/name/fr'],
    ['a control character in the note', { ...valid, note: { ar: 'ملاحظة\u0008' } }, 400, '/body/note/ar'],
    ['day 8', { ...valid, hours: [{ day: 8, opens: '08:30', closes: '16:30' }] }, 400, '/body/hours/0/day'],
    ['day 0', { ...valid, hours: [{ day: 0, opens: '08:30', closes: '16:30' }] }, 400, '/body/hours/0/day'],
    ['a time that is not HH:MM', { ...valid, hours: [{ day: 1, opens: '8h30', closes: '16:30' }] }, 400, '/body/hours/0/opens'],
    ['24:00', { ...valid, hours: [{ day: 1, opens: '08:30', closes: '24:00' }] }, 400, '/body/hours/0/closes'],
    [
      'closing before opening',
      { ...valid, hours: [WEEKDAYS[0], { day: 2, opens: '16:30', closes: '08:30' }] },
      400,
      '/body/hours/1/closes',
    ],
    ['closing when opening', { ...valid, hours: [{ day: 2, opens: '08:30', closes: '08:30' }] }, 400, '/body/hours/0/closes'],
    ['more than 21 periods', { ...valid, hours: Array(22).fill(WEEKDAYS[0]) }, 400, '/body/hours'],
    ['a phone that is not one', { ...valid, phone: 'call the mayor' }, 400, '/body/phone'],
    ['a phone with too few digits', { ...valid, phone: '+(12) 3-4' }, 400, '/body/phone'],
    ['a phone too long', { ...valid, phone: '0'.repeat(21) }, 400, '/body/phone'],
    ['an email that is not one', { ...valid, email: 'not an email' }, 400, '/body/email'],
    ['a negative sort order', { ...valid, sortOrder: -1 }, 400, '/body/sortOrder'],
    ['an oversized request', { ...valid, padding: 'x'.repeat(70_000) }, 413, null],
  ];

  it('POST /api/v1/portal/offices', async () => {
    const before = await snapshot();
    const send = (payload: string) =>
      inject({ method: 'POST', url: '/api/v1/portal/offices', headers: { ...as(admin), 'content-type': 'application/json' }, payload });
    const malformed = await send('{"name": ');
    expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'malformed_body']);
    const missing = await send(JSON.stringify({ hours: WEEKDAYS }));
    expect([missing.statusCode, missing.json().errors[0].pointer]).toEqual([400, '/body/name']);
    for (const [label, body, status, pointer] of cases) {
      const response = await send(JSON.stringify(body));
      expect([label, response.statusCode], response.body).toEqual([label, status]);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (pointer) expect(response.json().errors, label).toContainEqual(expect.objectContaining({ pointer }));
    }
    expect(await snapshot()).toEqual(before);
  });

  it('PATCH /api/v1/portal/offices/:id', async () => {
    const [office] = await publicList();
    const before = await snapshot();
    const send = (payload: string) =>
      inject({
        method: 'PATCH',
        url: `/api/v1/portal/offices/${office.id}`,
        headers: { ...as(admin), 'content-type': 'application/json' },
        payload,
      });
    expect((await send('[')).json().code).toBe('malformed_body');
    for (const [label, body, status, pointer] of cases) {
      const response = await send(JSON.stringify(body));
      expect([label, response.statusCode], response.body).toEqual([label, status]);
      if (pointer) expect(response.json().errors, label).toContainEqual(expect.objectContaining({ pointer }));
    }
    expect(await snapshot()).toEqual(before);
  });

  it('names every period that closes before it opens, in the caller’s language', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/portal/offices',
      headers: { ...as(admin), 'accept-language': 'fr' },
      payload: {
        name: { fr: 'Bureau' },
        hours: [
          { day: 1, opens: '12:00', closes: '08:00' },
          { day: 2, opens: '08:00', closes: '12:00' },
          { day: 3, opens: '12:00', closes: '12:00' },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { pointer: '/body/hours/0/closes', detail: "L'heure de fermeture doit être après l'heure d'ouverture" },
      { pointer: '/body/hours/2/closes', detail: "L'heure de fermeture doit être après l'heure d'ouverture" },
    ]);
    expect(() => checkHours([{ day: 1, opens: '08:00', closes: '08:01' }])).not.toThrow();
  });
});

describe('another commune', () => {
  it("sees none of Berkane's offices and cannot change one", async () => {
    await createCommuneFromArea(t.database.db, 'saidia', { hosts: ['saidia.localhost'] }, { type: 'cli', id: null, label: 'test' });
    const host = { host: 'saidia.localhost' };
    const list = await inject({ url: '/api/v1/portal/offices', headers: host });
    expect([list.statusCode, list.json()]).toEqual([200, { items: [] }]);
    const [berkane] = await publicList();
    const edit = await inject({ method: 'DELETE', url: `/api/v1/portal/offices/${berkane.id}`, headers: { ...as(admin), ...host } });
    expect(edit.statusCode).toBe(401);
    expect((await publicList()).map((o: { id: string }) => o.id)).toContain(berkane.id);
  });
});
