import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
let admin: Session;
let viewer: Session;
let departmentId: string;
let userId: string;
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT: '4096' });
  admin = await loginAs(t, 'admin');
  viewer = await loginAs(t, 'viewer');
  departmentId = (await t.app.inject({ url: '/api/v1/org/departments', headers: as(admin) })).json().items[0].id;
  userId = (await t.app.inject({ url: '/api/v1/me', headers: as(admin) })).json().user.id;
});
afterAll(() => t.close());

/** Rows in every table a write could touch: bad input must leave them all unchanged. */
async function snapshot() {
  const rows = await sql<{ n: string }>`
    SELECT (SELECT count(*) FROM platform.audit_event) + (SELECT count(*) FROM platform.department)
         + (SELECT count(*) FROM platform.user_account) + (SELECT count(*) FROM platform.api_key)
         + (SELECT count(*) FROM platform.job) AS n,
           (SELECT string_agg(md5(u::text), '' ORDER BY id) FROM platform.user_account u) AS users,
           (SELECT string_agg(md5(d::text), '' ORDER BY id) FROM platform.department d) AS departments`.execute(t.database.db.kysely);
  return rows.rows[0];
}

const writes: {
  method: 'POST' | 'PATCH';
  label: string;
  url: () => string;
  valid: () => Record<string, unknown>;
  wrongType: Record<string, unknown>;
  required?: string;
}[] = [
  {
    method: 'POST',
    label: '/api/v1/auth/password',
    url: () => '/api/v1/auth/password',
    valid: () => ({ currentPassword: 'x', newPassword: 'y' }),
    wrongType: { currentPassword: 12, newPassword: 'y' },
    required: 'currentPassword',
  },
  {
    method: 'POST',
    label: '/api/v1/org/departments',
    url: () => '/api/v1/org/departments',
    valid: () => ({ code: 'ok', name: { fr: 'Ok' } }),
    wrongType: { code: 'ok', name: 'not an object' },
    required: 'code',
  },
  {
    method: 'PATCH',
    label: '/api/v1/org/departments/:id',
    url: () => `/api/v1/org/departments/${departmentId}`,
    valid: () => ({ name: { fr: 'Ok' } }),
    wrongType: { parentId: 'not-a-uuid' },
  },
  {
    method: 'POST',
    label: '/api/v1/org/users',
    url: () => '/api/v1/org/users',
    valid: () => ({ email: 'a@b.example', displayName: 'A', role: 'agent', password: 'long-enough-pass' }),
    wrongType: { email: 'a@b.example', displayName: 'A', role: 'emperor', password: 'long-enough-pass' },
    required: 'email',
  },
  {
    method: 'PATCH',
    label: '/api/v1/org/users/:id',
    url: () => `/api/v1/org/users/${userId}`,
    valid: () => ({ displayName: 'A' }),
    wrongType: { active: 'maybe' },
  },
  {
    method: 'POST',
    label: '/api/v1/org/api-keys',
    url: () => '/api/v1/org/api-keys',
    valid: () => ({ name: 'k', permissions: [] }),
    wrongType: { name: 'k', permissions: 'all' },
    required: 'permissions',
  },
];

describe('bad input on every write endpoint gets a clear problem and changes nothing', () => {
  for (const w of writes) {
    it(`${w.method} ${w.label}`, async () => {
      const before = await snapshot();
      const send = (payload: string, contentType = 'application/json') =>
        t.app.inject({ method: w.method, url: w.url(), headers: { ...as(admin), 'content-type': contentType }, payload });

      const malformed = await send('{"code": ');
      expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'malformed_body']);
      expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);

      const wrongType = await send(JSON.stringify(w.wrongType));
      expect([wrongType.statusCode, wrongType.json().code]).toEqual([400, 'validation_failed']);
      expect(wrongType.json().errors[0].pointer).toMatch(/^\/body\//);

      if (w.required) {
        const { [w.required]: _, ...missing } = w.valid();
        const response = await send(JSON.stringify(missing));
        expect(response.statusCode).toBe(400);
        expect(response.json().errors).toContainEqual(expect.objectContaining({ pointer: `/body/${w.required}` }));
      }

      const unknown = await send(JSON.stringify({ ...w.valid(), isAdmin: true }));
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors).toContainEqual(expect.objectContaining({ pointer: '/body/isAdmin' }));

      const oversized = await send(JSON.stringify({ ...w.valid(), padding: 'x'.repeat(5000) }));
      expect([oversized.statusCode, oversized.json().code]).toEqual([413, 'body_too_large']);

      const form = await send('code=ok', 'application/x-www-form-urlencoded');
      expect([form.statusCode, form.json().code]).toEqual([415, 'unsupported_media_type']);

      const anonymous = await t.app.inject({ method: w.method, url: w.url(), payload: w.valid() });
      expect(anonymous.statusCode).toBe(401);
      if (!w.url().startsWith('/api/v1/auth/')) {
        const forbidden = await t.app.inject({ method: w.method, url: w.url(), headers: as(viewer), payload: w.valid() });
        expect(forbidden.statusCode).toBe(403);
      }
      expect(await snapshot()).toEqual(before);
    });
  }

  it('POST /api/v1/auth/login refuses malformed, incomplete and oversized sign-ins without counting them', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.login_attempt`.execute(t.database.db.kysely);
    const send = (payload: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload });
    expect((await send('not json')).json().code).toBe('malformed_body');
    expect((await send('{"email":"admin@berkane.example"}')).json().errors[0].pointer).toBe('/body/password');
    expect((await send(JSON.stringify({ email: 'admin@berkane.example', password: 'x'.repeat(300) }))).json().errors[0].pointer).toBe(
      '/body/password',
    );
    expect((await send(JSON.stringify({ email: 'a@b.c', password: 'x', padding: 'y'.repeat(5000) }))).statusCode).toBe(413);
    expect((await send('[]')).statusCode).toBe(400);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.login_attempt`.execute(t.database.db.kysely);
    expect(after.rows).toEqual(before.rows);
  });

  it('refuses a malformed path id, an unknown query parameter and an out-of-range page', async () => {
    const badId = await t.app.inject({ url: '/api/v1/org/departments/42', headers: as(admin) });
    expect([badId.statusCode, badId.json().errors[0].pointer]).toEqual([400, '/path/id']);
    const unknownParam = await t.app.inject({ url: '/api/v1/org/users?orderBy=password_hash', headers: as(admin) });
    expect([unknownParam.statusCode, unknownParam.json().errors[0].pointer]).toEqual([400, '/query/orderBy']);
    const negative = await t.app.inject({ url: '/api/v1/org/users?limit=-1', headers: as(admin) });
    expect([negative.statusCode, negative.json().errors[0].pointer]).toEqual([400, '/query/limit']);
  });

  it('treats hostile strings as data', async () => {
    const search = await t.app.inject({
      url: `/api/v1/org/users?q=${encodeURIComponent("' OR 1=1; DROP TABLE platform.user_account; --")}`,
      headers: as(admin),
    });
    expect(search.statusCode).toBe(200);
    expect(search.json().items).toEqual([]);
    const wildcard = await t.app.inject({ url: '/api/v1/org/users?q=%25', headers: as(admin) });
    expect(wildcard.json().items).toEqual([]);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: "admin@berkane.example' --", password: 'x' },
    });
    expect(login.statusCode).toBe(401);
  });

  it('keeps a well-formed request id and replaces a hostile one', async () => {
    const kept = await t.app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await t.app.inject({ url: '/health', headers: { 'x-request-id': 'a\u0000b<script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a localized 404 problem', async () => {
    const response = await t.app.inject({ url: '/api/v1/nothing-here', headers: { 'accept-language': 'fr-MA,fr;q=0.9' } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'not_found', title: 'Introuvable' });
  });
});

describe('commune resolution', () => {
  it('refuses requests for a commune that does not exist', async () => {
    const other = await createTestApp({ DEFAULT_COMMUNE: 'atlantis' });
    try {
      const response = await other.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'admin@berkane.example', password: 'berkane-demo-2026' },
      });
      expect([response.statusCode, response.json().code]).toEqual([404, 'unknown_commune']);
      expect((await other.app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });
});
