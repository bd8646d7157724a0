import { sql } from 'kysely';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { connectDevice, type Provisioned, provision, waitUntil } from '../../../test/helpers/telemetry.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';
import { withCommune } from '../../platform/db/tenant.js';
import { dateOfDayNumber, dayNumberOf, hijriOf } from '../eservices/index.js';
import { COMMAND_JOB, type CommandPayload, runCommuneCommands } from './commands.js';
import { expectedLevelsAt } from './index.js';

/**
 * Schedules through the API on the demo commune: profiles, schedules, calendars, overrides and
 * groups; the levels they give each luminaire; the commands published to the controllers.
 */
describe('lighting schedules', () => {
  let app: TestApp;
  let admin: Session;
  let supervisor: Session;
  let technician: Session;
  let viewer: Session;
  let berkane: string;
  const owner = () => app.database.db.kysely;

  const inject = (session: Session | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.app.inject({ method, url, headers: session ? as(session) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });

  const count = async (table: string) => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.raw(table)}`.execute(owner());
    return rows[0]!.n;
  };
  const audits = async (action: string) => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.audit_event WHERE action = ${action}`.execute(
      owner(),
    );
    return rows[0]!.n;
  };
  const luminaire = async (code: string) => {
    const { rows } = await sql<{ id: string; cabinetId: string; groupId: string | null; deviceId: string }>`
      SELECT id, cabinet_id, group_id, device_id FROM lighting.luminaire WHERE code = ${code}`.execute(owner());
    return rows[0]!;
  };
  const levelsAt = (at: string | Date) => withCommune(app.database.db, berkane, (trx) => expectedLevelsAt(trx, new Date(at)));
  const ids = async (path: string) =>
    new Map<string, string>((await inject(admin, 'GET', path)).json().items.map((x: { code: string; id: string }) => [x.code, x.id]));

  const EXAMPLE = [
    { from: { at: 'dusk', offsetMinutes: 0 }, until: { at: 'clock', time: '23:00' }, level: 100 },
    { from: { at: 'clock', time: '23:00' }, until: { at: 'clock', time: '05:00' }, level: 50 },
    { from: { at: 'clock', time: '05:00' }, until: { at: 'dawn', offsetMinutes: 0 }, level: 100 },
  ];

  beforeAll(async () => {
    app = await createTestApp();
    admin = await loginAs(app, 'admin');
    supervisor = await loginAs(app, 'supervisor');
    technician = await loginAs(app, 'technician');
    viewer = await loginAs(app, 'viewer');
    const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(owner());
    berkane = rows[0]!.id;
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('the demo', () => {
    it('has groups, two schedules, and the Ramadan and holiday calendars, all marked demo', async () => {
      const groups = (await inject(viewer, 'GET', '/api/v1/lighting/groups')).json().items;
      expect(groups.map((g: { code: string }) => g.code)).toEqual(['AVENUES', 'RES-NORTH', 'RES-SOUTH']);
      expect(groups.every((g: { isDemo: boolean; memberCount: number }) => g.isDemo && g.memberCount > 0)).toBe(true);
      expect(groups.reduce((n: number, g: { memberCount: number }) => n + g.memberCount, 0)).toBe(3000);
      const schedules = (await inject(viewer, 'GET', '/api/v1/lighting/schedules')).json().items;
      expect(schedules.map((s: { code: string; groupIds: string[] }) => [s.code, s.groupIds.length])).toEqual([
        ['AVENUES', 1],
        ['DISTRICTS', 2],
      ]);
      const calendars = (await inject(viewer, 'GET', '/api/v1/lighting/calendars')).json().items;
      expect(calendars.map((c: { code: string; priority: number }) => [c.code, c.priority])).toEqual([
        ['RAMADAN', 10],
        ['HOLIDAYS', 20],
      ]);
    });

    it("plans a summer night with the districts' profile, dusk and dawn moved by the offsets", async () => {
      const schedules = await ids('/api/v1/lighting/schedules');
      const r = await inject(viewer, 'GET', `/api/v1/lighting/schedules/${schedules.get('DISTRICTS')}/plan?date=2026-06-20`);
      expect(r.statusCode).toBe(200);
      const plan = r.json();
      expect(plan.source).toMatchObject({ kind: 'schedule', code: 'DISTRICTS' });
      expect(plan.intervals.map((i: { level: number }) => i.level)).toEqual([100, 50, 100]);
      expect(plan.intervals[1].fromLocal).toBe('2026-06-20T23:00+01:00');
      expect(plan.intervals[1].untilLocal).toBe('2026-06-21T05:00+01:00');
      expect(plan.timeZone).toBe('Africa/Casablanca');
    });

    it('plans Ramadan nights with the Ramadan calendar, in the Ramadan offset', async () => {
      let first = dayNumberOf('2026-01-20');
      while (hijriOf(first).month !== 9) first++;
      const eve = dateOfDayNumber(first + 3);
      const schedules = await ids('/api/v1/lighting/schedules');
      const plan = (await inject(viewer, 'GET', `/api/v1/lighting/schedules/${schedules.get('DISTRICTS')}/plan?date=${eve}`)).json();
      expect(plan.source).toMatchObject({ kind: 'calendar', code: 'RAMADAN' });
      expect(plan.intervals.map((i: { level: number; fromLocal: string }) => [i.fromLocal.slice(11), i.level]).slice(1)).toEqual([
        ['02:00+00:00', 70],
        ['03:30+00:00', 100],
      ]);
    });
  });

  describe('expected levels (overrides > calendars > group schedule > night rule)', () => {
    it('follows each group’s schedule through a summer night, and is off by day', async () => {
      const avenue = await luminaire('L-00011'); // a 12 m pole
      const street = await luminaire('L-00008'); // a 6 m pole
      const night = await levelsAt('2026-06-21T00:30:00Z'); // 01:30 local
      expect(night.size).toBe(3000);
      expect(night.get(avenue.id)).toBe(70);
      expect(night.get(street.id)).toBe(50);
      const evening = await levelsAt('2026-06-20T21:30:00Z'); // 22:30 local
      expect(evening.get(street.id)).toBe(100);
      const day = await levelsAt('2026-06-21T12:00:00Z');
      expect(new Set(day.values())).toEqual(new Set([0]));
    });

    it('lights every group fully on a public holiday night', async () => {
      const night = await levelsAt('2026-07-30T23:30:00Z'); // Throne Day, 00:30 local
      expect(new Set(night.values())).toEqual(new Set([100]));
    });

    it('lights a luminaire in no group from sunset to sunrise (the default rule)', async () => {
      const l = await luminaire('L-00016');
      await sql`UPDATE lighting.luminaire SET group_id = NULL WHERE id = ${l.id}::uuid`.execute(owner());
      expect((await levelsAt('2026-06-21T00:30:00Z')).get(l.id)).toBe(100);
      expect((await levelsAt('2026-06-21T12:00:00Z')).get(l.id)).toBe(0);
      await sql`UPDATE lighting.luminaire SET group_id = ${l.groupId}::uuid WHERE id = ${l.id}::uuid`.execute(owner());
    });

    it('lets overrides win, the most specific target first, and ends them on cancel', async () => {
      const l = await luminaire('L-00024');
      const now = Date.now();
      const window = { validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString() };
      const onCabinet = await inject(technician, 'POST', '/api/v1/lighting/overrides', {
        targetType: 'cabinet',
        targetId: l.cabinetId,
        level: 0,
        reason: 'Travaux sur le câble',
        ...window,
      });
      expect(onCabinet.statusCode).toBe(201);
      const onLuminaire = await inject(technician, 'POST', '/api/v1/lighting/overrides', {
        targetType: 'luminaire',
        targetId: l.id,
        level: 30,
        reason: 'Essai',
        ...window,
      });
      expect(onLuminaire.statusCode).toBe(201);
      const levels = await levelsAt(new Date(now));
      expect(levels.get(l.id)).toBe(30);
      const { rows } = await sql<{
        id: string;
      }>`SELECT id FROM lighting.luminaire WHERE cabinet_id = ${l.cabinetId}::uuid AND id <> ${l.id}::uuid`.execute(owner());
      for (const other of rows) expect(levels.get(other.id)).toBe(0);
      // Cancelled: the cabinet's override holds again for this luminaire; cancelling twice is a conflict.
      expect((await inject(technician, 'POST', `/api/v1/lighting/overrides/${onLuminaire.json().id}/cancel`)).statusCode).toBe(200);
      expect((await inject(technician, 'POST', `/api/v1/lighting/overrides/${onLuminaire.json().id}/cancel`)).statusCode).toBe(409);
      expect((await levelsAt(new Date(now))).get(l.id)).toBe(0);
      expect((await inject(technician, 'POST', `/api/v1/lighting/overrides/${onCabinet.json().id}/cancel`)).statusCode).toBe(200);
      expect(await audits('lighting.override.create')).toBe(2);
      expect(await audits('lighting.override.cancel')).toBe(2);
    });
  });

  describe('writes', () => {
    it('creates a profile, a schedule for a new group of a cabinet, and a calendar, each audited', async () => {
      const profile = await inject(supervisor, 'POST', '/api/v1/lighting/profiles', {
        code: 'TEST-P',
        name: { fr: 'Essai' },
        steps: EXAMPLE,
      });
      expect(profile.statusCode).toBe(201);
      const group = await inject(supervisor, 'POST', '/api/v1/lighting/groups', { code: 'SOUK', name: { ar: 'السوق', fr: 'Souk' } });
      expect(group.statusCode).toBe(201);
      const { rows } = await sql<{ id: string }>`SELECT id FROM lighting.cabinet WHERE code = 'ARM-005'`.execute(owner());
      const added = await inject(supervisor, 'POST', `/api/v1/lighting/groups/${group.json().id}/members`, { cabinetIds: [rows[0]!.id] });
      expect(added.statusCode).toBe(200);
      expect(added.json().changed).toBeGreaterThan(0);
      const schedule = await inject(supervisor, 'POST', '/api/v1/lighting/schedules', {
        code: 'SOUK',
        name: { fr: 'Souk' },
        profileId: profile.json().id,
        sunAltitude: -6,
        duskOffsetMinutes: -15,
        groupIds: [group.json().id],
      });
      expect(schedule.statusCode).toBe(201);
      expect(schedule.json()).toMatchObject({ sunAltitude: -6, duskOffsetMinutes: -15, dawnOffsetMinutes: 0, groupIds: [group.json().id] });
      const calendar = await inject(supervisor, 'POST', '/api/v1/lighting/calendars', {
        code: 'FESTIVAL',
        name: { fr: 'Festival' },
        priority: 5,
        scheduleId: schedule.json().id,
        profileId: profile.json().id,
        rules: [{ kind: 'dates', from: '2026-08-01', until: '2026-08-03' }],
      });
      expect(calendar.statusCode).toBe(201);
      const members = (await inject(viewer, 'GET', `/api/v1/lighting/groups/${group.json().id}/members?limit=5`)).json();
      expect(members.page.total).toBe(added.json().memberCount);
      for (const action of [
        'lighting.profile.create',
        'lighting.group.create',
        'lighting.group.add_members',
        'lighting.schedule.create',
        'lighting.calendar.create',
      ]) {
        expect(await audits(action)).toBe(1);
      }
      // A profile in use cannot go; a code taken is a conflict.
      expect((await inject(supervisor, 'DELETE', `/api/v1/lighting/profiles/${profile.json().id}`)).statusCode).toBe(409);
      expect(
        (await inject(supervisor, 'POST', '/api/v1/lighting/profiles', { code: 'TEST-P', name: { fr: 'x' }, steps: [] })).statusCode,
      ).toBe(409);
    });

    it('refuses bad input and stores nothing', async () => {
      const before = await Promise.all(
        ['lighting.dimming_profile', 'lighting.schedule', 'lighting.calendar', 'lighting.override', 'lighting.lamp_group'].map(count),
      );
      const auditBefore = await count('platform.audit_event');
      const profiles = await ids('/api/v1/lighting/profiles');
      const profileId = profiles.get('STANDARD');
      const l = await luminaire('L-00030');
      const bad: [string, string, unknown?, string?][] = [
        // overlapping steps
        [
          'POST',
          '/api/v1/lighting/profiles',
          {
            code: 'OVERLAP',
            name: { fr: 'x' },
            steps: [
              { from: { at: 'dusk', offsetMinutes: 0 }, until: { at: 'clock', time: '01:00' }, level: 100 },
              { from: { at: 'clock', time: '23:00' }, until: { at: 'dawn', offsetMinutes: 0 }, level: 50 },
            ],
          },
          '/body/steps/1',
        ],
        // a step that ends before it starts
        [
          'POST',
          '/api/v1/lighting/profiles',
          {
            code: 'INV',
            name: { fr: 'x' },
            steps: [{ from: { at: 'clock', time: '05:00' }, until: { at: 'clock', time: '23:00' }, level: 5 }],
          },
          '/body/steps/0/until',
        ],
        // levels outside 0–100, bad clock time, unknown field, hostile text
        ['POST', '/api/v1/lighting/profiles', { code: 'L', name: { fr: 'x' }, steps: [{ ...EXAMPLE[0], level: 101 }] }],
        ['POST', '/api/v1/lighting/profiles', { code: 'L', name: { fr: 'x' }, steps: [{ ...EXAMPLE[0], level: -1 }] }],
        [
          'POST',
          '/api/v1/lighting/profiles',
          { code: 'L', name: { fr: 'x' }, steps: [{ ...EXAMPLE[0], until: { at: 'clock', time: '24:00' } }] },
        ],
        ['POST', '/api/v1/lighting/profiles', { code: 'L', name: { fr: 'x' }, steps: [], admin: true }],
        ['POST', '/api/v1/lighting/profiles', { code: "'; DROP TABLE x; --", name: { fr: 'x' }, steps: [] }],
        ['POST', '/api/v1/lighting/profiles', { code: 'BIG', name: { fr: 'x' }, steps: Array.from({ length: 13 }, () => EXAMPLE[0]) }],
        // a schedule with an unknown group or profile, or offsets out of range
        [
          'POST',
          '/api/v1/lighting/schedules',
          { code: 'S1', name: { fr: 'x' }, profileId, groupIds: ['00000000-0000-4000-8000-000000000000'] },
          '/body/groupIds/0',
        ],
        [
          'POST',
          '/api/v1/lighting/schedules',
          { code: 'S1', name: { fr: 'x' }, profileId: '00000000-0000-4000-8000-000000000000' },
          '/body/profileId',
        ],
        ['POST', '/api/v1/lighting/schedules', { code: 'S1', name: { fr: 'x' }, profileId, duskOffsetMinutes: 600 }],
        ['POST', '/api/v1/lighting/schedules', { code: 'S1', name: { fr: 'x' }, profileId, sunAltitude: 10 }],
        // calendars: until before from, unknown rule, no rule
        [
          'POST',
          '/api/v1/lighting/calendars',
          { code: 'C1', name: { fr: 'x' }, priority: 1, profileId, rules: [{ kind: 'dates', from: '2026-05-02', until: '2026-05-01' }] },
          '/body/rules/0/until',
        ],
        ['POST', '/api/v1/lighting/calendars', { code: 'C1', name: { fr: 'x' }, priority: 1, profileId, rules: [{ kind: 'lunar' }] }],
        ['POST', '/api/v1/lighting/calendars', { code: 'C1', name: { fr: 'x' }, priority: 1, profileId, rules: [] }],
        [
          'POST',
          '/api/v1/lighting/calendars',
          { code: 'C1', name: { fr: 'x' }, priority: 1, profileId, rules: [{ kind: 'hijri_month', month: 13 }] },
        ],
        // overrides: until before from, too long, over, level out of range, unknown target
        [
          'POST',
          '/api/v1/lighting/overrides',
          {
            targetType: 'luminaire',
            targetId: l.id,
            level: 10,
            reason: 'x',
            validFrom: new Date(Date.now() + 3_600_000).toISOString(),
            validUntil: new Date().toISOString(),
          },
          '/body/validUntil',
        ],
        [
          'POST',
          '/api/v1/lighting/overrides',
          {
            targetType: 'luminaire',
            targetId: l.id,
            level: 10,
            reason: 'x',
            validFrom: new Date().toISOString(),
            validUntil: new Date(Date.now() + 40 * 86_400_000).toISOString(),
          },
          '/body/validUntil',
        ],
        [
          'POST',
          '/api/v1/lighting/overrides',
          {
            targetType: 'luminaire',
            targetId: l.id,
            level: 10,
            reason: 'x',
            validFrom: '2020-01-01T00:00:00Z',
            validUntil: '2020-01-02T00:00:00Z',
          },
          '/body/validUntil',
        ],
        [
          'POST',
          '/api/v1/lighting/overrides',
          {
            targetType: 'luminaire',
            targetId: l.id,
            level: 101,
            reason: 'x',
            validFrom: new Date().toISOString(),
            validUntil: new Date(Date.now() + 3_600_000).toISOString(),
          },
        ],
        [
          'POST',
          '/api/v1/lighting/overrides',
          {
            targetType: 'group',
            targetId: l.id,
            level: 10,
            reason: 'x',
            validFrom: new Date().toISOString(),
            validUntil: new Date(Date.now() + 3_600_000).toISOString(),
          },
          '/body/targetId',
        ],
        [
          'POST',
          '/api/v1/lighting/overrides',
          {
            targetType: 'luminaire',
            targetId: l.id,
            level: 10,
            reason: 'a\u0000b',
            validFrom: new Date().toISOString(),
            validUntil: new Date(Date.now() + 3_600_000).toISOString(),
          },
        ],
        [
          'POST',
          '/api/v1/lighting/overrides',
          {
            targetType: 'luminaire',
            targetId: l.id,
            level: 10,
            reason: 'x'.repeat(501),
            validFrom: new Date().toISOString(),
            validUntil: new Date(Date.now() + 3_600_000).toISOString(),
          },
        ],
        // a plan for a date that is not one
        ['GET', `/api/v1/lighting/schedules/${(await ids('/api/v1/lighting/schedules')).get('DISTRICTS')}/plan?date=2026-02-30x`],
        [
          'GET',
          `/api/v1/lighting/schedules/${(await ids('/api/v1/lighting/schedules')).get('DISTRICTS')}/plan?date=2026-02-30`,
          undefined,
          '/query/date',
        ],
        [
          'GET',
          `/api/v1/lighting/schedules/${(await ids('/api/v1/lighting/schedules')).get('DISTRICTS')}/plan?date=1890-01-01`,
          undefined,
          '/query/date',
        ],
        [
          'POST',
          '/api/v1/lighting/calendars',
          { code: 'C1', name: { fr: 'x' }, priority: 1, profileId, rules: [{ kind: 'dates', from: '2026-02-30', until: '2026-03-01' }] },
          '/body/rules/0/from',
        ],
      ];
      for (const [method, url, payload, pointer] of bad) {
        const r = await inject(supervisor, method as 'POST', url, payload);
        expect(r.statusCode, `${url} ${JSON.stringify(payload)}: ${r.body}`).toBe(400);
        if (pointer) expect(r.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      }
      const after = await Promise.all(
        ['lighting.dimming_profile', 'lighting.schedule', 'lighting.calendar', 'lighting.override', 'lighting.lamp_group'].map(count),
      );
      expect(after).toEqual(before);
      expect(await count('platform.audit_event')).toBe(auditBefore);
    });

    it("refuses another commune's group, and staff without the permission, storing nothing", async () => {
      await createCommuneFromArea(app.database.db, 'saidia', { hosts: ['saidia.localhost'] }, { type: 'cli', id: null, label: 'test' });
      const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'saidia'`.execute(owner());
      const saidia = rows[0]!.id;
      const { rows: g } = await sql<{ id: string }>`
        INSERT INTO lighting.lamp_group (commune_id, code, name) VALUES (${saidia}::uuid, 'SAIDIA-1', '{"fr":"S"}') RETURNING id`.execute(
        owner(),
      );
      const foreign = g[0]!.id;
      const profileId = (await ids('/api/v1/lighting/profiles')).get('STANDARD');
      const before = await count('lighting.schedule');
      const overridesBefore = await count('lighting.override');
      const r = await inject(supervisor, 'POST', '/api/v1/lighting/schedules', {
        code: 'X',
        name: { fr: 'x' },
        profileId,
        groupIds: [foreign],
      });
      expect(r.statusCode).toBe(400);
      expect((await inject(supervisor, 'GET', `/api/v1/lighting/groups/${foreign}/members`)).statusCode).toBe(404);
      expect((await inject(supervisor, 'DELETE', `/api/v1/lighting/groups/${foreign}`)).statusCode).toBe(404);
      const l = await luminaire('L-00031');
      const override = {
        targetType: 'group',
        targetId: foreign,
        level: 0,
        reason: 'x',
        validFrom: new Date().toISOString(),
        validUntil: new Date(Date.now() + 3_600_000).toISOString(),
      };
      expect((await inject(supervisor, 'POST', '/api/v1/lighting/overrides', override)).statusCode).toBe(400);
      // Unauthorized: anonymous, a viewer writing, a technician changing a schedule.
      expect((await inject(null, 'GET', '/api/v1/lighting/schedules')).statusCode).toBe(401);
      expect((await inject(viewer, 'POST', '/api/v1/lighting/profiles', { code: 'V', name: { fr: 'x' }, steps: [] })).statusCode).toBe(403);
      expect(
        (await inject(viewer, 'POST', '/api/v1/lighting/overrides', { ...override, targetType: 'luminaire', targetId: l.id })).statusCode,
      ).toBe(403);
      expect((await inject(technician, 'POST', '/api/v1/lighting/schedules', { code: 'T', name: { fr: 'x' }, profileId })).statusCode).toBe(
        403,
      );
      expect((await inject(technician, 'POST', '/api/v1/lighting/groups', { code: 'T', name: { fr: 'x' } })).statusCode).toBe(403);
      expect(await count('lighting.schedule')).toBe(before);
      expect(await count('lighting.override')).toBe(overridesBefore);
      const { rows: left } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM lighting.lamp_group WHERE id = ${foreign}::uuid`.execute(owner());
      expect(left[0]!.n).toBe(1);
    });
  });

  describe('commands', () => {
    let device: Provisioned;
    let client: MqttClient | undefined;

    beforeAll(async () => {
      await app.platform.telemetry.start();
      await waitUntil('the ingestion session', async () => app.platform.telemetry.status().ingestion === 'connected');
      await withCommune(app.database.db, berkane, (trx) =>
        sql`UPDATE lighting.luminaire SET device_id = NULL WHERE code = 'L-00008'`.execute(trx),
      );
      device = await provision(app, admin, { kind: 'luminaire', id: 'sched-lum-8', luminaireId: (await luminaire('L-00008')).id });
    });

    afterAll(async () => {
      await client?.endAsync(true);
    });

    it('publishes each luminaire’s level retained, records it, and sends nothing again while the plan holds', async () => {
      const night = new Date('2026-06-21T00:30:00Z');
      const first = await runCommuneCommands(app.database.db, app.platform.telemetry, berkane, night);
      expect(first.sent).toBe(3000);
      const { rows } = await sql<{ level: number; reason: string }>`
        SELECT level, reason FROM lighting.command WHERE device_id = 'sched-lum-8'`.execute(owner());
      expect(rows).toEqual([{ level: 50, reason: 'schedule:DISTRICTS' }]);
      // A subscriber that connects after the publish gets the retained command.
      client = await connectDevice(`mqtt://127.0.0.1:${app.platform.telemetry.port}`, device.id, device.secret);
      const received = new Promise<CommandPayload>((resolve) =>
        client!.on('message', (_t, payload) => resolve(JSON.parse(payload.toString()))),
      );
      await client.subscribeAsync(device.commandsTopic, { qos: 1 });
      const command = await received;
      expect(command).toMatchObject({
        dimLevel: 50,
        reason: 'schedule:DISTRICTS',
        issuedAt: night.toISOString(),
        validUntil: '2026-06-21T04:00:00.000Z',
      });
      expect(command.commandId).toMatch(/^[0-9a-f-]{36}$/);
      // Same plan, nothing new; at 05:00 local every district lamp goes back to 100.
      expect((await runCommuneCommands(app.database.db, app.platform.telemetry, berkane, new Date('2026-06-21T01:00:00Z'))).sent).toBe(0);
      const next = new Promise<CommandPayload>((resolve) =>
        client!.once('message', (_t, payload) => resolve(JSON.parse(payload.toString()))),
      );
      const dawn = await runCommuneCommands(app.database.db, app.platform.telemetry, berkane, new Date('2026-06-21T04:00:00Z'));
      expect(dawn.sent).toBeGreaterThan(0);
      expect((await next).dimLevel).toBe(100);
    });

    it('runs as a job at a chosen time', async () => {
      const before = await count('lighting.command');
      // Only this run: not the ones the writes above queued for the present.
      await sql`DELETE FROM platform.job WHERE kind = ${COMMAND_JOB}`.execute(owner());
      await sql`INSERT INTO platform.job (kind, payload, commune_id) VALUES (${COMMAND_JOB}, ${JSON.stringify({ now: '2026-06-21T12:00:00Z' })}, ${berkane}::uuid)`.execute(
        owner(),
      );
      await app.platform.jobs.drain();
      // By day every lamp is told 0.
      expect(await count('lighting.command')).toBe(before + 3000);
    });

    it('lists the commands sent to a device', async () => {
      const r = await inject(viewer, 'GET', '/api/v1/lighting/commands?deviceId=sched-lum-8');
      expect(r.statusCode).toBe(200);
      expect(r.json().items.map((c: { level: number }) => c.level)).toEqual([0, 100, 50]);
      expect((await inject(viewer, 'GET', '/api/v1/lighting/commands?deviceId=Bad%20Id')).statusCode).toBe(400);
    });
  });
});
