import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, login, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { ROLES } from '../../platform/auth/permissions.js';

let t: TestApp;
let admin: Session;
let departments: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
  const list = await t.app.inject({ url: '/api/v1/org/departments', headers: as(admin) });
  departments = Object.fromEntries(list.json().items.map((d: { code: string; id: string }) => [d.code, d.id]));
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);
const auditCount = async () => (await inject({ url: '/api/v1/audit/events?limit=1', headers: as(admin) })).json().page.total as number;

describe('what each role may do', () => {
  // [method, url, body] → roles allowed; every other role gets 403.
  const cases: [string, string, () => unknown, string[]][] = [
    [
      'GET',
      '/api/v1/org/departments',
      () => undefined,
      ['admin', 'supervisor', 'agent', 'technician', 'inspector', 'contractor', 'viewer'],
    ],
    [
      'POST',
      '/api/v1/org/departments',
      () => ({ code: `d${Math.random().toString(36).slice(2, 8)}`, name: { fr: 'Service test' } }),
      ['admin'],
    ],
    ['GET', '/api/v1/org/users', () => undefined, ['admin', 'supervisor']],
    ['GET', '/api/v1/audit/events', () => undefined, ['admin']],
    ['GET', '/api/v1/org/api-keys', () => undefined, ['admin']],
  ];
  for (const [method, url, body, allowed] of cases) {
    it(`${method} ${url}: allows ${allowed.join(', ')} and refuses the others`, async () => {
      for (const role of ROLES) {
        const s = await loginAs(t, role);
        const response = await inject({ method: method as 'GET', url, headers: as(s), payload: body() as object });
        expect({ role, status: response.statusCode }).toEqual({
          role,
          status: allowed.includes(role) ? (method === 'POST' ? 201 : 200) : 403,
        });
      }
      const anonymous = await inject({ method: method as 'GET', url, payload: body() as object });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('unauthenticated');
    });
  }
});

describe('departments', () => {
  it('creates, moves with its subtree, and refuses a cycle', async () => {
    const parent = await inject({
      method: 'POST',
      url: '/api/v1/org/departments',
      headers: as(admin),
      payload: {
        code: 'espaces_verts',
        name: { ar: 'مصلحة المساحات الخضراء', fr: 'Service des espaces verts' },
        parentId: departments.technique,
      },
    });
    expect(parent.statusCode).toBe(201);
    const child = await inject({
      method: 'POST',
      url: '/api/v1/org/departments',
      headers: as(admin),
      payload: { code: 'pepiniere', name: { fr: 'Pépinière communale' }, parentId: parent.json().id },
    });
    expect(child.statusCode).toBe(201);
    const cycle = await inject({
      method: 'PATCH',
      url: `/api/v1/org/departments/${parent.json().id}`,
      headers: as(admin),
      payload: { parentId: child.json().id },
    });
    expect(cycle.statusCode).toBe(409);
    const moved = await inject({
      method: 'PATCH',
      url: `/api/v1/org/departments/${parent.json().id}`,
      headers: as(admin),
      payload: { parentId: departments.direction },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().parentId).toBe(departments.direction);
    // The supervisor of the technical division no longer reaches the moved subtree.
    const supervisor = await loginAs(t, 'supervisor');
    const create = await inject({
      method: 'POST',
      url: '/api/v1/org/users',
      headers: as(supervisor),
      payload: {
        email: 'jardinier@berkane.example',
        displayName: 'Jardinier',
        role: 'technician',
        departmentId: child.json().id,
        password: 'jardin-password-1',
      },
    });
    expect(create.statusCode).toBe(403);
  });

  it('refuses a duplicate code and the deletion of a department in use', async () => {
    const duplicate = await inject({
      method: 'POST',
      url: '/api/v1/org/departments',
      headers: as(admin),
      payload: { code: 'bmh', name: { fr: 'Doublon' } },
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().detail).toContain('code');
    const inUse = await inject({ method: 'DELETE', url: `/api/v1/org/departments/${departments.technique}`, headers: as(admin) });
    expect(inUse.statusCode).toBe(409);
    const missing = await inject({ method: 'DELETE', url: `/api/v1/org/departments/${crypto.randomUUID()}`, headers: as(admin) });
    expect(missing.statusCode).toBe(404);
  });
});

describe('users', () => {
  it('lets a supervisor manage accounts below their role in their own subtree only', async () => {
    const supervisor = await loginAs(t, 'supervisor');
    const ok = await inject({
      method: 'POST',
      url: '/api/v1/org/users',
      headers: as(supervisor),
      payload: {
        email: 'Electricien@Berkane.example',
        displayName: 'Électricien',
        role: 'technician',
        departmentId: departments.eclairage,
        password: 'lampadaire-2026',
      },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      email: 'electricien@berkane.example',
      role: 'technician',
      departmentId: departments.eclairage,
      active: true,
    });
    const outside = await inject({
      method: 'POST',
      url: '/api/v1/org/users',
      headers: as(supervisor),
      payload: {
        email: 'x1@berkane.example',
        displayName: 'X',
        role: 'agent',
        departmentId: departments.etat_civil,
        password: 'long-enough-pass',
      },
    });
    expect(outside.statusCode).toBe(403);
    const above = await inject({
      method: 'POST',
      url: '/api/v1/org/users',
      headers: as(supervisor),
      payload: {
        email: 'x2@berkane.example',
        displayName: 'X',
        role: 'admin',
        departmentId: departments.eclairage,
        password: 'long-enough-pass',
      },
    });
    expect(above.statusCode).toBe(403);
    const listed = await inject({ url: '/api/v1/org/users?limit=500', headers: as(supervisor) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().page.limit).toBe(200);
    const emails = listed.json().items.map((u: { email: string }) => u.email);
    expect(emails).toContain('technician@berkane.example');
    expect(emails).not.toContain('agent@berkane.example');
    // Another department's account is "not found" to this supervisor.
    const all = await inject({ url: '/api/v1/org/users?role=agent', headers: as(admin) });
    const agent = all.json().items[0];
    expect((await inject({ url: `/api/v1/org/users/${agent.id}`, headers: as(supervisor) })).statusCode).toBe(404);
  });

  it('refuses a duplicate email and a weak password, writing nothing', async () => {
    const before = await auditCount();
    const duplicate = await inject({
      method: 'POST',
      url: '/api/v1/org/users',
      headers: as(admin),
      payload: { email: 'agent@berkane.example', displayName: 'Doublon', role: 'agent', password: 'long-enough-pass' },
    });
    expect(duplicate.statusCode).toBe(409);
    const weak = await inject({
      method: 'POST',
      url: '/api/v1/org/users',
      headers: as(admin),
      payload: { email: 'new@berkane.example', displayName: 'New', role: 'agent', password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].pointer).toBe('/body/password');
    expect(await auditCount()).toBe(before);
  });

  it('deactivating an account ends its sessions; the last admin cannot be demoted', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/org/users',
      headers: as(admin),
      payload: { email: 'temp@berkane.example', displayName: 'Temporaire', role: 'viewer', password: 'temporary-pass-1' },
    });
    const session = await login(t, 'temp@berkane.example', 'temporary-pass-1');
    expect((await inject({ url: '/api/v1/me', headers: as(session) })).statusCode).toBe(200);
    const off = await inject({
      method: 'PATCH',
      url: `/api/v1/org/users/${created.json().id}`,
      headers: as(admin),
      payload: { active: false },
    });
    expect(off.json().active).toBe(false);
    expect((await inject({ url: '/api/v1/me', headers: as(session) })).statusCode).toBe(401);
    await expect(login(t, 'temp@berkane.example', 'temporary-pass-1')).rejects.toThrow(/401/);

    const me = (await inject({ url: '/api/v1/me', headers: as(admin) })).json().user;
    const demote = await inject({ method: 'PATCH', url: `/api/v1/org/users/${me.id}`, headers: as(admin), payload: { role: 'viewer' } });
    expect(demote.statusCode).toBe(409);
    expect((await inject({ url: '/api/v1/me', headers: as(admin) })).json().user.role).toBe('admin');
  });
});

describe('audit log', () => {
  it('records every change with who, what, before and after, and filters by action and entity', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/org/departments',
      headers: as(admin),
      payload: { code: 'marches', name: { fr: 'Service des marchés' } },
    });
    const id = created.json().id;
    await inject({
      method: 'PATCH',
      url: `/api/v1/org/departments/${id}`,
      headers: as(admin),
      payload: { name: { fr: 'Service des marchés et foires' } },
    });
    await inject({ method: 'DELETE', url: `/api/v1/org/departments/${id}`, headers: as(admin) });
    const events = await inject({ url: `/api/v1/audit/events?entityType=department&entityId=${id}`, headers: as(admin) });
    const items = events.json().items;
    expect(items.map((e: { action: string }) => e.action)).toEqual([
      'platform.department.delete',
      'platform.department.update',
      'platform.department.create',
    ]);
    expect(items[1]).toMatchObject({
      actorType: 'user',
      actorLabel: 'admin@berkane.example',
      before: { name: { fr: 'Service des marchés' } },
      after: { name: { fr: 'Service des marchés et foires' } },
    });
    expect(items[1].requestId).toBeTruthy();
    const byPrefix = await inject({ url: '/api/v1/audit/events?action=platform.session&limit=5', headers: as(admin) });
    expect(byPrefix.json().items.every((e: { action: string }) => e.action.startsWith('platform.session.'))).toBe(true);
    expect(byPrefix.json().page.total).toBeGreaterThan(0);
    // No secret ever reaches the log.
    const users = await inject({ url: '/api/v1/audit/events?entityType=user&limit=200', headers: as(admin) });
    expect(users.body).not.toMatch(/argon2|passwordHash/);
  });

  it('refuses an impossible time range', async () => {
    const response = await inject({ url: '/api/v1/audit/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', headers: as(admin) });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].pointer).toBe('/query/from');
  });
});
