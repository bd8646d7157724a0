import type { NightPlan } from './schedule.js';
import { localHours, localIso } from './schedule.js';
import type { LevelSource } from './schedule-levels.js';
import type { CalendarRow, CommandRow, OverrideRow, ProfileRow, ScheduleRow } from './schedules.repository.js';

const iso = (d: Date) => d.toISOString();

export const presentProfile = (p: ProfileRow) => ({
  id: p.id,
  code: p.code,
  name: p.name,
  steps: p.steps,
  isDemo: p.isDemo,
  updatedAt: iso(p.updatedAt),
});

export const presentSchedule = (s: ScheduleRow, groupIds: string[]) => ({
  id: s.id,
  code: s.code,
  name: s.name,
  profileId: s.profileId,
  sunAltitude: s.sunAltitude,
  duskOffsetMinutes: s.duskOffsetMinutes,
  dawnOffsetMinutes: s.dawnOffsetMinutes,
  groupIds,
  isDemo: s.isDemo,
  updatedAt: iso(s.updatedAt),
});

export const presentCalendar = (c: CalendarRow) => ({
  id: c.id,
  code: c.code,
  name: c.name,
  priority: c.priority,
  scheduleId: c.scheduleId,
  profileId: c.profileId,
  rules: c.rules,
  isDemo: c.isDemo,
  updatedAt: iso(c.updatedAt),
});

export const presentOverride = (o: OverrideRow) => ({
  id: o.id,
  targetType: o.targetType,
  targetId: o.targetId,
  level: o.level,
  validFrom: iso(o.validFrom),
  validUntil: iso(o.validUntil),
  reason: o.reason,
  createdBy: o.createdByLabel,
  createdAt: iso(o.createdAt),
  cancelledAt: o.cancelledAt ? iso(o.cancelledAt) : null,
});

export const presentCommand = (c: CommandRow) => ({
  id: c.id,
  deviceId: c.deviceId,
  level: c.level,
  validFrom: iso(c.validFrom),
  validUntil: c.validUntil ? iso(c.validUntil) : null,
  reason: c.reason,
  sentAt: iso(c.sentAt),
});

export function presentPlan(result: { plan: NightPlan; source: LevelSource; timeZone: string }) {
  const { plan, source, timeZone } = result;
  if (source.kind !== 'schedule' && source.kind !== 'calendar') throw new Error('a schedule plan comes from a schedule or a calendar');
  return {
    date: plan.date,
    timeZone,
    dusk: iso(plan.dusk),
    dawn: iso(plan.dawn),
    duskLocal: localIso(plan.dusk.getTime(), timeZone),
    dawnLocal: localIso(plan.dawn.getTime(), timeZone),
    source: { kind: source.kind, id: source.id, code: source.code },
    hours: localHours(plan.dusk, plan.dawn, timeZone).map((h) => ({ at: iso(h.at), local: h.local })),
    intervals: plan.intervals.map((i) => ({
      from: iso(i.from),
      until: iso(i.until),
      fromLocal: i.fromLocal,
      untilLocal: i.untilLocal,
      level: i.level,
    })),
  };
}
