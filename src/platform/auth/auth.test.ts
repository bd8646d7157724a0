import fs from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, login, loginAs, sessionCookie, type TestApp } from '../../../test/helpers/app.js';
import { DEMO_PASSWORD, demoEmail } from '../../flows/seed-demo.js';
import { withCommune } from '../db/tenant.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);

async function countAttempts(email: string) {
  const { id } = await t.database.db.kysely
    .selectFrom('platform.commune')
    .select('id')
    .where('code', '=', 'berkane')
    .executeTakeFirstOrThrow();
  return withCommune(t.database.db, id, async (trx) =>
    Number(
      (
        await trx
          .selectFrom('platform.loginAttempt')
          .select(sql<number>`count(*)`.as('n'))
          .where('email', '=', email)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );
}

describe('sign-in', () => {
  it('sets an HTTP-only, SameSite session cookie and /me shows the user', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'Admin@Berkane.example ', password: DEMO_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'madina_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await inject({ url: '/api/v1/me', headers: { cookie: sessionCookie(response) } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { email: 'admin@berkane.example', role: 'admin' }, commune: { code: 'berkane' } });
    expect(me.json().permissions).toContain('platform.audit.read');
  });

  it('answers a wrong password and an unknown account the same way', async () => {
    const wrong = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demoEmail('agent'), password: 'not-the-password' },
    });
    const unknown = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@berkane.example', password: 'not-the-password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.cookies).toEqual([]);
  });

  it('locks an email out after repeated failures, whether or not the account exists', async () => {
    for (const email of [demoEmail('inspector'), 'ghost@berkane.example']) {
      for (let i = 0; i < 3; i++) {
        expect(
          (await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'wrong-password' } })).statusCode,
        ).toBe(401);
      }
      const locked = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: DEMO_PASSWORD } });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('login_locked');
      expect(locked.headers['retry-after']).toBe('900');
      expect(locked.cookies).toEqual([]);
    }
    // The lock is per email: another account still signs in.
    expect((await loginAs(t, 'technician')).cookie).toMatch(/^madina_session=/);
    expect(await countAttempts('ghost@berkane.example')).toBe(3);
  });

  it('refuses a session cookie that is unknown', async () => {
    const response = await inject({ url: '/api/v1/me', headers: { cookie: 'madina_session=forged' } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('CSRF protection', () => {
  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const s = await loginAs(t, 'admin');
    const payload = { code: 'csrf_test', name: { fr: 'Test' } };
    const missing = await inject({ method: 'POST', url: '/api/v1/org/departments', headers: { cookie: s.cookie }, payload });
    const wrong = await inject({
      method: 'POST',
      url: '/api/v1/org/departments',
      headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) },
      payload,
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('csrf_failed');
    expect(wrong.statusCode).toBe(403);
    const list = await inject({ url: '/api/v1/org/departments', headers: as(s) });
    expect(list.json().items.map((d: { code: string }) => d.code)).not.toContain('csrf_test');
    const ok = await inject({ method: 'POST', url: '/api/v1/org/departments', headers: as(s), payload });
    expect(ok.statusCode).toBe(201);
  });
});

describe('sign-out and password change', () => {
  it('ends the session on sign-out', async () => {
    const s = await loginAs(t, 'viewer');
    expect((await inject({ method: 'POST', url: '/api/v1/auth/logout', headers: as(s) })).statusCode).toBe(204);
    expect((await inject({ url: '/api/v1/me', headers: as(s) })).statusCode).toBe(401);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/logout', headers: as(s) })).statusCode).toBe(401);
  });

  it('changes the password, ends the other sessions and tells the user by mail', async () => {
    const email = demoEmail('contractor');
    const mine = await login(t, email);
    const other = await login(t, email);
    const wrong = await inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: as(mine),
      payload: { currentPassword: 'nope-nope-nope', newPassword: 'a-new-long-password' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].pointer).toBe('/body/currentPassword');
    const weak = await inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: as(mine),
      payload: { currentPassword: DEMO_PASSWORD, newPassword: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe('weak_password');

    const ok = await inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { ...as(mine), 'accept-language': 'fr' },
      payload: { currentPassword: DEMO_PASSWORD, newPassword: 'a-new-long-password' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await inject({ url: '/api/v1/me', headers: as(mine) })).statusCode).toBe(200);
    expect((await inject({ url: '/api/v1/me', headers: as(other) })).statusCode).toBe(401);
    await expect(login(t, email)).rejects.toThrow(/401/);
    await login(t, email, 'a-new-long-password');

    expect(await t.platform.jobs.drain()).toBeGreaterThanOrEqual(1);
    const dir = path.join(t.config.dataDir, 'mail');
    const mails = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    const mail = mails.find((m) => m.includes(`To: ${email}`));
    expect(mail).toBeDefined();
    expect(mail).toMatch(/Content-Language: fr/);
    expect(mail).toMatch(/Subject: =\?UTF-8\?/);
  });
});

describe('API keys', () => {
  it('authenticates a machine client with a Bearer key, and refuses a bad or revoked one', async () => {
    const admin = await loginAs(t, 'admin');
    const created = await inject({
      method: 'POST',
      url: '/api/v1/org/api-keys',
      headers: as(admin),
      payload: { name: 'open311 client', permissions: ['platform.departments.read'] },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^mdn_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    const me = await inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
    expect(me.json()).toMatchObject({ apiKey: { name: 'open311 client' }, permissions: ['platform.departments.read'] });
    // Scoped to its permissions: it reads departments but cannot manage users.
    expect((await inject({ url: '/api/v1/org/departments', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    expect((await inject({ url: '/api/v1/org/users', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(403);
    // The listing never shows the key's secret (which may itself hold underscores).
    expect((await inject({ url: '/api/v1/org/api-keys', headers: as(admin) })).body).not.toContain(key.replace(/^mdn_[a-z0-9]{10}_/, ''));

    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect((await inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${tampered}` } })).statusCode).toBe(401);
    expect((await inject({ url: '/api/v1/me', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    expect((await inject({ method: 'DELETE', url: `/api/v1/org/api-keys/${id}`, headers: as(admin) })).statusCode).toBe(204);
    expect((await inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);
  });

  it('refuses a key with an unknown permission', async () => {
    const admin = await loginAs(t, 'admin');
    const response = await inject({
      method: 'POST',
      url: '/api/v1/org/api-keys',
      headers: as(admin),
      payload: { name: 'x', permissions: ['everything.at.once'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].pointer).toBe('/body/permissions');
  });
});
