import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { sqlState } from '../../platform/db/errors.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, conflict, type FieldError, notFound } from '../../platform/http/errors.js';
import { enqueue } from '../../platform/jobs/jobs.js';
import { dayNumberOf } from '../eservices/index.js';
import { COMMAND_JOB } from './commands.js';
import { existingGroups } from './groups.repository.js';
import { communePlace } from './lighting.repository.js';
import { type CalendarRule, DEFAULT_NIGHT, type ProfileStep, profileProblems } from './schedule.js';
import { schedulePlan } from './schedule-levels.js';
import * as repo from './schedules.repository.js';
import { SCHEDULE_LIMITS } from './schedules.schemas.js';

export const READ = 'lighting.schedules.read';
export const MANAGE = 'lighting.schedules.manage';
export const OVERRIDE = 'lighting.overrides.manage';

type Text = Record<string, string>;

export interface ProfileInput {
  code: string;
  name: Text;
  steps: ProfileStep[];
}

export interface ScheduleInput {
  code: string;
  name: Text;
  profileId: string;
  sunAltitude?: number;
  duskOffsetMinutes?: number;
  dawnOffsetMinutes?: number;
  groupIds?: string[];
}

export interface CalendarInput {
  code: string;
  name: Text;
  priority: number;
  scheduleId?: string | null;
  profileId: string;
  rules: CalendarRule[];
}

export interface OverrideInput {
  targetType: repo.OverrideTarget;
  targetId: string;
  level: number;
  validFrom: string;
  validUntil: string;
  reason: string;
}

const DAY_MS = 86_400_000;

const badFields = (fields: FieldError[]) => new AppError('validation_failed', 400, undefined, {}, fields);
const unknownReference = (pointer: string) => badFields([{ pointer, key: 'problem.field.unknown_reference' }]);

/** A unique code taken (23505) is a 409; a row still referenced (23503) too. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (sqlState(error) === '23505') throw conflict('problem.already_exists.detail', { field: 'code' });
    if (sqlState(error) === '23503') throw conflict('problem.lighting_in_use.detail');
    throw error;
  }
}

/** The levels may have changed: the command job publishes what changed, soon. */
const replan = (trx: Tx, communeId: string) => enqueue(trx, { kind: COMMAND_JOB, communeId });

/**
 * Dimming profiles, schedules (and which groups follow them), calendars of exception nights and
 * timed manual overrides; each change audited and followed by the command job.
 */
export class SchedulesService {
  constructor(private readonly db: Database) {}

  // ── profiles ─────────────────────────────────────────────────────────────────────────────────

  listProfiles(ctx: CallContext) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listProfiles(trx));
  }

  private async checkSteps(trx: Tx, communeId: string, steps: ProfileStep[]) {
    const where = await communePlace(trx, communeId);
    const problems = profileProblems(steps, { latitude: where.lat, longitude: where.lon, timeZone: where.timeZone }, DEFAULT_NIGHT);
    if (problems.length === 0) return;
    throw badFields(
      problems.map((p) =>
        p.problem === 'overlap'
          ? { pointer: `/body/steps/${p.step}`, key: 'problem.field.steps_overlap', values: { step: p.with + 1 } }
          : p.problem === 'until_before_from'
            ? { pointer: `/body/steps/${p.step}/until`, key: 'problem.field.step_inverted' }
            : { pointer: `/body/steps/${p.step}`, key: 'problem.field.invalid' },
      ),
    );
  }

  createProfile(ctx: CallContext, input: ProfileInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      await this.checkSteps(trx, ctx.communeId, input.steps);
      const row = await guarded(() => repo.insertProfile(trx, { communeId: ctx.communeId, ...input }));
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.profile.create',
        entityType: 'dimming_profile',
        entityId: row.id,
        after: input,
      });
      return row;
    });
  }

  updateProfile(ctx: CallContext, id: string, input: ProfileInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findProfile(trx, id);
      if (!before) throw notFound();
      await this.checkSteps(trx, ctx.communeId, input.steps);
      const row = (await guarded(() => repo.updateProfile(trx, id, input)))!;
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.profile.update',
        entityType: 'dimming_profile',
        entityId: id,
        before: { code: before.code, name: before.name, steps: before.steps },
        after: input,
      });
      await replan(trx, ctx.communeId);
      return row;
    });
  }

  deleteProfile(ctx: CallContext, id: string) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findProfile(trx, id);
      if (!before) throw notFound();
      await guarded(() => repo.deleteProfile(trx, id));
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.profile.delete',
        entityType: 'dimming_profile',
        entityId: id,
        before,
      });
    });
  }

  // ── schedules ────────────────────────────────────────────────────────────────────────────────

  listSchedules(ctx: CallContext) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => ({
      rows: await repo.listSchedules(trx),
      groups: await repo.scheduleGroups(trx),
    }));
  }

  getSchedule(ctx: CallContext, id: string) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const row = await repo.findSchedule(trx, id);
      if (!row) throw notFound();
      return { row, groupIds: (await repo.scheduleGroups(trx)).get(id) ?? [] };
    });
  }

  private async checkScheduleRefs(trx: Tx, input: ScheduleInput) {
    if (!(await repo.findProfile(trx, input.profileId))) throw unknownReference('/body/profileId');
    const groupIds = input.groupIds ?? [];
    const known = await existingGroups(trx, groupIds);
    const missing = groupIds.findIndex((g) => !known.has(g));
    if (missing !== -1) throw unknownReference(`/body/groupIds/${missing}`);
  }

  private values(input: ScheduleInput): repo.ScheduleValues {
    return {
      code: input.code,
      name: input.name,
      profileId: input.profileId,
      sunAltitude: input.sunAltitude ?? DEFAULT_NIGHT.sunAltitude,
      duskOffsetMinutes: input.duskOffsetMinutes ?? 0,
      dawnOffsetMinutes: input.dawnOffsetMinutes ?? 0,
    };
  }

  createSchedule(ctx: CallContext, input: ScheduleInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      await this.checkScheduleRefs(trx, input);
      const row = await guarded(() => repo.insertSchedule(trx, { communeId: ctx.communeId, ...this.values(input) }));
      const groupIds = input.groupIds ?? [];
      await repo.assignGroups(trx, ctx.communeId, row.id, groupIds);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.schedule.create',
        entityType: 'schedule',
        entityId: row.id,
        after: input,
      });
      await replan(trx, ctx.communeId);
      return { row, groupIds };
    });
  }

  updateSchedule(ctx: CallContext, id: string, input: ScheduleInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findSchedule(trx, id);
      if (!before) throw notFound();
      await this.checkScheduleRefs(trx, input);
      const beforeGroups = (await repo.scheduleGroups(trx)).get(id) ?? [];
      const row = (await guarded(() => repo.updateSchedule(trx, id, this.values(input))))!;
      const groupIds = input.groupIds ?? beforeGroups;
      await repo.assignGroups(trx, ctx.communeId, id, groupIds);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.schedule.update',
        entityType: 'schedule',
        entityId: id,
        before: { ...before, groupIds: beforeGroups },
        after: { ...input, groupIds },
      });
      await replan(trx, ctx.communeId);
      return { row, groupIds };
    });
  }

  deleteSchedule(ctx: CallContext, id: string) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findSchedule(trx, id);
      if (!before) throw notFound();
      await repo.assignGroups(trx, ctx.communeId, id, []);
      await guarded(() => repo.deleteSchedule(trx, id));
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.schedule.delete',
        entityType: 'schedule',
        entityId: id,
        before,
      });
      await replan(trx, ctx.communeId);
    });
  }

  /** The plan of a night under a schedule, its calendars included. */
  plan(ctx: CallContext, id: string, date: string) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const row = await repo.findSchedule(trx, id);
      if (!row) throw notFound();
      const year = Number(date.slice(0, 4));
      // The holiday calendars know 2000–2100.
      if (Number.isNaN(dayNumberOf(date)) || year < 2000 || year > 2100)
        throw badFields([{ pointer: '/query/date', key: 'problem.field.invalid' }]);
      return schedulePlan(trx, row, date);
    });
  }

  // ── calendars ────────────────────────────────────────────────────────────────────────────────

  listCalendars(ctx: CallContext) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listCalendars(trx));
  }

  private async checkCalendar(trx: Tx, input: CalendarInput) {
    if (!(await repo.findProfile(trx, input.profileId))) throw unknownReference('/body/profileId');
    if (input.scheduleId && !(await repo.findSchedule(trx, input.scheduleId))) throw unknownReference('/body/scheduleId');
    const fields: FieldError[] = [];
    input.rules.forEach((r, i) => {
      if (r.kind !== 'dates') return;
      for (const end of ['from', 'until'] as const) {
        if (Number.isNaN(dayNumberOf(r[end]))) fields.push({ pointer: `/body/rules/${i}/${end}`, key: 'problem.field.invalid' });
      }
      if (r.until < r.from) fields.push({ pointer: `/body/rules/${i}/until`, key: 'problem.field.before_from' });
    });
    if (fields.length > 0) throw badFields(fields);
  }

  private calendarValues = (input: CalendarInput): repo.CalendarValues => ({ ...input, scheduleId: input.scheduleId ?? null });

  createCalendar(ctx: CallContext, input: CalendarInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      await this.checkCalendar(trx, input);
      const row = await guarded(() => repo.insertCalendar(trx, { communeId: ctx.communeId, ...this.calendarValues(input) }));
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.calendar.create',
        entityType: 'calendar',
        entityId: row.id,
        after: input,
      });
      await replan(trx, ctx.communeId);
      return row;
    });
  }

  updateCalendar(ctx: CallContext, id: string, input: CalendarInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findCalendar(trx, id);
      if (!before) throw notFound();
      await this.checkCalendar(trx, input);
      const row = (await guarded(() => repo.updateCalendar(trx, id, this.calendarValues(input))))!;
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.calendar.update',
        entityType: 'calendar',
        entityId: id,
        before,
        after: input,
      });
      await replan(trx, ctx.communeId);
      return row;
    });
  }

  deleteCalendar(ctx: CallContext, id: string) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findCalendar(trx, id);
      if (!before) throw notFound();
      await repo.deleteCalendar(trx, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.calendar.delete',
        entityType: 'calendar',
        entityId: id,
        before,
      });
      await replan(trx, ctx.communeId);
    });
  }

  // ── overrides ────────────────────────────────────────────────────────────────────────────────

  listOverrides(ctx: CallContext, now: Date) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listOverrides(trx, now, 200));
  }

  createOverride(ctx: CallContext, input: OverrideInput, now: Date) {
    authorize(ctx.principal, OVERRIDE);
    const validFrom = new Date(input.validFrom);
    const validUntil = new Date(input.validUntil);
    if (!(validUntil > validFrom)) throw badFields([{ pointer: '/body/validUntil', key: 'problem.field.before_from' }]);
    if (validUntil.getTime() - validFrom.getTime() > SCHEDULE_LIMITS.overrideDaysMax * DAY_MS) {
      throw badFields([
        { pointer: '/body/validUntil', key: 'problem.field.period_too_long', values: { max: SCHEDULE_LIMITS.overrideDaysMax } },
      ]);
    }
    if (validUntil <= now) throw badFields([{ pointer: '/body/validUntil', key: 'problem.field.invalid' }]);
    if (validFrom.getTime() > now.getTime() + SCHEDULE_LIMITS.horizonDays * DAY_MS) {
      throw badFields([{ pointer: '/body/validFrom', key: 'problem.field.invalid' }]);
    }
    return withCommune(this.db, ctx.communeId, async (trx) => {
      if (!(await repo.targetExists(trx, input.targetType, input.targetId))) throw unknownReference('/body/targetId');
      const row = await repo.insertOverride(trx, {
        communeId: ctx.communeId,
        targetType: input.targetType,
        targetId: input.targetId,
        level: input.level,
        validFrom,
        validUntil,
        reason: input.reason,
        createdBy: ctx.actor.type === 'user' ? ctx.actor.id : null,
        createdByLabel: ctx.actor.label,
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.override.create',
        entityType: 'override',
        entityId: row.id,
        after: input,
      });
      // Now, and again when it starts and when it ends.
      await replan(trx, ctx.communeId);
      for (const runAt of [validFrom, validUntil])
        if (runAt > now) await enqueue(trx, { kind: COMMAND_JOB, communeId: ctx.communeId, runAt });
      return row;
    });
  }

  cancelOverride(ctx: CallContext, id: string, now: Date) {
    authorize(ctx.principal, OVERRIDE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findOverride(trx, id);
      if (!before) throw notFound();
      const row = await repo.cancelOverride(trx, id, now, ctx.actor.label);
      if (!row) throw conflict('problem.lighting_override_cancelled.detail');
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.override.cancel',
        entityType: 'override',
        entityId: id,
        before: { cancelledAt: null },
        after: { cancelledAt: now },
      });
      await replan(trx, ctx.communeId);
      return row;
    });
  }

  // ── commands ─────────────────────────────────────────────────────────────────────────────────

  listCommands(ctx: CallContext, deviceId: string | undefined, limit: number) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listCommands(trx, deviceId, limit));
  }
}
