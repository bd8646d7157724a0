/**
 * Local wall-clock time in a time zone, through Intl and the tz database Node carries (ICU): no
 * fixed offsets, so Morocco's changes around Ramadan (+01 most of the year, +00 during Ramadan)
 * come out right. Shared by the e-services deadline clock and the lighting schedules. Wall-clock
 * readings are handled as milliseconds "of the same reading in UTC" (2025-03-30 23:05 local is
 * Date.UTC(2025, 2, 30, 23, 5)), day numbers as days since 1970-01-01.
 */

export const DAY_MS = 86_400_000;

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** The formatter of a time zone (cached); throws on an unknown zone. */
export function wallFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallFormats.get(timeZone);
  if (!format) {
    if (typeof timeZone !== 'string' || timeZone === '') throw new Error(`not a time zone: ${JSON.stringify(timeZone)}`);
    try {
      format = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Error(`unknown time zone: ${JSON.stringify(timeZone)}`);
    }
    wallFormats.set(timeZone, format);
  }
  return format;
}

// en-US with a 24-hour clock formats as "3/30/2025, 23:05:09": parsed with a regular expression
// (format() is several times faster than formatToParts()), formatToParts() when it does not match.
const WALL_PATTERN = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})$/;

/** The local wall-clock time of instant `t` in `timeZone`, as milliseconds of the same reading in UTC. */
export function wallClock(t: number, timeZone: string): number {
  const format = wallFormat(timeZone);
  const ms = ((t % 1000) + 1000) % 1000;
  const m = WALL_PATTERN.exec(format.format(t));
  if (m) return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) + ms;
  const value: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of format.formatToParts(t)) value[part.type] = Number(part.value);
  return Date.UTC(value.year ?? 0, (value.month ?? 1) - 1, value.day ?? 1, value.hour ?? 0, value.minute ?? 0, value.second ?? 0) + ms;
}

/** The local day number (days since 1970-01-01) of instant `t`. */
export function localDayNumber(t: number, timeZone: string): number {
  return Math.floor(wallClock(t, timeZone) / DAY_MS);
}

/**
 * The instant whose local wall clock reads `wall` (milliseconds of the same reading in UTC): the
 * earliest one when the clock goes back over it, the moment of the jump when it jumps over it.
 */
export function instantOfWallClock(wall: number, timeZone: string): number {
  // The offset a day before, at, and a day after: one of them is the offset in force at `wall`
  // (zones change offset at most once in such a window).
  let best = Number.POSITIVE_INFINITY;
  const tried = new Set<number>();
  for (const probe of [wall, wall - DAY_MS, wall + DAY_MS]) {
    const candidate = wall - (wallClock(probe, timeZone) - probe);
    if (tried.has(candidate)) continue;
    tried.add(candidate);
    if (wallClock(candidate, timeZone) === wall && candidate < best) best = candidate;
  }
  if (best !== Number.POSITIVE_INFINITY) return best;
  // That reading does not exist (the clock jumps over it): the first instant whose wall clock
  // reads at least `wall`.
  let lo = wall - 15 * 3_600_000; // offsets are within −12 h…+14 h
  let hi = wall + 15 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The first instant of local day `dayNumber` (the earliest, when a clock goes back over midnight). */
export function startOfLocalDay(dayNumber: number, timeZone: string): number {
  return instantOfWallClock(dayNumber * DAY_MS, timeZone);
}
