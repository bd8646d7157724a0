import { Type } from 'typebox';
import { MultilingualText, Nullable, plainText, Strict, TextOut, Timestamp, Uuid } from '../../platform/http/schemas.js';

/** Bounds of the schedules' input, shared by the routes and the office's forms. */
export const SCHEDULE_LIMITS = {
  stepsMax: 12,
  rulesMax: 50,
  offsetMinutes: 720,
  nightOffsetMinutes: 180,
  priorityMax: 10_000,
  reasonMax: 500,
  /** The longest manual override: a month. */
  overrideDaysMax: 31,
  membersMax: 10_000,
  /** How far ahead of now a night's plan or an override may be asked for, in days. */
  horizonDays: 3_660,
} as const;

export const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$', description: 'A short code (e.g. RAMADAN)' });
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM in the commune\u2019s time zone' });
const LocalDate = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description: 'YYYY-MM-DD' });
const MonthDay = Type.String({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description: 'MM-DD' });
const Level = Type.Integer({ minimum: 0, maximum: 100, description: 'Output, % of full' });

export const Anchor = Type.Union([
  Strict({ at: Type.Literal('clock'), time: ClockTime }),
  Strict({
    at: Type.Union([Type.Literal('dusk'), Type.Literal('dawn')]),
    offsetMinutes: Type.Integer({ minimum: -SCHEDULE_LIMITS.offsetMinutes, maximum: SCHEDULE_LIMITS.offsetMinutes }),
  }),
]);
export const Step = Strict({ from: Anchor, until: Anchor, level: Level });
const Steps = Type.Array(Step, { maxItems: SCHEDULE_LIMITS.stepsMax });

export const CalendarRule = Type.Union([
  Strict({ kind: Type.Literal('dates'), from: LocalDate, until: LocalDate }),
  Strict({ kind: Type.Literal('annual'), from: MonthDay, until: MonthDay }),
  Strict({ kind: Type.Literal('hijri_month'), month: Type.Integer({ minimum: 1, maximum: 12 }) }),
  Strict({ kind: Type.Literal('public_holidays') }),
]);

export const IdParams = Strict({ id: Uuid });

// ── profiles ───────────────────────────────────────────────────────────────────────────────────

export const ProfileBody = Strict({ code: Code, name: MultilingualText, steps: Steps });
export const ProfileResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: TextOut,
  steps: Type.Array(Step),
  isDemo: Type.Boolean(),
  updatedAt: Timestamp,
});
export const ProfileListResponse = Type.Object({ items: Type.Array(ProfileResponse) });

// ── schedules ──────────────────────────────────────────────────────────────────────────────────

const NightOffset = Type.Integer({ minimum: -SCHEDULE_LIMITS.nightOffsetMinutes, maximum: SCHEDULE_LIMITS.nightOffsetMinutes });
export const ScheduleBody = Strict({
  code: Code,
  name: MultilingualText,
  profileId: Uuid,
  sunAltitude: Type.Optional(Type.Number({ minimum: -18, maximum: 0, description: 'Degrees; −0.833 sunset/sunrise, −6 civil twilight' })),
  duskOffsetMinutes: Type.Optional(NightOffset),
  dawnOffsetMinutes: Type.Optional(NightOffset),
  groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000, uniqueItems: true, description: 'The lamp groups that follow it' })),
});
export const ScheduleResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: TextOut,
  profileId: Uuid,
  sunAltitude: Type.Number(),
  duskOffsetMinutes: Type.Integer(),
  dawnOffsetMinutes: Type.Integer(),
  groupIds: Type.Array(Uuid),
  isDemo: Type.Boolean(),
  updatedAt: Timestamp,
});
export const ScheduleListResponse = Type.Object({ items: Type.Array(ScheduleResponse) });

export const PlanQuery = Strict({ date: LocalDate });
const Interval = Type.Object({ from: Timestamp, until: Timestamp, fromLocal: Type.String(), untilLocal: Type.String(), level: Level });
export const PlanResponse = Type.Object({
  date: Type.String(),
  timeZone: Type.String(),
  dusk: Timestamp,
  dawn: Timestamp,
  duskLocal: Type.String(),
  dawnLocal: Type.String(),
  source: Type.Object({
    kind: Type.Union([Type.Literal('schedule'), Type.Literal('calendar')]),
    id: Uuid,
    code: Type.String(),
  }),
  hours: Type.Array(Type.Object({ at: Timestamp, local: Type.String({ description: 'HH:MM' }) }), {
    description: 'The whole local hours of the night (for a chart axis), from the tz database',
  }),
  intervals: Type.Array(Interval),
});

// ── calendars ──────────────────────────────────────────────────────────────────────────────────

export const CalendarBody = Strict({
  code: Code,
  name: MultilingualText,
  priority: Type.Integer({
    minimum: 0,
    maximum: SCHEDULE_LIMITS.priorityMax,
    description: 'Lowest first: the first matching calendar wins',
  }),
  scheduleId: Type.Optional(Nullable(Uuid)),
  profileId: Uuid,
  rules: Type.Array(CalendarRule, { minItems: 1, maxItems: SCHEDULE_LIMITS.rulesMax }),
});
export const CalendarResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: TextOut,
  priority: Type.Integer(),
  scheduleId: Nullable(Uuid),
  profileId: Uuid,
  rules: Type.Array(CalendarRule),
  isDemo: Type.Boolean(),
  updatedAt: Timestamp,
});
export const CalendarListResponse = Type.Object({ items: Type.Array(CalendarResponse) });

// ── overrides ──────────────────────────────────────────────────────────────────────────────────

const Target = Type.Union([Type.Literal('group'), Type.Literal('luminaire'), Type.Literal('cabinet')]);
export const OverrideBody = Strict({
  targetType: Target,
  targetId: Uuid,
  level: Level,
  validFrom: Timestamp,
  validUntil: Timestamp,
  reason: plainText(SCHEDULE_LIMITS.reasonMax, 'line'),
});
export const OverrideResponse = Type.Object({
  id: Uuid,
  targetType: Target,
  targetId: Uuid,
  level: Level,
  validFrom: Timestamp,
  validUntil: Timestamp,
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  cancelledAt: Nullable(Timestamp),
});
export const OverrideListResponse = Type.Object({ items: Type.Array(OverrideResponse) });

// ── commands ───────────────────────────────────────────────────────────────────────────────────

export const CommandListQuery = Strict({
  deviceId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{2,63}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export const CommandResponse = Type.Object({
  id: Uuid,
  deviceId: Type.String(),
  level: Level,
  validFrom: Timestamp,
  validUntil: Nullable(Timestamp),
  reason: Type.String(),
  sentAt: Timestamp,
});
export const CommandListResponse = Type.Object({ items: Type.Array(CommandResponse) });
