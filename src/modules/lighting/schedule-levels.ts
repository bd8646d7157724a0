/**
 * The level every luminaire of a commune should be at, at a given instant, and why:
 * overrides > calendar exceptions > the group's schedule > the default rule (full output from
 * sunset to sunrise, off by day). Read inside the caller's commune transaction.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { loadClock } from '../eservices/index.js';
import { communePlace } from './lighting.repository.js';
import {
  type CalendarRule,
  candidateNights,
  DEFAULT_NIGHT,
  FULL_NIGHT,
  matchingCalendar,
  type NightPlan,
  type NightRule,
  nightPlan,
  type Place,
  type ProfileStep,
} from './schedule.js';
import * as repo from './schedules.repository.js';

/** Why a luminaire has its level: the override, calendar or schedule (its id), or the default rule. */
export type LevelSource =
  | { kind: 'override'; id: string; reason: string }
  | { kind: 'calendar'; id: string; code: string }
  | { kind: 'schedule'; id: string; code: string }
  | { kind: 'default' };

export interface PlannedLevel {
  level: number;
  source: LevelSource;
  /** When this level was set to start and when it is planned to change (null: not known). */
  validFrom: Date;
  validUntil: Date | null;
  deviceId: string | null;
}

/** The level of the night (of the two candidate nights) that contains `at`, with the interval's ends. */
function levelInNights(plans: readonly NightPlan[], at: Date): { level: number; from: Date; until: Date | null } {
  const t = at.getTime();
  for (const plan of plans) {
    const interval = plan.intervals.find((i) => i.from.getTime() <= t && t < i.until.getTime());
    if (interval) return { level: interval.level, from: interval.from, until: interval.until };
  }
  // Day: off from the last dawn before `at` to the next dusk after it.
  const lastDawn = plans
    .map((p) => p.dawn)
    .filter((d) => d.getTime() <= t)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  const nextDusk = plans
    .map((p) => p.dusk)
    .filter((d) => d.getTime() > t)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return { level: 0, from: lastDawn ?? at, until: nextDusk ?? null };
}

interface Source {
  rule: NightRule;
  steps: readonly ProfileStep[];
  source: LevelSource;
}

/** What the plans of a commune's schedules are computed from. */
interface ScheduleContext {
  place: Place;
  isHoliday: (dayNumber: number) => boolean;
  stepsOf: Map<string, ProfileStep[]>;
  calendars: repo.CalendarRow[];
}

async function loadContext(trx: Tx): Promise<ScheduleContext> {
  const communeId = await repo.currentCommuneId(trx);
  const [where, clock, profiles, calendars] = await Promise.all([
    communePlace(trx, communeId),
    loadClock(trx, communeId),
    repo.listProfiles(trx),
    repo.listCalendars(trx),
  ]);
  return {
    place: { latitude: where.lat, longitude: where.lon, timeZone: where.timeZone },
    isHoliday: (dayNumber) => clock.holidays.isHolidayDay?.(dayNumber) ?? false,
    stepsOf: new Map(profiles.map((p) => [p.id, p.steps])),
    calendars,
  };
}

/** What governs a night under a schedule: the first matching calendar's profile, else the schedule's. */
function nightSource(ctx: ScheduleContext, schedule: repo.ScheduleRow, date: string): Source {
  const rule: NightRule = schedule;
  const applicable = ctx.calendars
    .filter((c) => c.scheduleId === null || c.scheduleId === schedule.id)
    .map((c) => ({ ...c, rules: c.rules as readonly CalendarRule[] }));
  const calendar = matchingCalendar(applicable, date, ctx.isHoliday);
  if (calendar) {
    return {
      rule,
      steps: ctx.stepsOf.get(calendar.profileId) ?? FULL_NIGHT,
      source: { kind: 'calendar', id: calendar.id, code: calendar.code },
    };
  }
  return {
    rule,
    steps: ctx.stepsOf.get(schedule.profileId) ?? FULL_NIGHT,
    source: { kind: 'schedule', id: schedule.id, code: schedule.code },
  };
}

/**
 * The planned level of each luminaire of the transaction's commune at `at`, with its source and
 * how long it holds. The nights around `at` are computed once per schedule.
 */
export async function plannedLevelsAt(trx: Tx, at: Date): Promise<Map<string, PlannedLevel>> {
  const luminaires = await repo.luminairesForLevels(trx);
  const out = new Map<string, PlannedLevel>();
  if (luminaires.length === 0) return out;
  const [ctx, schedules, groupSchedules, overrides] = await Promise.all([
    loadContext(trx),
    repo.listSchedules(trx),
    repo.groupScheduleIds(trx),
    repo.activeOverrides(trx, at),
  ]);
  const nights = candidateNights(at, ctx.place.timeZone);

  /** The level, source and ends at `at` under a schedule (or the default rule). */
  const levelUnder = (schedule: repo.ScheduleRow | undefined): Omit<PlannedLevel, 'deviceId'> => {
    const sources = nights.map(
      (date): Source =>
        schedule ? nightSource(ctx, schedule, date) : { rule: DEFAULT_NIGHT, steps: FULL_NIGHT, source: { kind: 'default' } },
    );
    const plans = nights.map((date, i) => nightPlan(date, ctx.place, sources[i]!.rule, sources[i]!.steps));
    const { level, from, until } = levelInNights(plans, at);
    // The source of the night that holds `at` (by day, the coming evening's).
    const t = at.getTime();
    const index = plans.findIndex((p) => p.dusk.getTime() <= t && t < p.dawn.getTime());
    return { level, source: sources[index === -1 ? 0 : index]!.source, validFrom: from, validUntil: until };
  };

  const byGroup = new Map<string | null, Omit<PlannedLevel, 'deviceId'>>();
  const scheduleById = new Map(schedules.map((s) => [s.id, s]));
  const forGroup = (groupId: string | null) => {
    let planned = byGroup.get(groupId);
    if (!planned) {
      const scheduleId = groupId ? groupSchedules.get(groupId) : undefined;
      planned = levelUnder(scheduleId ? scheduleById.get(scheduleId) : undefined);
      byGroup.set(groupId, planned);
    }
    return planned;
  };

  // Overrides by target; the most specific target wins, then the latest created.
  const latest = new Map<string, repo.OverrideRow>();
  for (const o of overrides) {
    const key = `${o.targetType}:${o.targetId}`;
    const held = latest.get(key);
    if (!held || held.createdAt < o.createdAt) latest.set(key, o);
  }

  for (const l of luminaires) {
    const override =
      latest.get(`luminaire:${l.id}`) ??
      (l.cabinetId ? latest.get(`cabinet:${l.cabinetId}`) : undefined) ??
      (l.groupId ? latest.get(`group:${l.groupId}`) : undefined);
    if (override) {
      out.set(l.id, {
        level: override.level,
        source: { kind: 'override', id: override.id, reason: override.reason },
        validFrom: override.validFrom,
        validUntil: override.validUntil,
        deviceId: l.deviceId,
      });
    } else {
      out.set(l.id, { ...forGroup(l.groupId), deviceId: l.deviceId });
    }
  }
  return out;
}

/**
 * The level (0–100) every luminaire of the transaction's commune should be at at `at`, by
 * luminaire id: overrides > calendar exceptions > the group's schedule > the default rule (on at
 * full output from sunset to sunrise). For outage detection and the command job.
 */
export async function expectedLevelsAt(trx: Tx, at: Date): Promise<Map<string, number>> {
  const planned = await plannedLevelsAt(trx, at);
  return new Map([...planned].map(([id, p]) => [id, p.level]));
}

/** A night's plan under a schedule (its calendars included), for the office's chart. */
export async function schedulePlan(trx: Tx, schedule: repo.ScheduleRow, date: string) {
  const ctx = await loadContext(trx);
  const { rule, steps, source } = nightSource(ctx, schedule, date);
  return { plan: nightPlan(date, ctx.place, rule, steps), source, timeZone: ctx.place.timeZone };
}
