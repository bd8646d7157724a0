/**
 * The astronomical clock of the lighting schedules. Pure code: no database, no clock of its own.
 *
 * - A **night** is named by the local date of its evening: the night of 2026-02-18 runs from dusk
 *   on 18 February to dawn on 19 February, in the commune's time zone.
 * - **Dusk and dawn** are where the sun crosses an altitude (default −0.833°, sunset and sunrise as
 *   almanacs give them; −6° is civil twilight), found with `suncalc` by bisection between solar
 *   noon and the nadir, then moved by the schedule's offsets (minutes; positive = later).
 * - A **profile** is a list of steps `{from, until, level}` whose ends are either clock times in
 *   the commune's zone (`HH:MM`; from 12:00 on it is the evening's date, before 12:00 the next
 *   morning's) or a number of minutes relative to dusk or dawn. Each step is clipped to the night;
 *   the parts of the night no step covers are at full output (100 %), the day is off (0 %).
 * - Clock times go through the tz database (src/platform/time), never a fixed offset: Morocco is
 *   at +01 most of the year and at +00 during Ramadan, so "23:00" is 22:00 UTC one night and
 *   23:00 UTC the next.
 * - **Calendars** pick another profile for some nights; the first one (by priority) whose rules
 *   match the night wins. Gregorian rules match the evening's date; Hijri rules match the Islamic
 *   day that begins at that sunset (the first night of Ramadan is the eve of 1 Ramadan).
 */
import { getPosition, getTimes } from 'suncalc';
import { DAY_MS, instantOfWallClock, localDayNumber, wallClock } from '../../platform/time/local-time.js';
import { dateOfDayNumber, dayNumberOf, hijriOf } from '../eservices/index.js';

/** Where the sun is computed and in which zone clock times are read. */
export interface Place {
  latitude: number;
  longitude: number;
  timeZone: string;
}

/** One end of a step: a clock time (`HH:MM`, local), or minutes after (before, if negative) dusk or dawn. */
export type Anchor = { at: 'clock'; time: string } | { at: 'dusk' | 'dawn'; offsetMinutes: number };

export interface ProfileStep {
  from: Anchor;
  until: Anchor;
  /** Output, % of full (0–100). */
  level: number;
}

/** How a schedule finds dusk and dawn. */
export interface NightRule {
  /** The sun's (geometric) altitude that makes dusk and dawn, degrees, −18 to 0 (−0.833: sunset and sunrise). */
  sunAltitude: number;
  /** Minutes added to the crossing at dusk (positive: the lamps come on later). */
  duskOffsetMinutes: number;
  /** Minutes added to the crossing at dawn (positive: the lamps go off later). */
  dawnOffsetMinutes: number;
}

/** Sunset to sunrise, no offsets: the rule of lamps without a schedule. */
export const DEFAULT_NIGHT: NightRule = { sunAltitude: -0.833, duskOffsetMinutes: 0, dawnOffsetMinutes: 0 };
/** Lit at full output all night: the profile of lamps without a schedule. */
export const FULL_NIGHT: readonly ProfileStep[] = [];
/** The level of the parts of a night no step covers. */
export const NIGHT_LEVEL = 100;

export interface PlanInterval {
  from: Date;
  until: Date;
  level: number;
  /** The same ends in local time, ISO 8601 with the offset in force (e.g. 2026-02-18T23:00+00:00). */
  fromLocal: string;
  untilLocal: string;
}

export interface NightPlan {
  /** The evening's local date, YYYY-MM-DD. */
  date: string;
  dusk: Date;
  dawn: Date;
  /** Contiguous, from dusk to dawn, adjacent equal levels merged. */
  intervals: PlanInterval[];
}

const MINUTE_MS = 60_000;
/**
 * suncalc's getPosition gives the apparent altitude: the geometric one plus refraction, which it
 * takes at its horizon value for any altitude below 0 (Meeus 16.4 at 0°: 1.02′/tan(10.26°/5.10)
 * = 29.0′). Dusk and dawn thresholds are geometric (as almanacs and suncalc's getTimes use them)
 * and at most 0°, so they are compared with the apparent altitude by adding this.
 */
const HORIZON_REFRACTION = 1.02 / 60 / Math.tan(((10.26 / 5.1) * Math.PI) / 180);
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

// ---------------------------------------------------------------------------------------------
// The sun.

/** The instant between `lo` and `hi` (1 s) where the sun's apparent altitude crosses `altitude` (degrees). */
function crossing(lo: number, hi: number, place: Place, altitude: number, rising: boolean): number {
  const above = (t: number) => getPosition(new Date(t), place.latitude, place.longitude).altitude > altitude;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (above(mid) === rising) hi = mid;
    else lo = mid;
  }
  return Math.round((lo + hi) / 2000) * 1000;
}

/** Local noon of a day number, as an instant. */
const localNoon = (dayNumber: number, timeZone: string) => instantOfWallClock(dayNumber * DAY_MS + DAY_MS / 2, timeZone);

/**
 * Dusk and dawn of the night of local day `dayNumber` (offsets applied). Where the sun does not go
 * below the altitude that night, dusk and dawn are both the nadir (an empty night).
 */
export function duskAndDawn(dayNumber: number, place: Place, rule: NightRule): { dusk: number; dawn: number } {
  const { latitude, longitude, timeZone } = place;
  const noon = getTimes(new Date(localNoon(dayNumber, timeZone)), latitude, longitude).solarNoon.getTime();
  const nextNoon = getTimes(new Date(localNoon(dayNumber + 1, timeZone)), latitude, longitude).solarNoon.getTime();
  const nadir = noon + (nextNoon - noon) / 2;
  const altitude = rule.sunAltitude + HORIZON_REFRACTION;
  const at = (t: number) => getPosition(new Date(t), latitude, longitude).altitude;
  if (at(nadir) > altitude) return { dusk: nadir, dawn: nadir };
  // Where the sun stays below the altitude all day (polar night), the night runs noon to noon.
  const dusk = at(noon) <= altitude ? noon : crossing(noon, nadir, place, altitude, false);
  const dawn = at(nextNoon) <= altitude ? nextNoon : crossing(nadir, nextNoon, place, altitude, true);
  return { dusk: dusk + rule.duskOffsetMinutes * MINUTE_MS, dawn: dawn + rule.dawnOffsetMinutes * MINUTE_MS };
}

// ---------------------------------------------------------------------------------------------
// Profiles.

/** Whether a clock time is `HH:MM` (00:00–23:59). */
export const isClockTime = (time: string) => CLOCK.test(time);

/** The instant of an anchor on the night of `dayNumber`. */
function resolve(anchor: Anchor, dayNumber: number, sun: { dusk: number; dawn: number }, timeZone: string): number {
  if (anchor.at !== 'clock') return (anchor.at === 'dusk' ? sun.dusk : sun.dawn) + anchor.offsetMinutes * MINUTE_MS;
  const m = CLOCK.exec(anchor.time);
  if (!m) throw new Error(`not a clock time (HH:MM): ${JSON.stringify(anchor.time)}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  // From noon on, the evening's date; before noon, the next morning's.
  const day = minutes >= 12 * 60 ? dayNumber : dayNumber + 1;
  return instantOfWallClock(day * DAY_MS + minutes * MINUTE_MS, timeZone);
}

/** Each step's interval on a night, clipped to dusk–dawn (empty when it does not meet the night). */
function clippedSteps(steps: readonly ProfileStep[], dayNumber: number, sun: { dusk: number; dawn: number }, timeZone: string) {
  return steps.map((step) => {
    const from = resolve(step.from, dayNumber, sun, timeZone);
    const until = resolve(step.until, dayNumber, sun, timeZone);
    return { from, until, clippedFrom: Math.max(from, sun.dusk), clippedUntil: Math.min(until, sun.dawn), level: step.level };
  });
}

/** Local ISO 8601 of an instant, minutes precision, with its offset: 2026-02-18T23:00+00:00. */
export function localIso(t: number, timeZone: string): string {
  const wall = wallClock(t, timeZone);
  const offsetMinutes = Math.round((wall - t) / MINUTE_MS);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(wall).toISOString().slice(0, 16)}${sign}${hh}:${mm}`;
}

/**
 * The plan of the night of `date` (YYYY-MM-DD, the evening's local date): dusk, dawn and the
 * levels between them. Where steps overlap on that night, the earlier step keeps its time (a
 * stored profile has none: `profileProblems` refuses them on the reference nights).
 */
export function nightPlan(date: string, place: Place, rule: NightRule, steps: readonly ProfileStep[]): NightPlan {
  const dayNumber = dayNumberOf(date);
  if (Number.isNaN(dayNumber)) throw new Error(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const sun = duskAndDawn(dayNumber, place, rule);
  const parts = clippedSteps(steps, dayNumber, sun, place.timeZone)
    .filter((s) => s.clippedUntil > s.clippedFrom)
    .sort((a, b) => a.clippedFrom - b.clippedFrom);
  const raw: { from: number; until: number; level: number }[] = [];
  let cursor = sun.dusk;
  for (const part of parts) {
    const from = Math.max(part.clippedFrom, cursor);
    if (part.clippedUntil <= from) continue;
    if (from > cursor) raw.push({ from: cursor, until: from, level: NIGHT_LEVEL });
    raw.push({ from, until: part.clippedUntil, level: part.level });
    cursor = part.clippedUntil;
  }
  if (sun.dawn > cursor) raw.push({ from: cursor, until: sun.dawn, level: NIGHT_LEVEL });
  const merged: typeof raw = [];
  for (const r of raw) {
    const last = merged.at(-1);
    if (last && last.level === r.level && last.until === r.from) last.until = r.until;
    else merged.push({ ...r });
  }
  return {
    date,
    dusk: new Date(sun.dusk),
    dawn: new Date(sun.dawn),
    intervals: merged.map((r) => ({
      from: new Date(r.from),
      until: new Date(r.until),
      level: r.level,
      fromLocal: localIso(r.from, place.timeZone),
      untilLocal: localIso(r.until, place.timeZone),
    })),
  };
}

/**
 * The whole local hours between two instants, with their local reading (HH:MM), from the tz
 * database: a night across an offset change skips or repeats an hour. For a chart's axis, so the
 * browser's own (possibly outdated) time-zone data is not needed.
 */
export function localHours(from: Date, until: Date, timeZone: string): { at: Date; local: string }[] {
  const out: { at: Date; local: string }[] = [];
  const step = 15 * MINUTE_MS;
  for (let t = Math.ceil(from.getTime() / step) * step; t <= until.getTime(); t += step) {
    const wall = wallClock(t, timeZone);
    if (wall % 3_600_000 === 0) out.push({ at: new Date(t), local: new Date(wall).toISOString().slice(11, 16) });
  }
  return out;
}

/** The level a plan asks for at `at`: the interval's level inside the night, 0 outside it. */
export function expectedLevel(plan: NightPlan, at: Date): number {
  const t = at.getTime();
  return plan.intervals.find((i) => i.from.getTime() <= t && t < i.until.getTime())?.level ?? 0;
}

/**
 * The two nights that may contain `at`: the one of its local date and the one before (after
 * midnight, the lamps still follow the previous evening's night). YYYY-MM-DD, latest first.
 */
export function candidateNights(at: Date, timeZone: string): [string, string] {
  const day = localDayNumber(at.getTime(), timeZone);
  return [dateOfDayNumber(day), dateOfDayNumber(day - 1)];
}

/** The nights a profile is checked on: the solstices and equinoxes (of 2026, any year would do). */
export const REFERENCE_NIGHTS = ['2026-03-20', '2026-06-21', '2026-09-22', '2026-12-21'] as const;

export type ProfileProblem =
  | { step: number; problem: 'clock_time' | 'never_in_night' | 'until_before_from' }
  | { step: number; problem: 'overlap'; with: number };

/**
 * What is wrong with a profile's steps at a place, checked on the reference nights: a clock time
 * that is not HH:MM, a step that ends before it starts (on every reference night), or two steps
 * whose times overlap inside the night (on any of them). Empty when it is fine.
 */
export function profileProblems(steps: readonly ProfileStep[], place: Place, rule: NightRule = DEFAULT_NIGHT): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  steps.forEach((s, i) => {
    for (const a of [s.from, s.until]) if (a.at === 'clock' && !isClockTime(a.time)) problems.push({ step: i, problem: 'clock_time' });
  });
  if (problems.length > 0) return problems;
  const nights = REFERENCE_NIGHTS.map((date) => {
    const dayNumber = dayNumberOf(date);
    return clippedSteps(steps, dayNumber, duskAndDawn(dayNumber, place, rule), place.timeZone);
  });
  steps.forEach((_, i) => {
    if (nights.every((night) => (night[i]?.until ?? 0) <= (night[i]?.from ?? 0))) problems.push({ step: i, problem: 'until_before_from' });
  });
  if (problems.length > 0) return problems;
  for (let i = 0; i < steps.length; i++) {
    for (let j = i + 1; j < steps.length; j++) {
      const overlaps = nights.some((night) => {
        const a = night[i]!;
        const b = night[j]!;
        return Math.min(a.clippedUntil, b.clippedUntil) > Math.max(a.clippedFrom, b.clippedFrom);
      });
      if (overlaps) problems.push({ step: j, problem: 'overlap', with: i });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Calendars.

/** When a calendar applies (any rule matching is enough). */
export type CalendarRule =
  /** The nights whose evenings fall between two dates, both included. */
  | { kind: 'dates'; from: string; until: string }
  /** Every year, the evenings between two month-days (MM-DD), both included; may run over New Year. */
  | { kind: 'annual'; from: string; until: string }
  /** The nights that begin a day of a Hijri month (9: Ramadan), Umm al-Qura. */
  | { kind: 'hijri_month'; month: number }
  /** The evenings of the commune's public holidays (with the e-services adjustments). */
  | { kind: 'public_holidays' };

export interface CalendarDef {
  id: string;
  priority: number;
  rules: readonly CalendarRule[];
}

/** Whether a rule matches the night of `date`; `isHoliday` answers for a day number. */
export function ruleMatches(rule: CalendarRule, date: string, isHoliday: (dayNumber: number) => boolean): boolean {
  const dayNumber = dayNumberOf(date);
  switch (rule.kind) {
    case 'dates':
      return rule.from <= date && date <= rule.until;
    case 'annual': {
      const md = date.slice(5);
      return rule.from <= rule.until ? rule.from <= md && md <= rule.until : md >= rule.from || md <= rule.until;
    }
    case 'hijri_month':
      // The Islamic day begins at sunset: the night of `date` belongs to the next civil day.
      return hijriOf(dayNumber + 1).month === rule.month;
    case 'public_holidays':
      return isHoliday(dayNumber);
  }
}

/** The first calendar (lowest priority number, then id) with a rule matching the night, if any. */
export function matchingCalendar<C extends CalendarDef>(
  calendars: readonly C[],
  date: string,
  isHoliday: (dayNumber: number) => boolean,
): C | undefined {
  return [...calendars]
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .find((c) => c.rules.some((r) => ruleMatches(r, date, isHoliday)));
}
