/**
 * The deadline clock of Law 55.19 (arts 10, 14, 17, 19–21): when a deadline of N days counted
 * from an event ends, and how many days of it remain at a given moment (to pause and resume a
 * clock). Pure code: no database, no clock of its own; the holidays come from holidays.ts.
 *
 * The rules, each an interpretation the law leaves open, chosen here and tested:
 * - Days are counted on the commune's local calendar (Africa/Casablanca by default), in whole
 *   days. The day of the event does not count: the first day is the next local day. The deadline
 *   is the end of the last day, 23:59:59.999 local time, returned as an instant.
 * - `calendar` days count every day. `working` days skip Saturdays, Sundays and public holidays
 *   (moroccanHolidays, with the admin's adjustments).
 * - A `calendar` deadline whose last day is a Saturday, Sunday or holiday does NOT move by
 *   default: Law 55.19 says nothing of it, and the citizen's silence-as-approval date should not
 *   depend on the holiday table. `{extendToWorkingDay: true}` moves it to the end of the next
 *   working day instead (as procedural codes commonly do for their own deadlines), for a commune
 *   whose legal advice reads the law that way.
 * - Morocco's UTC offset changes around Ramadan (+01 most of the year, +00 during Ramadan): local
 *   dates and the end of a local day are computed through Intl with the time zone, never with a
 *   fixed offset.
 *
 * Pausing (a request for complementary information, art 14): `daysLeft(pausedAt, deadline)` is
 * the number of whole days (of the deadline's kind) after pausedAt's local date up to and
 * including the deadline's last day; the day of the pause counts as used. On resuming,
 * `deadlineAfter(resumedAt, daysLeft)` gives the new deadline: for calendar days exactly the old
 * one moved by the number of local days paused; paused and resumed the same day, the same one.
 */

import { localDayNumber, startOfLocalDay, wallFormat } from '../../platform/time/local-time.js';
import { dateOfDayNumber, dayNumberOf, type HolidayLookup } from './holidays.js';
import { DEADLINE_KINDS, type DeadlineKind } from './procedure.js';

export {
  ADJUSTMENT_MAX_DAYS,
  FIXED_HOLIDAYS,
  HOLIDAY_YEARS,
  type Holiday,
  type HolidayAdjustment,
  type HolidayKind,
  type HolidayLookup,
  holidayAdjustmentProblem,
  holidayLookup,
  ISLAMIC_HOLIDAYS,
  isIslamicHoliday,
  moroccanHolidays,
} from './holidays.js';

export const MOROCCO_TIME_ZONE = 'Africa/Casablanca';

/** The longest deadline computed (ten years): a bound against absurd input, far above the law's 60 days. */
export const MAX_DEADLINE_DAYS = 3_660;

export interface DeadlineOptions {
  /**
   * `calendar` only: when the last day is a Saturday, Sunday or holiday, end the deadline at the
   * end of the next working day instead. Default false (see the rules above).
   */
  extendToWorkingDay?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Local time through Intl (src/platform/time/local-time.ts).

// The start of a local day never changes (for a given tz database): kept, per zone, up to a
// bound (about 55 years of days) after which the cache starts over.
const dayStarts = new Map<string, Map<number, number>>();
const DAY_STARTS_MAX = 20_000;

/** The last instant (…23:59:59.999 local) of local day `dayNumber`. */
function endOfLocalDayNumber(dayNumber: number, timeZone: string): number {
  let starts = dayStarts.get(timeZone);
  if (!starts) {
    wallFormat(timeZone); // an unknown zone throws here, before it is cached
    starts = new Map();
    dayStarts.set(timeZone, starts);
  }
  let next = starts.get(dayNumber + 1);
  if (next === undefined) {
    if (starts.size >= DAY_STARTS_MAX) starts.clear();
    next = startOfLocalDay(dayNumber + 1, timeZone);
    starts.set(dayNumber + 1, next);
  }
  return next - 1;
}

/** The local date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(at: Date, timeZone: string = MOROCCO_TIME_ZONE): string {
  checkInstant(at, 'at');
  return dateOfDayNumber(localDayNumber(at.getTime(), timeZone));
}

/** The last instant of a local date (YYYY-MM-DD) in `timeZone`: 23:59:59.999 local, as a Date. */
export function endOfLocalDay(date: string, timeZone: string = MOROCCO_TIME_ZONE): Date {
  const dn = dayNumberOf(date);
  if (Number.isNaN(dn)) throw new Error(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return new Date(endOfLocalDayNumber(dn, timeZone));
}

// ---------------------------------------------------------------------------------------------
// Working days.

function isWorkingDayNumber(dayNumber: number, holidays: HolidayLookup): boolean {
  const weekday = (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  if (weekday === 0 || weekday === 6) return false;
  return !(holidays.isHolidayDay ? holidays.isHolidayDay(dayNumber) : holidays.isHoliday(dateOfDayNumber(dayNumber)));
}

/** Whether a date (YYYY-MM-DD) is a working day: not a Saturday, a Sunday or a holiday. */
export function isWorkingDay(date: string, holidays: HolidayLookup): boolean {
  const dn = dayNumberOf(date);
  if (Number.isNaN(dn)) throw new Error(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return isWorkingDayNumber(dn, holidays);
}

/** The next working day strictly after `dayNumber`. */
function nextWorkingDay(dayNumber: number, holidays: HolidayLookup): number {
  // No year has more than ~130 days off: a month without a working day means a broken lookup.
  for (let dn = dayNumber + 1; dn <= dayNumber + 31; dn++) if (isWorkingDayNumber(dn, holidays)) return dn;
  throw new Error(`no working day in the month after ${dateOfDayNumber(dayNumber)}: is the holiday lookup right?`);
}

// ---------------------------------------------------------------------------------------------
// Checks.

function checkInstant(value: unknown, name: string): asserts value is Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) throw new Error(`${name} must be a valid Date, not ${String(value)}`);
}

function checkDays(days: unknown): asserts days is number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_DEADLINE_DAYS) {
    throw new Error(`days must be a whole number from 0 to ${MAX_DEADLINE_DAYS}, not ${String(days)}`);
  }
}

function checkKind(kind: unknown): asserts kind is DeadlineKind {
  if (!(DEADLINE_KINDS as readonly unknown[]).includes(kind)) {
    throw new Error(`kind must be one of ${DEADLINE_KINDS.join(', ')}, not ${JSON.stringify(kind)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The clock.

/**
 * The instant a deadline of `days` days (`calendar` or `working`) counted from `start` ends: the
 * count starts on the local day after `start`'s local date in `timeZone`, and the deadline is the
 * end of the last day (23:59:59.999 local). Zero days: the end of `start`'s own local day.
 * Throws an Error on an invalid Date, a negative, fractional or too large `days`, an unknown kind
 * or time zone, or a date outside the holiday table's years (working days).
 *
 * @example deadlineAfter(new Date('2025-03-28T10:00:00Z'), 3, 'working', holidayLookup(adjustments))
 *   // Friday 28 March 2025; Aïd Al Fitr on Monday 31 March and Tuesday 1 April: Wed 2, Thu 3,
 *   // Fri 4 April → 2025-04-04T23:59:59.999Z (Morocco is at +00 during Ramadan)
 */
export function deadlineAfter(
  start: Date,
  days: number,
  kind: DeadlineKind,
  holidays: HolidayLookup,
  timeZone: string = MOROCCO_TIME_ZONE,
  options: DeadlineOptions = {},
): Date {
  checkInstant(start, 'start');
  checkDays(days);
  checkKind(kind);
  let last = localDayNumber(start.getTime(), timeZone);
  if (kind === 'calendar') {
    last += days;
    if (options.extendToWorkingDay && !isWorkingDayNumber(last, holidays)) last = nextWorkingDay(last, holidays);
  } else {
    for (let i = 0; i < days; i++) last = nextWorkingDay(last, holidays);
  }
  return new Date(endOfLocalDayNumber(last, timeZone));
}

/**
 * The whole days (of `kind`) still to run at `at`: those after `at`'s local date up to and
 * including the local date of `deadline` (for `working`, only the working days among them).
 * 0 on the deadline's last day and after it. To pause a clock at `pausedAt` and resume it at
 * `resumedAt`: `deadlineAfter(resumedAt, daysLeft(pausedAt, deadline, kind, …), kind, …)`.
 */
export function daysLeft(
  at: Date,
  deadline: Date,
  kind: DeadlineKind,
  holidays: HolidayLookup,
  timeZone: string = MOROCCO_TIME_ZONE,
): number {
  checkInstant(at, 'at');
  checkInstant(deadline, 'deadline');
  checkKind(kind);
  const from = localDayNumber(at.getTime(), timeZone);
  const to = localDayNumber(deadline.getTime(), timeZone);
  if (to <= from) return 0;
  if (to - from > MAX_DEADLINE_DAYS) throw new Error(`the deadline is more than ${MAX_DEADLINE_DAYS} days after at`);
  if (kind === 'calendar') return to - from;
  let count = 0;
  for (let dn = from + 1; dn <= to; dn++) if (isWorkingDayNumber(dn, holidays)) count++;
  return count;
}
