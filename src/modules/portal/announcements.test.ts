import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { ROLES } from '../../platform/auth/permissions.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';

let t: TestApp;
let admin: Session;
let agent: Session;
beforeAll(async () => {
  // A small body limit, so that an oversized body is cheap to send (and still larger than any test's valid body).
  t = await createTestApp({ BODY_LIMIT: '65536' });
  admin = await loginAs(t, 'admin');
  agent = await loginAs(t, 'agent');
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);
const publicList = async (query = '') => (await inject({ url: `/api/v1/portal/announcements${query}` })).json();
const publicIds = async () => (await publicList('?limit=200')).items.map((a: { id: string }) => a.id) as string[];

async function create(session: Session, payload: object) {
  const response = await inject({ method: 'POST', url: '/api/v1/portal/announcements', headers: as(session), payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function patch(session: Session, id: string, payload: object) {
  const response = await inject({ method: 'PATCH', url: `/api/v1/portal/announcements/${id}`, headers: as(session), payload });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Announcements and audit entries: a refused write must leave both unchanged. */
async function snapshot() {
  const { rows } = await sql<{ announcements: number; audit: number; digest: string | null }>`
    SELECT (SELECT count(*)::int FROM portal.announcement) AS announcements,
           (SELECT count(*)::int FROM platform.audit_event) AS audit,
           (SELECT string_agg(md5(a::text), '' ORDER BY id) FROM portal.announcement a) AS digest`.execute(t.database.db.kysely);
  return rows[0];
}

describe('the public list', () => {
  it("shows the demo's welcome announcement without sign-in, marked as demonstration, without its author", async () => {
    const response = await inject({ url: '/api/v1/portal/announcements' });
    expect(response.statusCode).toBe(200);
    const welcome = response.json().items.find((a: { isDemo: boolean }) => a.isDemo);
    expect(welcome).toMatchObject({ status: 'published', author: null, isDemo: true });
    expect(welcome.title.fr).toMatch(/démonstration/);
    expect(welcome.body.en).toMatch(/demonstration/);
    expect(welcome.title.ar).toBeTruthy();
    expect(Date.parse(welcome.publishedAt)).toBeLessThanOrEqual(Date.now());
    expect(response.json().page).toMatchObject({ limit: 50, offset: 0 });
  });

  it('publishing shows an announcement to the public, archiving hides it, and drafts stay in /manage', async () => {
    const draft = await create(agent, { title: { fr: 'Coupure d’eau' }, body: { fr: 'Texte à venir.' }, status: 'draft' });
    expect(draft).toMatchObject({
      status: 'draft',
      publishedAt: null,
      author: { displayName: "Agent du bureau d'ordre (démo)" },
      isDemo: false,
    });
    expect(await publicIds()).not.toContain(draft.id);
    expect((await inject({ url: `/api/v1/portal/announcements/${draft.id}` })).statusCode).toBe(404);
    const manage = (await inject({ url: '/api/v1/portal/announcements/manage', headers: as(agent) })).json();
    expect(manage.items[0].id).toBe(draft.id); // last changed first
    const drafts = (await inject({ url: '/api/v1/portal/announcements/manage?status=draft', headers: as(agent) })).json();
    expect(drafts.items.every((a: { status: string }) => a.status === 'draft')).toBe(true);

    const published = await patch(agent, draft.id, { status: 'published', body: { fr: 'Le quartier sera privé d’eau mardi.' } });
    expect(published.publishedAt).not.toBeNull();
    const list = await publicList();
    expect(list.items[0]).toMatchObject({ id: draft.id, author: null, body: { fr: 'Le quartier sera privé d’eau mardi.' } });
    expect((await inject({ url: `/api/v1/portal/announcements/${draft.id}` })).json()).toMatchObject({ id: draft.id, author: null });

    const archived = await patch(agent, draft.id, { status: 'archived' });
    expect(archived.status).toBe('archived');
    expect(await publicIds()).not.toContain(draft.id);
    expect((await inject({ url: `/api/v1/portal/announcements/${draft.id}` })).statusCode).toBe(404);
    const archive = (await inject({ url: '/api/v1/portal/announcements/manage?status=archived', headers: as(agent) })).json();
    expect(archive.items.map((a: { id: string }) => a.id)).toContain(draft.id);

    // Published again, it keeps the date of its first publication.
    const again = await patch(agent, draft.id, { status: 'published' });
    expect(again.publishedAt).toBe(published.publishedAt);
    expect(await publicIds()).toContain(draft.id);
  });

  it('lists the newest publication first, with paging', async () => {
    const first = await create(admin, { title: { ar: 'إعلان أول' }, body: { ar: 'نص' }, status: 'published' });
    const second = await create(admin, { title: { ar: 'إعلان ثان' }, body: { ar: 'نص' }, status: 'published' });
    const page = await publicList('?limit=2&offset=0');
    expect(page.items.map((a: { id: string }) => a.id)).toEqual([second.id, first.id]);
    expect(page.page.total).toBeGreaterThanOrEqual(3);
    const next = await publicList('?limit=1&offset=1');
    expect(next.items.map((a: { id: string }) => a.id)).toEqual([first.id]);
    const dates = (await publicList('?limit=200')).items.map((a: { publishedAt: string }) => Date.parse(a.publishedAt));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it('keeps text as plain text, line breaks included, in every language given', async () => {
    const body = { ar: 'السطر الأول\nالسطر الثاني', fr: '<b>pas du HTML</b>\n\tretrait', zgh: 'ⴰⵣⵓⵍ', en: 'a & b < c' };
    const created = await create(admin, { title: { fr: 'Texte brut', zgh: 'ⴰⵣⵓⵍ' }, body, status: 'published' });
    expect(created.body).toEqual(body);
    const listed = (await publicList()).items.find((a: { id: string }) => a.id === created.id);
    expect(listed.body).toEqual(body);
  });
});

describe('who may manage announcements', () => {
  const allowed = ['admin', 'supervisor', 'agent'];
  it('admin, supervisor and agent write and see drafts; the other roles get 403, nobody signed in 401', async () => {
    const { id } = await create(admin, { title: { fr: 'Rôles' }, body: { fr: 'Test' }, status: 'draft' });
    for (const role of ROLES) {
      const s = await loginAs(t, role);
      const post = await inject({
        method: 'POST',
        url: '/api/v1/portal/announcements',
        headers: as(s),
        payload: { title: { fr: `Par ${role}` }, body: { fr: 'Test' }, status: 'draft' },
      });
      const list = await inject({ url: '/api/v1/portal/announcements/manage', headers: as(s) });
      const edit = await inject({
        method: 'PATCH',
        url: `/api/v1/portal/announcements/${id}`,
        headers: as(s),
        payload: { body: { fr: role } },
      });
      const may = allowed.includes(role);
      expect({ role, post: post.statusCode, list: list.statusCode, edit: edit.statusCode }).toEqual({
        role,
        post: may ? 201 : 403,
        list: may ? 200 : 403,
        edit: may ? 200 : 403,
      });
      // The public list is public for everyone, signed in or not.
      expect((await inject({ url: '/api/v1/portal/announcements', headers: as(s) })).statusCode).toBe(200);
    }
    const anonymous = [
      await inject({
        method: 'POST',
        url: '/api/v1/portal/announcements',
        payload: { title: { fr: 'x' }, body: { fr: 'x' }, status: 'draft' },
      }),
      await inject({ url: '/api/v1/portal/announcements/manage' }),
      await inject({ method: 'PATCH', url: `/api/v1/portal/announcements/${id}`, payload: { status: 'published' } }),
    ];
    expect(anonymous.map((r) => [r.statusCode, r.json().code])).toEqual(Array(3).fill([401, 'unauthenticated']));
  });

  it('answers 404 for an unknown announcement and 400 for a malformed id', async () => {
    const missing = await inject({
      method: 'PATCH',
      url: '/api/v1/portal/announcements/00000000-0000-4000-8000-000000000000',
      headers: as(admin),
      payload: { status: 'archived' },
    });
    expect(missing.statusCode).toBe(404);
    const malformed = await inject({ method: 'PATCH', url: '/api/v1/portal/announcements/42', headers: as(admin), payload: {} });
    expect([malformed.statusCode, malformed.json().errors[0].pointer]).toEqual([400, '/path/id']);
  });
});

describe('the audit log', () => {
  it('records create, update, publish and archive with before and after, in the same transaction', async () => {
    const created = await create(agent, { title: { fr: 'Audit' }, body: { fr: 'v1' }, status: 'draft' });
    await patch(agent, created.id, { body: { fr: 'v2' } });
    await patch(agent, created.id, { status: 'published' });
    await patch(agent, created.id, { status: 'archived' });
    // Nothing to change: nothing written.
    await patch(agent, created.id, {});
    const events = (await inject({ url: `/api/v1/audit/events?entityType=announcement&entityId=${created.id}`, headers: as(admin) })).json()
      .items;
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'portal.announcement.archive',
      'portal.announcement.publish',
      'portal.announcement.update',
      'portal.announcement.create',
    ]);
    expect(events[2]).toMatchObject({
      actorType: 'user',
      actorLabel: 'agent@berkane.example',
      before: { body: { fr: 'v1' }, status: 'draft' },
      after: { body: { fr: 'v2' }, status: 'draft' },
    });
    expect(events[1]).toMatchObject({ before: { status: 'draft', publishedAt: null }, after: { status: 'published' } });
    expect(events[1].after.publishedAt).toBeTruthy();
    expect(events[0]).toMatchObject({ before: { status: 'published' }, after: { status: 'archived' } });
    expect(events[3]).toMatchObject({ before: null, after: { title: { fr: 'Audit' }, status: 'draft' } });
  });
});

describe('bad input is refused with the field at fault, and nothing is written', () => {
  const valid = { title: { fr: 'Titre' }, body: { fr: 'Corps' }, status: 'draft' };
  // [label, body, status, pointer]
  const cases: [string, unknown, number, string | null][] = [
    ['a wrong type', { ...valid, title: 'Titre' }, 400, '/body/title'],
    ['a missing field', { title: valid.title, status: 'draft' }, 400, '/body/body'],
    ['an unknown property', { ...valid, isPinned: true }, 400, '/body/isPinned'],
    ['an unknown language', { ...valid, title: { fr: 'Titre', es: 'Título' } }, 400, '/body/title/es'],
    ['an empty multilingual text', { ...valid, title: {} }, 400, '/body/title'],
    ['an empty string', { ...valid, body: { fr: '' } }, 400, '/body/body/fr'],
    ['blank text', { ...valid, body: { fr: ' \n\t ' } }, 400, '/body/body/fr'],
    ['a control character in the body', { ...valid, body: { fr: 'cloche \u0007' } }, 400, '/body/body/fr'],
    ['a NUL in the body', { ...valid, body: { ar: 'نص\u0000' } }, 400, '/body/body/ar'],
    ['a carriage return in the body', { ...valid, body: { fr: 'a\r\nb' } }, 400, '/body/body/fr'],
    ['a line break in the title', { ...valid, title: { fr: 'deux\nlignes' } }, 400, '/body/title/fr'],
    ['a title too long', { ...valid, title: { fr: 'x'.repeat(201) } }, 400, '/body/title/fr'],
    ['a body too long', { ...valid, body: { en: 'x'.repeat(10_001) } }, 400, '/body/body/en'],
    ['an unknown status', { ...valid, status: 'deleted' }, 400, '/body/status'],
    ['created archived', { ...valid, status: 'archived' }, 400, '/body/status'],
    ['an oversized request', { ...valid, padding: 'x'.repeat(70_000) }, 413, null],
  ];

  it('POST /api/v1/portal/announcements', async () => {
    const before = await snapshot();
    const send = (payload: string) =>
      inject({
        method: 'POST',
        url: '/api/v1/portal/announcements',
        headers: { ...as(admin), 'content-type': 'application/json' },
        payload,
      });
    const malformed = await send('{"title": ');
    expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'malformed_body']);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const [label, body, status, pointer] of cases) {
      const response = await send(JSON.stringify(body));
      expect([label, response.statusCode], response.body).toEqual([label, status]);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (pointer) expect(response.json().errors, label).toContainEqual(expect.objectContaining({ pointer }));
    }
    const form = await inject({
      method: 'POST',
      url: '/api/v1/portal/announcements',
      headers: { ...as(admin), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'title=x',
    });
    expect(form.statusCode).toBe(415);
    expect(await snapshot()).toEqual(before);
  });

  it('PATCH /api/v1/portal/announcements/:id', async () => {
    const { id } = await create(admin, valid);
    const before = await snapshot();
    const send = (payload: string) =>
      inject({
        method: 'PATCH',
        url: `/api/v1/portal/announcements/${id}`,
        headers: { ...as(admin), 'content-type': 'application/json' },
        payload,
      });
    expect((await send('not json')).json().code).toBe('malformed_body');
    for (const [label, body, status, pointer] of cases) {
      if (label === 'a missing field' || label === 'created archived') continue; // both are fine in a PATCH
      const response = await send(JSON.stringify(body));
      expect([label, response.statusCode], response.body).toEqual([label, status]);
      if (pointer) expect(response.json().errors, label).toContainEqual(expect.objectContaining({ pointer }));
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an unknown query parameter, an unknown status filter and a negative offset', async () => {
    const unknown = await inject({ url: '/api/v1/portal/announcements?status=draft' });
    expect([unknown.statusCode, unknown.json().errors[0].pointer]).toEqual([400, '/query/status']);
    const status = await inject({ url: '/api/v1/portal/announcements/manage?status=deleted', headers: as(admin) });
    expect([status.statusCode, status.json().errors[0].pointer]).toEqual([400, '/query/status']);
    const offset = await inject({ url: '/api/v1/portal/announcements?offset=-1' });
    expect([offset.statusCode, offset.json().errors[0].pointer]).toEqual([400, '/query/offset']);
  });
});

describe('another commune', () => {
  it("sees none of Berkane's announcements, and cannot reach one by its id", async () => {
    await createCommuneFromArea(t.database.db, 'saidia', { hosts: ['saidia.localhost'] }, { type: 'cli', id: null, label: 'test' });
    const ours = await create(admin, { title: { fr: 'Berkane seulement' }, body: { fr: 'x' }, status: 'published' });
    const host = { host: 'saidia.localhost' };
    const list = await inject({ url: '/api/v1/portal/announcements', headers: host });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ items: [], page: { total: 0, limit: 50, offset: 0 } });
    expect((await inject({ url: `/api/v1/portal/announcements/${ours.id}`, headers: host })).statusCode).toBe(404);
    // A Berkane session means nothing on Saidia's host.
    const edit = await inject({
      method: 'PATCH',
      url: `/api/v1/portal/announcements/${ours.id}`,
      headers: { ...as(admin), ...host },
      payload: { status: 'archived' },
    });
    expect(edit.statusCode).toBe(401);
    expect(await publicIds()).toContain(ours.id);
  });
});
