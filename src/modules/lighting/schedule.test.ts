import fs from 'node:fs';
import { getTimes } from 'suncalc';
import { describe, expect, it } from 'vitest';
import { DAY_MS, wallClock } from '../../platform/time/local-time.js';
import { dateOfDayNumber, dayNumberOf, hijriOf } from '../eservices/index.js';
import {
  type CalendarRule,
  candidateNights,
  DEFAULT_NIGHT,
  expectedLevel,
  localHours,
  matchingCalendar,
  type NightPlan,
  nightPlan,
  type Place,
  type ProfileStep,
  profileProblems,
  ruleMatches,
} from './schedule.js';

/**
 * Berkane: the centroid of its boundary (../shared/data/morocco/berkane_commune.geojson, computed
 * with ogrinfo's ST_Centroid), in Africa/Casablanca.
 */
const BERKANE: Place = { latitude: 34.92746, longitude: -2.31819, timeZone: 'Africa/Casablanca' };

/** The example: full to 23:00, half to 05:00, full to dawn. */
const EXAMPLE: ProfileStep[] = [
  { from: { at: 'dusk', offsetMinutes: 0 }, until: { at: 'clock', time: '23:00' }, level: 100 },
  { from: { at: 'clock', time: '23:00' }, until: { at: 'clock', time: '05:00' }, level: 50 },
  { from: { at: 'clock', time: '05:00' }, until: { at: 'dawn', offsetMinutes: 0 }, level: 100 },
];

/** The instants of a year where the zone's offset changes, from the runtime's tz database (ICU). */
function offsetChanges(year: number, timeZone: string): { at: number; before: number; after: number }[] {
  const out: { at: number; before: number; after: number }[] = [];
  const offset = (t: number) => (wallClock(t, timeZone) - t) / 60_000;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 3_600_000) {
    if (offset(t) !== offset(t + 3_600_000)) {
      // Down to the minute.
      let lo = t;
      let hi = t + 3_600_000;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offset(mid) === offset(t)) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, before: offset(t), after: offset(hi) });
    }
  }
  return out;
}

const localDateOf = (t: number) => dateOfDayNumber(Math.floor(wallClock(t, BERKANE.timeZone) / DAY_MS));
const at = (iso: string) => new Date(iso);

function summary(plan: NightPlan) {
  return {
    date: plan.date,
    dusk: plan.dusk.toISOString(),
    dawn: plan.dawn.toISOString(),
    intervals: plan.intervals.map((i) => ({ from: i.fromLocal, until: i.untilLocal, fromUtc: i.from.toISOString(), level: i.level })),
  };
}

describe('the night plan (golden file)', () => {
  // Around each Ramadan switch of 2025 and 2026 (dates from the tz database), and the longest and
  // shortest nights of 2026. UPDATE_GOLDEN=1 rewrites the file; review its diff.
  const switchNights = [2025, 2026].flatMap((year) =>
    offsetChanges(year, BERKANE.timeZone).flatMap((c) => {
      const day = dayNumberOf(localDateOf(c.at));
      return [dateOfDayNumber(day - 1), dateOfDayNumber(day)];
    }),
  );
  const nights = [...switchNights, '2026-06-20', '2026-12-21'];

  it('matches the golden plans', () => {
    const plans = nights.map((date) => summary(nightPlan(date, BERKANE, DEFAULT_NIGHT, EXAMPLE)));
    const file = new URL('./schedule.golden.json', import.meta.url);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, `${JSON.stringify(plans, null, 2)}\n`);
    expect(plans).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });
});

describe('Ramadan offset changes in Africa/Casablanca', () => {
  for (const year of [2025, 2026]) {
    const changes = offsetChanges(year, BERKANE.timeZone);

    it(`finds ${year}'s two changes in the tz database: +01 → +00 before Ramadan, back after it`, () => {
      expect(changes.map((c) => [c.before, c.after])).toEqual([
        [60, 0],
        [0, 60],
      ]);
      // Each change falls on a Sunday, in the small hours (02:00 or 03:00 local, before it).
      for (const c of changes) {
        expect(new Date(c.at).getUTCDay()).toBe(0);
        expect(new Date(c.at).getUTCHours()).toBe(2);
      }
    });

    for (const [i, c] of changes.entries()) {
      const changeDay = dayNumberOf(localDateOf(c.at));
      it(`${year} change ${i + 1}: 23:00 and 05:00 are read at the offset in force that night`, () => {
        // The night across the change: the evening at the old offset, the morning at the new one.
        const across = nightPlan(dateOfDayNumber(changeDay - 1), BERKANE, DEFAULT_NIGHT, EXAMPLE);
        const half = across.intervals.find((x) => x.level === 50)!;
        expect(half.fromLocal.slice(11)).toBe(`23:00${c.before === 60 ? '+01:00' : '+00:00'}`);
        expect(half.untilLocal.slice(11)).toBe(`05:00${c.after === 60 ? '+01:00' : '+00:00'}`);
        // The half-power stretch lasts six hours, plus or minus the hour the clock moved.
        const hours = (half.until.getTime() - half.from.getTime()) / 3_600_000;
        expect(hours).toBe(6 + (c.before - c.after) / 60);
        // The night after: entirely at the new offset, six hours again.
        const after = nightPlan(dateOfDayNumber(changeDay), BERKANE, DEFAULT_NIGHT, EXAMPLE);
        const half2 = after.intervals.find((x) => x.level === 50)!;
        expect((half2.until.getTime() - half2.from.getTime()) / 3_600_000).toBe(6);
        expect(half2.from.getTime()).toBe(Date.UTC(...ymd(dateOfDayNumber(changeDay)), 23) - c.after * 60_000);
      });
    }
  }
});

describe('local hours for a chart axis', () => {
  it('repeats an hour when the clock goes back for Ramadan and skips one when it goes forward', () => {
    for (const year of [2025, 2026]) {
      const [back, forward] = offsetChanges(year, BERKANE.timeZone);
      const around = (c: { at: number }) =>
        localHours(new Date(c.at - 3 * 3_600_000), new Date(c.at + 3 * 3_600_000), BERKANE.timeZone).map((h) => h.local);
      const early = around(back!);
      expect(early.length).toBe(7);
      expect(new Set(early).size).toBe(6);
      const late = around(forward!);
      expect(late.length).toBe(7);
      expect(late.at(-1)).not.toBe(late.at(0));
      // Six steps of an hour span seven hours on the clock (mod 24: the night crosses midnight).
      expect((Number(late.at(-1)!.slice(0, 2)) - Number(late.at(0)!.slice(0, 2)) + 24) % 24).toBe(7);
    }
  });
});

function ymd(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m - 1, d];
}

describe('levels through the night', () => {
  const plan = nightPlan('2026-06-20', BERKANE, DEFAULT_NIGHT, EXAMPLE);

  it('covers dusk to dawn without gaps, in order', () => {
    expect(plan.intervals[0]!.from).toEqual(plan.dusk);
    expect(plan.intervals.at(-1)!.until).toEqual(plan.dawn);
    for (let i = 1; i < plan.intervals.length; i++) expect(plan.intervals[i]!.from).toEqual(plan.intervals[i - 1]!.until);
    expect(plan.intervals.map((i) => i.level)).toEqual([100, 50, 100]);
  });

  it('is off by day and follows the steps across midnight', () => {
    expect(expectedLevel(plan, at('2026-06-20T15:00:00Z'))).toBe(0);
    expect(expectedLevel(plan, at('2026-06-20T21:00:00Z'))).toBe(100); // 22:00 local
    expect(expectedLevel(plan, at('2026-06-20T22:00:00Z'))).toBe(50); // 23:00 local: the step starts
    expect(expectedLevel(plan, at('2026-06-20T23:30:00Z'))).toBe(50); // 00:30 local, next day
    expect(expectedLevel(plan, at('2026-06-21T04:00:00Z'))).toBe(100); // 05:00 local
    expect(expectedLevel(plan, at('2026-06-21T08:00:00Z'))).toBe(0);
    // After midnight the lamps follow the previous evening's night.
    expect(candidateNights(at('2026-06-20T23:30:00Z'), BERKANE.timeZone)).toEqual(['2026-06-21', '2026-06-20']);
  });

  it('has the short nights of high summer and the long ones of mid-winter', () => {
    const hours = (p: NightPlan) => (p.dawn.getTime() - p.dusk.getTime()) / 3_600_000;
    const winter = nightPlan('2026-12-21', BERKANE, DEFAULT_NIGHT, EXAMPLE);
    expect(hours(plan)).toBeGreaterThan(9);
    expect(hours(plan)).toBeLessThan(10);
    expect(hours(winter)).toBeGreaterThan(14);
    expect(hours(winter)).toBeLessThan(15);
    // Winter: dawn comes after 05:00 by more than two hours; summer by under an hour.
    expect(winter.intervals.map((i) => i.level)).toEqual([100, 50, 100]);
  });

  it('moves dusk and dawn by the offsets and the sun altitude', () => {
    const base = nightPlan('2026-06-20', BERKANE, DEFAULT_NIGHT, []);
    const shifted = nightPlan('2026-06-20', BERKANE, { sunAltitude: -0.833, duskOffsetMinutes: 15, dawnOffsetMinutes: -10 }, []);
    expect(shifted.dusk.getTime() - base.dusk.getTime()).toBe(15 * 60_000);
    expect(shifted.dawn.getTime() - base.dawn.getTime()).toBe(-10 * 60_000);
    const civil = nightPlan('2026-06-20', BERKANE, { ...DEFAULT_NIGHT, sunAltitude: -6 }, []);
    expect(civil.intervals).toEqual([expect.objectContaining({ level: 100 })]);
    // The same instants (to the second) as suncalc's own sunset/sunrise (−0.833°) and civil dusk/dawn (−6°).
    for (const date of ['2026-03-01', '2026-06-20', '2026-12-21']) {
      const [y, m, d] = ymd(date);
      const almanac = getTimes(new Date(Date.UTC(y, m, d, 12)), BERKANE.latitude, BERKANE.longitude);
      const tomorrow = getTimes(new Date(Date.UTC(y, m, d + 1, 12)), BERKANE.latitude, BERKANE.longitude);
      const sun = nightPlan(date, BERKANE, DEFAULT_NIGHT, []);
      const twilight = nightPlan(date, BERKANE, { ...DEFAULT_NIGHT, sunAltitude: -6 }, []);
      expect(Math.abs(sun.dusk.getTime() - almanac.sunset!.getTime())).toBeLessThan(1000);
      expect(Math.abs(sun.dawn.getTime() - tomorrow.sunrise!.getTime())).toBeLessThan(1000);
      expect(Math.abs(twilight.dusk.getTime() - almanac.dusk!.getTime())).toBeLessThan(1000);
      expect(Math.abs(twilight.dawn.getTime() - tomorrow.dawn!.getTime())).toBeLessThan(1000);
    }
  });

  it('lights the parts of the night no step covers at full output', () => {
    const p = nightPlan('2026-12-21', BERKANE, DEFAULT_NIGHT, [
      { from: { at: 'clock', time: '01:00' }, until: { at: 'clock', time: '04:00' }, level: 30 },
    ]);
    expect(p.intervals.map((i) => [i.fromLocal.slice(11, 16), i.untilLocal.slice(11, 16), i.level])).toEqual([
      [p.intervals[0]!.fromLocal.slice(11, 16), '01:00', 100],
      ['01:00', '04:00', 30],
      ['04:00', p.intervals[2]!.untilLocal.slice(11, 16), 100],
    ]);
  });
});

describe('profile checks', () => {
  it('accepts the example profile', () => {
    expect(profileProblems(EXAMPLE, BERKANE)).toEqual([]);
  });

  it('refuses overlapping steps', () => {
    const steps: ProfileStep[] = [
      { from: { at: 'dusk', offsetMinutes: 0 }, until: { at: 'clock', time: '00:00' }, level: 100 },
      { from: { at: 'clock', time: '23:00' }, until: { at: 'clock', time: '05:00' }, level: 50 },
    ];
    expect(profileProblems(steps, BERKANE)).toEqual([{ step: 1, problem: 'overlap', with: 0 }]);
  });

  it('refuses a step that ends before it starts', () => {
    const steps: ProfileStep[] = [{ from: { at: 'clock', time: '05:00' }, until: { at: 'clock', time: '23:00' }, level: 50 }];
    expect(profileProblems(steps, BERKANE)).toEqual([{ step: 0, problem: 'until_before_from' }]);
    const relative: ProfileStep[] = [{ from: { at: 'dusk', offsetMinutes: 30 }, until: { at: 'dusk', offsetMinutes: 10 }, level: 50 }];
    expect(profileProblems(relative, BERKANE)).toEqual([{ step: 0, problem: 'until_before_from' }]);
  });

  it('refuses a clock time that is not HH:MM', () => {
    for (const time of ['24:00', '7:00', '23:60', '', '23:00:00']) {
      const steps: ProfileStep[] = [{ from: { at: 'clock', time }, until: { at: 'dawn', offsetMinutes: 0 }, level: 50 }];
      expect(profileProblems(steps, BERKANE)).toEqual([{ step: 0, problem: 'clock_time' }]);
    }
  });
});

describe('calendars', () => {
  const never = () => false;

  it('matches Ramadan nights from the eve of 1 Ramadan to the eve of its last day', () => {
    // 1 Ramadan 1447 (Umm al-Qura) from the runtime's calendar, not written down here.
    let first = dayNumberOf('2026-01-20');
    while (hijriOf(first).month !== 9) first++;
    let eid = first;
    while (hijriOf(eid).month === 9) eid++;
    const ramadan: CalendarRule = { kind: 'hijri_month', month: 9 };
    expect(ruleMatches(ramadan, dateOfDayNumber(first - 2), never)).toBe(false);
    expect(ruleMatches(ramadan, dateOfDayNumber(first - 1), never)).toBe(true);
    expect(ruleMatches(ramadan, dateOfDayNumber(eid - 2), never)).toBe(true);
    // The eve of Aïd Al Fitr belongs to Shawwal.
    expect(ruleMatches(ramadan, dateOfDayNumber(eid - 1), never)).toBe(false);
  });

  it('matches dates, yearly ranges over New Year and public holidays', () => {
    expect(ruleMatches({ kind: 'dates', from: '2026-07-01', until: '2026-07-03' }, '2026-07-03', never)).toBe(true);
    expect(ruleMatches({ kind: 'dates', from: '2026-07-01', until: '2026-07-03' }, '2026-07-04', never)).toBe(false);
    const newYear: CalendarRule = { kind: 'annual', from: '12-31', until: '01-01' };
    expect(ruleMatches(newYear, '2026-12-31', never)).toBe(true);
    expect(ruleMatches(newYear, '2027-01-01', never)).toBe(true);
    expect(ruleMatches(newYear, '2027-01-02', never)).toBe(false);
    const holiday = (dn: number) => dn === dayNumberOf('2026-11-18');
    expect(ruleMatches({ kind: 'public_holidays' }, '2026-11-18', holiday)).toBe(true);
    expect(ruleMatches({ kind: 'public_holidays' }, '2026-11-17', holiday)).toBe(false);
  });

  it('takes the first matching calendar by priority', () => {
    const calendars = [
      { id: 'b', priority: 20, rules: [{ kind: 'annual', from: '01-01', until: '12-31' } as const] },
      { id: 'a', priority: 10, rules: [{ kind: 'dates', from: '2026-07-01', until: '2026-07-01' } as const] },
      { id: 'c', priority: 5, rules: [{ kind: 'dates', from: '2025-01-01', until: '2025-01-01' } as const] },
    ];
    expect(matchingCalendar(calendars, '2026-07-01', never)?.id).toBe('a');
    expect(matchingCalendar(calendars, '2026-07-02', never)?.id).toBe('b');
  });
});
