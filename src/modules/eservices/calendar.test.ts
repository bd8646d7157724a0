import { describe, expect, it } from 'vitest';
import {
  daysLeft,
  deadlineAfter,
  endOfLocalDay,
  type HolidayLookup,
  holidayAdjustmentProblem,
  holidayLookup,
  isWorkingDay,
  localDate,
  MAX_DEADLINE_DAYS,
  moroccanHolidays,
} from './calendar.js';
import { CHECKED_ADJUSTMENTS, CHECKED_HOLIDAYS } from './holidays-morocco-2025-2026.js';

const official = holidayLookup(CHECKED_ADJUSTMENTS);
const ummAlQura = holidayLookup();

// An oracle independent of calendar.ts: local dates from Intl's en-CA (YYYY-MM-DD) format, days by
// UTC arithmetic, holidays through the lookup's public string API only.
const CASABLANCA = 'Africa/Casablanca';
const casablancaDate = new Intl.DateTimeFormat('en-CA', { timeZone: CASABLANCA, year: 'numeric', month: '2-digit', day: '2-digit' });
const local = (at: Date) => casablancaDate.format(at);
function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function working(date: string, lookup: HolidayLookup): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !lookup.isHoliday(date);
}
/** The working days after `after` up to and including `upTo`. */
function workingDaysBetween(after: string, upTo: string, lookup: HolidayLookup): number {
  let n = 0;
  for (let d = addDays(after, 1); d <= upTo; d = addDays(d, 1)) if (working(d, lookup)) n++;
  return n;
}
const pairs = (list: { id: string; date: string }[]) => list.map((h) => `${h.date} ${h.id}`).sort();

describe('moroccanHolidays', () => {
  for (const year of [2025, 2026] as const) {
    it(`gives the ${year} holidays as Morocco observed them (the hand-checked table), with the admin's adjustments`, () => {
      const expected = CHECKED_HOLIDAYS[year].flatMap((h) => h.dates.map((date) => ({ id: h.id, date })));
      expect(pairs(moroccanHolidays(year, CHECKED_ADJUSTMENTS))).toEqual(pairs(expected));
    });
  }

  it('shows where Umm al-Qura alone differs from the official 2025 dates: the four Islamic holidays, each a day early', () => {
    const computed = moroccanHolidays(2025);
    const differing = CHECKED_HOLIDAYS[2025].filter((h) => h.computed);
    expect(differing.map((h) => h.id).sort()).toEqual(['eid_al_adha', 'eid_al_fitr', 'islamic_new_year', 'mawlid']);
    for (const h of differing) {
      const dates = computed.filter((c) => c.id === h.id).map((c) => c.date);
      expect(dates, h.id).toEqual(h.computed);
      expect(dates, h.id).not.toEqual(h.dates);
    }
    // Eid al-Fitr 2025: Sunday 30 March by Umm al-Qura (Saudi Arabia), Monday 31 March in Morocco.
    expect(computed.filter((h) => h.id === 'eid_al_fitr').map((h) => h.date)).toEqual(['2025-03-30', '2025-03-31']);
    expect(ummAlQura.isHoliday('2025-04-01')).toBe(false);
    expect(official.isHoliday('2025-04-01')).toBe(true);
  });

  it('needs no adjustment for Eid al-Fitr 2026: Morocco and Umm al-Qura both had Friday 20 March', () => {
    const fitr = moroccanHolidays(2026).filter((h) => h.id === 'eid_al_fitr');
    expect(fitr.map((h) => h.date)).toEqual(['2026-03-20', '2026-03-21']);
    expect(fitr.every((h) => !h.adjusted)).toBe(true);
  });

  it('keeps unconfirmed 2026 dates at their computed value (no official announcement found: see the table)', () => {
    const unconfirmed = CHECKED_HOLIDAYS[2026].filter((h) => !h.confirmed);
    expect(unconfirmed.map((h) => h.id).sort()).toEqual(['eid_al_adha', 'islamic_new_year', 'mawlid']);
    const computed = moroccanHolidays(2026);
    for (const h of unconfirmed) expect(computed.filter((c) => c.id === h.id).map((c) => c.date)).toEqual(h.dates);
  });

  it('moves every day of an adjusted holiday, marks it adjusted and keeps the computed date beside it', () => {
    const adha = moroccanHolidays(2025, CHECKED_ADJUSTMENTS).filter((h) => h.id === 'eid_al_adha');
    expect(adha).toEqual([
      expect.objectContaining({ date: '2025-06-07', day: 1, days: 2, hijriYear: 1446, computedDate: '2025-06-06', adjusted: true }),
      expect.objectContaining({ date: '2025-06-08', day: 2, days: 2, hijriYear: 1446, computedDate: '2025-06-07', adjusted: true }),
    ]);
    // Other holidays stay as computed.
    expect(moroccanHolidays(2026, CHECKED_ADJUSTMENTS).some((h) => h.adjusted)).toBe(false);
  });

  it('counts Unity Day (31 October) from 2026 and the Amazigh New Year (14 January) from 2024', () => {
    expect(moroccanHolidays(2025).some((h) => h.id === 'unity_day')).toBe(false);
    expect(moroccanHolidays(2026).find((h) => h.id === 'unity_day')?.date).toBe('2026-10-31');
    expect(moroccanHolidays(2023).some((h) => h.id === 'amazigh_new_year')).toBe(false);
    expect(moroccanHolidays(2024).find((h) => h.id === 'amazigh_new_year')?.date).toBe('2024-01-14');
  });

  it('names every holiday in Arabic, French and English', () => {
    for (const h of moroccanHolidays(2026)) {
      expect(h.name.ar, h.id).toMatch(/\p{Script=Arabic}/u);
      expect(h.name.fr, h.id).toBeTruthy();
      expect(h.name.en, h.id).toBeTruthy();
    }
  });

  it('lists both holidays when two fall on the same day, and an Islamic holiday twice in one Gregorian year', () => {
    // 1 Muharram 1442 fell on 20 August 2020, the Revolution of the King and the People.
    expect(
      moroccanHolidays(2020)
        .filter((h) => h.date === '2020-08-20')
        .map((h) => h.id)
        .sort(),
    ).toEqual(['islamic_new_year', 'revolution_king_people']);
    // 2008 began two Hijri years: 1 Muharram 1429 (10 January) and 1430 (29 December).
    expect(
      moroccanHolidays(2008)
        .filter((h) => h.id === 'islamic_new_year')
        .map((h) => `${h.hijriYear} ${h.date}`),
    ).toEqual(['1429 2008-01-10', '1430 2008-12-29']);
  });

  it('moves a holiday across New Year when an adjustment says so', () => {
    const adjustments = [{ holiday: 'islamic_new_year', hijriYear: 1430, date: '2009-01-01' }];
    expect(moroccanHolidays(2008, adjustments).filter((h) => h.id === 'islamic_new_year')).toHaveLength(1);
    expect(moroccanHolidays(2009, adjustments).filter((h) => h.id === 'islamic_new_year')[0]).toMatchObject({
      date: '2009-01-01',
      hijriYear: 1430,
      computedDate: '2008-12-29',
      adjusted: true,
    });
  });

  it('refuses adjustments that are not an Islamic holiday, not a date, not a Hijri year or too far from the computed date', () => {
    const cases = [
      [{ holiday: 'throne_day', hijriYear: 1446, date: '2025-07-31' }, 'unknown_holiday'],
      [{ holiday: 'eid_al_fitr', hijriYear: 1446.5, date: '2025-03-31' }, 'hijri_year'],
      [{ holiday: 'eid_al_fitr', hijriYear: 99, date: '2025-03-31' }, 'hijri_year'],
      [{ holiday: 'eid_al_fitr', hijriYear: 1446, date: '2025-02-30' }, 'date'],
      [{ holiday: 'eid_al_fitr', hijriYear: 1446, date: '31/03/2025' }, 'date'],
      [{ holiday: 'eid_al_fitr', hijriYear: 1446, date: '2025-04-10' }, 'too_far'],
    ] as const;
    for (const [adjustment, problem] of cases) {
      expect(holidayAdjustmentProblem(adjustment), JSON.stringify(adjustment)).toBe(problem);
      expect(() => moroccanHolidays(2025, [adjustment])).toThrow(/invalid holiday adjustment/);
      expect(() => holidayLookup([adjustment])).toThrow(/invalid holiday adjustment/);
    }
    expect(holidayAdjustmentProblem({ holiday: 'eid_al_fitr', hijriYear: 1446, date: '2025-03-31' })).toBeNull();
  });

  it('refuses a year outside 2000–2100 or not a whole number', () => {
    for (const year of [1999, 2101, 2025.5, Number.NaN]) expect(() => moroccanHolidays(year)).toThrow(/years 2000–2100/);
  });
});

describe('holidayLookup', () => {
  it('answers for any date, computing each year once', () => {
    expect(official.isHoliday('2025-07-30')).toBe(true);
    expect(official.isHoliday('2025-07-31')).toBe(false);
    expect(official.isHoliday('2026-10-31')).toBe(true);
    expect(official.holidays(2025)).toBe(official.holidays(2025));
    expect(official.holidays(2025).map((h) => h.date)).toEqual([...official.holidays(2025).map((h) => h.date)].sort());
  });

  it('throws on a malformed date or a year out of range', () => {
    for (const bad of ['2025-13-01', '2025-02-29', '31/03/2025', '', '2025-3-1'])
      expect(() => official.isHoliday(bad)).toThrow(/not a date/);
    expect(() => official.isHoliday('1999-12-31')).toThrow(/years 2000–2100/);
  });
});

describe('deadlineAfter', () => {
  it('ends a calendar deadline at the end of the last local day, counting from the day after the start', () => {
    // Friday 10 January 2025, 11:00 in Casablanca (+01): 30 days → Sunday 9 February, 23:59:59.999 +01.
    expect(deadlineAfter(new Date('2025-01-10T10:00:00Z'), 30, 'calendar', official).toISOString()).toBe('2025-02-09T22:59:59.999Z');
    // Zero days: the end of the start's own day.
    expect(deadlineAfter(new Date('2025-01-10T10:00:00Z'), 0, 'calendar', official).toISOString()).toBe('2025-01-10T22:59:59.999Z');
  });

  it("counts from the start's local date, not its UTC date", () => {
    // 23:30 UTC on 9 January is 00:30 on 10 January in Casablanca.
    const start = new Date('2025-01-09T23:30:00Z');
    expect(localDate(start)).toBe('2025-01-10');
    expect(deadlineAfter(start, 1, 'calendar', official).toISOString()).toBe('2025-01-11T22:59:59.999Z');
  });

  it('skips the weekend and both days of Eid al-Fitr in working days (and the official date matters)', () => {
    // Friday 28 March 2025; Sat 29, Sun 30, Eid Mon 31 March and Tue 1 April are off: Wed 2, Thu 3, Fri 4 April.
    // Morocco is at +00 during Ramadan (until 6 April 2025), so the end of 4 April is 23:59:59.999Z.
    const start = new Date('2025-03-28T10:00:00Z');
    expect(deadlineAfter(start, 3, 'working', official).toISOString()).toBe('2025-04-04T23:59:59.999Z');
    // With Umm al-Qura's dates (Eid on 30–31 March) the deadline would be a day earlier.
    expect(deadlineAfter(start, 3, 'working', ummAlQura).toISOString()).toBe('2025-04-03T23:59:59.999Z');
  });

  it('skips the weekend and Throne Day in working days', () => {
    // Thursday 24 July 2025: Fri 25, Mon 28, Tue 29, (Wed 30 Throne Day), Thu 31, Fri 1 August.
    expect(deadlineAfter(new Date('2025-07-24T09:00:00Z'), 5, 'working', official).toISOString()).toBe('2025-08-01T22:59:59.999Z');
    // A start on a Saturday counts from Monday.
    expect(deadlineAfter(new Date('2025-07-26T09:00:00Z'), 1, 'working', official).toISOString()).toBe('2025-07-28T22:59:59.999Z');
  });

  it('agrees with a day-by-day count of working days for every start of 2025 and 2026', () => {
    for (let day = '2025-01-01'; day <= '2026-12-31'; day = addDays(day, 1)) {
      const start = new Date(`${day}T12:00:00Z`);
      for (const days of [1, 10, 30, 60]) {
        const deadline = deadlineAfter(start, days, 'working', official);
        const last = local(deadline);
        expect(workingDaysBetween(day, last, official), `${day} + ${days}`).toBe(days);
        expect(working(last, official), `${day} + ${days}`).toBe(true);
        expect(local(new Date(deadline.getTime() + 1)), `${day} + ${days}`).toBe(addDays(last, 1));
      }
    }
  });

  it("ends deadlines across Ramadan's change of offset at local midnight (+01 → +00 → +01)", () => {
    // 10 February 2025 (+01) + 30 days = 12 March, inside Ramadan's +00.
    expect(deadlineAfter(new Date('2025-02-10T09:00:00Z'), 30, 'calendar', official).toISOString()).toBe('2025-03-12T23:59:59.999Z');
    // 20 March 2025 (+00) + 30 days = 19 April, back at +01.
    expect(deadlineAfter(new Date('2025-03-20T09:00:00Z'), 30, 'calendar', official).toISOString()).toBe('2025-04-19T22:59:59.999Z');
    // 23:30 UTC on 22 February 2025 is 00:30 on the 23rd at +01 (the change is at 03:00 that night).
    const beforeChange = new Date('2025-02-22T23:30:00Z');
    expect(localDate(beforeChange)).toBe('2025-02-23');
    expect(deadlineAfter(beforeChange, 1, 'calendar', official).toISOString()).toBe('2025-02-24T23:59:59.999Z');
    // 23:30 UTC on 5 April 2025 is still 5 April (+00); 6 April ends at +01.
    expect(deadlineAfter(new Date('2025-04-05T23:30:00Z'), 1, 'calendar', official).toISOString()).toBe('2025-04-06T22:59:59.999Z');
    // 2026: Ramadan's +00 ran from 15 February to 22 March.
    expect(deadlineAfter(new Date('2026-03-15T12:00:00Z'), 15, 'calendar', official).toISOString()).toBe('2026-03-30T22:59:59.999Z');
    expect(deadlineAfter(new Date('2026-02-02T12:00:00Z'), 30, 'working', official).toISOString()).toBe(
      endOfLocalDay('2026-03-16').toISOString(),
    );
    expect(endOfLocalDay('2026-03-16').toISOString()).toBe('2026-03-16T23:59:59.999Z');
  });

  it('leaves a calendar deadline on a weekend or holiday where it falls, unless asked to extend it to the next working day', () => {
    // Monday 30 June 2025 + 30 days = Wednesday 30 July, Throne Day.
    const start = new Date('2025-06-30T09:00:00Z');
    expect(deadlineAfter(start, 30, 'calendar', official).toISOString()).toBe('2025-07-30T22:59:59.999Z');
    expect(deadlineAfter(start, 30, 'calendar', official, CASABLANCA, { extendToWorkingDay: true }).toISOString()).toBe(
      '2025-07-31T22:59:59.999Z',
    );
    // Thursday 2 January 2025 + 30 days = Saturday 1 February → Monday 3 February.
    const saturday = new Date('2025-01-02T09:00:00Z');
    expect(deadlineAfter(saturday, 30, 'calendar', official).toISOString()).toBe('2025-02-01T22:59:59.999Z');
    expect(deadlineAfter(saturday, 30, 'calendar', official, CASABLANCA, { extendToWorkingDay: true }).toISOString()).toBe(
      '2025-02-03T22:59:59.999Z',
    );
  });

  it('handles leap years', () => {
    // 29 February 2028 exists (and is inside Ramadan's +00); 2025 and 2100 have none.
    expect(deadlineAfter(new Date('2028-02-28T12:00:00Z'), 1, 'calendar', official).toISOString()).toBe('2028-02-29T23:59:59.999Z');
    expect(localDate(deadlineAfter(new Date('2025-02-28T12:00:00Z'), 1, 'calendar', official))).toBe('2025-03-01');
    expect(localDate(deadlineAfter(new Date('2100-02-28T12:00:00Z'), 1, 'calendar', official))).toBe('2100-03-01');
    expect(localDate(deadlineAfter(new Date('2027-03-01T12:00:00Z'), 365, 'calendar', official))).toBe('2028-02-29');
    // Monday 28 February 2028 + 2 working days: Tuesday 29 February, Wednesday 1 March.
    expect(localDate(deadlineAfter(new Date('2028-02-28T12:00:00Z'), 2, 'working', official))).toBe('2028-03-01');
    expect(isWorkingDay('2028-02-29', official)).toBe(true);
  });

  it('computes in another time zone when given one', () => {
    expect(deadlineAfter(new Date('2025-01-10T10:00:00Z'), 30, 'calendar', official, 'UTC').toISOString()).toBe('2025-02-09T23:59:59.999Z');
    // Santiago's clock jumps from 24:00 to 01:00 on 7 September 2025: 6 September still ends at 23:59:59.999 −04.
    expect(deadlineAfter(new Date('2025-09-06T12:00:00Z'), 0, 'calendar', official, 'America/Santiago').toISOString()).toBe(
      '2025-09-07T03:59:59.999Z',
    );
  });

  it('works with any HolidayLookup (one with only isHoliday)', () => {
    const onlyThroneDay: HolidayLookup = { isHoliday: (date) => date.endsWith('-07-30'), holidays: () => [] };
    expect(deadlineAfter(new Date('2025-07-24T09:00:00Z'), 5, 'working', onlyThroneDay).toISOString()).toBe('2025-08-01T22:59:59.999Z');
  });

  it('throws a clear Error on invalid input', () => {
    const start = new Date('2025-01-10T10:00:00Z');
    for (const days of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_DEADLINE_DAYS + 1, '30' as unknown as number]) {
      expect(() => deadlineAfter(start, days, 'calendar', official), String(days)).toThrow(/days must be a whole number/);
    }
    expect(() => deadlineAfter(new Date('not a date'), 30, 'calendar', official)).toThrow(/start must be a valid Date/);
    expect(() => deadlineAfter(Number.NaN as unknown as Date, 30, 'calendar', official)).toThrow(/start must be a valid Date/);
    expect(() => deadlineAfter('2025-01-10' as unknown as Date, 30, 'calendar', official)).toThrow(/start must be a valid Date/);
    expect(() => deadlineAfter(start, 30, 'weekly' as never, official)).toThrow(/kind must be one of calendar, working/);
    expect(() => deadlineAfter(start, 30, 'calendar', official, 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
    expect(() => deadlineAfter(new Date('1999-12-20T10:00:00Z'), 30, 'working', official)).toThrow(/years 2000–2100/);
    expect(() => localDate(new Date(Number.NaN))).toThrow(/at must be a valid Date/);
    expect(() => endOfLocalDay('2025-02-30')).toThrow(/not a date/);
  });
});

describe('daysLeft, pausing and resuming', () => {
  it('counts the whole days after the local date of `at` up to the last day, and 0 from the last day on', () => {
    const start = new Date('2025-01-10T10:00:00Z');
    const deadline = deadlineAfter(start, 30, 'calendar', official);
    expect(daysLeft(start, deadline, 'calendar', official)).toBe(30);
    expect(daysLeft(new Date('2025-01-10T22:30:00Z'), deadline, 'calendar', official)).toBe(30); // 23:30 local, same day
    expect(daysLeft(new Date('2025-01-10T23:30:00Z'), deadline, 'calendar', official)).toBe(29); // 00:30 local on the 11th
    expect(daysLeft(new Date('2025-02-09T08:00:00Z'), deadline, 'calendar', official)).toBe(0); // the last day
    expect(daysLeft(new Date('2025-03-01T08:00:00Z'), deadline, 'calendar', official)).toBe(0); // past it
    const working = deadlineAfter(new Date('2025-07-24T09:00:00Z'), 5, 'working', official);
    expect(daysLeft(new Date('2025-07-24T09:00:00Z'), working, 'working', official)).toBe(5);
    expect(daysLeft(new Date('2025-07-29T09:00:00Z'), working, 'working', official)).toBe(2); // Throne Day is not counted
  });

  it('gives the same deadline back when a clock is paused and resumed the same day', () => {
    for (let day = '2025-01-01'; day <= '2026-12-31'; day = addDays(day, 7)) {
      const start = new Date(`${day}T09:00:00Z`);
      for (const kind of ['calendar', 'working'] as const) {
        const deadline = deadlineAfter(start, 60, kind, official);
        const pausedAt = new Date(start.getTime() + 20 * 86_400_000);
        const resumedAt = new Date(pausedAt.getTime() + 3_600_000);
        const again = deadlineAfter(resumedAt, daysLeft(pausedAt, deadline, kind, official), kind, official);
        expect(again.toISOString(), `${day} ${kind}`).toBe(deadline.toISOString());
      }
    }
  });

  it('moves a calendar deadline by exactly the local days the clock was paused, across the Ramadan offset change', () => {
    // 60 days from 1 February 2025 → 2 April (+00). Paused 20 February (+01), resumed 5 March (+00): 13 days later.
    const deadline = deadlineAfter(new Date('2025-02-01T10:00:00Z'), 60, 'calendar', official);
    expect(deadline.toISOString()).toBe('2025-04-02T23:59:59.999Z');
    const left = daysLeft(new Date('2025-02-20T10:00:00Z'), deadline, 'calendar', official);
    expect(left).toBe(41);
    // 5 March + 41 = 15 April, at +01 again.
    expect(deadlineAfter(new Date('2025-03-05T10:00:00Z'), left, 'calendar', official).toISOString()).toBe('2025-04-15T22:59:59.999Z');
  });

  it('gives back exactly the remaining working days after a pause (used before + left = the deadline)', () => {
    for (let day = '2025-01-01'; day <= '2026-12-31'; day = addDays(day, 5)) {
      const start = new Date(`${day}T11:00:00Z`);
      const deadline = deadlineAfter(start, 60, 'working', official);
      for (const [pauseAfter, pauseFor] of [
        [3, 10],
        [17, 1],
        [29, 45],
      ] as const) {
        const pausedAt = new Date(start.getTime() + pauseAfter * 86_400_000);
        const resumedAt = new Date(pausedAt.getTime() + pauseFor * 86_400_000);
        const left = daysLeft(pausedAt, deadline, 'working', official);
        const used = workingDaysBetween(local(start), local(pausedAt), official);
        expect(used + left, `${day} paused after ${pauseAfter}`).toBe(60);
        const resumed = deadlineAfter(resumedAt, left, 'working', official);
        expect(workingDaysBetween(local(resumedAt), local(resumed), official), `${day} resumed`).toBe(left);
      }
    }
  });

  it('leaves a clock paused on its last day the whole day of its resumption', () => {
    const deadline = deadlineAfter(new Date('2025-01-10T10:00:00Z'), 30, 'calendar', official);
    const left = daysLeft(new Date('2025-02-09T10:00:00Z'), deadline, 'calendar', official);
    expect(left).toBe(0);
    expect(deadlineAfter(new Date('2025-02-20T10:00:00Z'), left, 'calendar', official).toISOString()).toBe('2025-02-20T22:59:59.999Z');
  });

  it('throws a clear Error on invalid dates or kind', () => {
    const deadline = deadlineAfter(new Date('2025-01-10T10:00:00Z'), 30, 'calendar', official);
    expect(() => daysLeft(new Date(Number.NaN), deadline, 'calendar', official)).toThrow(/at must be a valid Date/);
    expect(() => daysLeft(new Date(), new Date('x'), 'calendar', official)).toThrow(/deadline must be a valid Date/);
    expect(() => daysLeft(new Date(), deadline, 'hours' as never, official)).toThrow(/kind must be one of/);
  });
});
