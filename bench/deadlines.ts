// The deadline clock of the e-services module (src/modules/eservices/calendar.ts) over ten years
// of start dates, beside two peers measured in the same run, and its holidays against the
// hand-checked table of 2025–2026 (src/modules/eservices/holidays-morocco-2025-2026.ts, the
// table calendar.test.ts uses).
//
// Starts: every day from 2020-01-01 to 2029-12-31, each at a different time of day (minute
// i × 7919 mod 1440, UTC), so some fall late in the evening; deadlines of 30 and 60 days, calendar
// and working, in Africa/Casablanca with the 2025 admin adjustments. Targets, in turns, every round:
//
//   - Madina: deadlineAfter(start, days, kind, holidayLookup(adjustments)).
//   - fixed +01, day by day: the shortcut of assuming Morocco is always at UTC+01 (its offset most
//     of the year): local date = UTC date of start + 1 h, a day-by-day loop on day numbers, end of
//     day = 23:59:59.999 at +01. Fast, but wrong whenever the deadline or the start falls in
//     Ramadan's +00.
//   - Intl day by day: a correct alternative with no day arithmetic of its own: step 24 h at a
//     time from the start's local noon, read each local date with a cached Intl.DateTimeFormat
//     (en-CA), and find the end of the last day from the offset Intl gives (timeZoneName
//     longOffset).
//
// Both peers test weekends and holidays exactly as Madina does (the same lookup, its day-number
// fast path): what differs is the time-zone handling. Every target answers the same 14,612
// questions; the table gives each one's rate (median over the rounds, after one untimed warm-up
// pass) and how many of its answers equal Madina's.
import { performance } from 'node:perf_hooks';
import { deadlineAfter, type HolidayLookup, holidayLookup, moroccanHolidays } from '../src/modules/eservices/calendar.js';
import { CHECKED_ADJUSTMENTS, CHECKED_HOLIDAYS } from '../src/modules/eservices/holidays-morocco-2025-2026.js';
import type { DeadlineKind } from '../src/modules/eservices/procedure.js';
import { intEnv, median, num, ratio, table } from './lib.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[deadlines] ${message}\n`);

const TIME_ZONE = 'Africa/Casablanca';
const DAY_MS = 86_400_000;
const CASES: { kind: DeadlineKind; days: number }[] = [
  { kind: 'calendar', days: 30 },
  { kind: 'calendar', days: 60 },
  { kind: 'working', days: 30 },
  { kind: 'working', days: 60 },
];

type Compute = (start: Date, days: number, kind: DeadlineKind) => Date;

// The peers test holidays and weekends the way Madina does (day numbers, the lookup's
// isHolidayDay fast path), so the comparison is about the time-zone handling alone.
function workingDay(dayNumber: number, holidays: HolidayLookup): boolean {
  const weekday = (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  if (weekday === 0 || weekday === 6) return false;
  return !(holidays.isHolidayDay?.(dayNumber) ?? holidays.isHoliday(new Date(dayNumber * DAY_MS).toISOString().slice(0, 10)));
}

/** Peer: Morocco taken to be at UTC+01 all year. */
function fixedOffsetPeer(holidays: HolidayLookup): Compute {
  const OFFSET = 3_600_000;
  return (start, days, kind) => {
    let day = Math.floor((start.getTime() + OFFSET) / DAY_MS); // the local date, as a day number
    if (kind === 'calendar') day += days;
    else {
      for (let left = days; left > 0; ) {
        day++;
        if (workingDay(day, holidays)) left--;
      }
    }
    return new Date((day + 1) * DAY_MS - 1 - OFFSET);
  };
}

/** Peer: every local date read through Intl, 24 h at a time. */
function intlPeer(holidays: HolidayLookup): Compute {
  const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
  const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' });
  const offsetAt = (t: number): number => {
    const name = offsetFormat.formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000) : 0;
  };
  return (start, days, kind) => {
    const first = dateFormat.format(start);
    // The start's local noon: stepping 24 h from there stays inside each local day across a ±1 h change.
    let t = Date.parse(`${first}T12:00:00Z`) - offsetAt(start.getTime());
    let date = first;
    for (let left = days; left > 0; ) {
      t += DAY_MS;
      date = dateFormat.format(t);
      if (kind === 'calendar' || workingDay(Date.parse(`${date}T00:00:00Z`) / DAY_MS, holidays)) left--;
    }
    // The next local midnight: guess with the offset at the last day's noon, then correct once.
    const nextMidnight = Date.parse(`${date}T00:00:00Z`) + DAY_MS;
    let end = nextMidnight - offsetAt(t);
    end = nextMidnight - offsetAt(end);
    return new Date(end - 1);
  };
}

function holidayCorrectness(): { line: string; failures: string[] } {
  let confirmed = 0;
  let matched = 0;
  let matchedWithout = 0;
  let unconfirmed = 0;
  let unconfirmedEqual = 0;
  const failures: string[] = [];
  let extra = 0;
  for (const year of [2025, 2026] as const) {
    const withAdjustments = moroccanHolidays(year, CHECKED_ADJUSTMENTS);
    const without = moroccanHolidays(year);
    const has = (list: typeof without, id: string, date: string) => list.some((h) => h.id === id && h.date === date);
    for (const h of CHECKED_HOLIDAYS[year]) {
      for (const date of h.dates) {
        if (h.confirmed) {
          confirmed++;
          if (has(withAdjustments, h.id, date)) matched++;
          else failures.push(`${h.id} ${date}`);
          if (has(without, h.id, date)) matchedWithout++;
        } else {
          unconfirmed++;
          if (has(withAdjustments, h.id, date)) unconfirmedEqual++;
        }
      }
    }
    const listed = new Set(CHECKED_HOLIDAYS[year].flatMap((h) => h.dates.map((d) => `${h.id} ${d}`)));
    extra += withAdjustments.filter((h) => !listed.has(`${h.id} ${h.date}`)).length;
  }
  const line =
    `**Holidays 2025–2026 against the hand-checked table: ${matched}/${confirmed} official dates computed right** ` +
    `with the four 2025 admin adjustments (${matchedWithout}/${confirmed} from Umm al-Qura alone: 2025's four Islamic ` +
    `holidays came a day later in Morocco), ${extra} computed holiday(s) not in the table; ${unconfirmedEqual}/${unconfirmed} ` +
    '2026 dates without an official announcement found (Eid al-Adha, 1 Muharram, Mawlid) are the computed ones.';
  return { line, failures };
}

export async function runDeadlines(): Promise<BenchOutput> {
  const rounds = intEnv('BENCH_ROUNDS', 5, 1, 50);
  const starts: Date[] = [];
  for (let t = Date.UTC(2020, 0, 1), i = 0; t <= Date.UTC(2029, 11, 31); t += DAY_MS, i++) {
    starts.push(new Date(t + ((i * 7919) % 1440) * 60_000));
  }
  const total = starts.length * CASES.length;

  // A fresh lookup's first pass computes each year's holidays (and the day starts) on first use.
  const madinaLookup = holidayLookup(CHECKED_ADJUSTMENTS);
  const t0 = performance.now();
  const reference = CASES.map(({ kind, days }) => starts.map((s) => deadlineAfter(s, days, kind, madinaLookup, TIME_ZONE).getTime()));
  const coldMs = performance.now() - t0;
  log(`first pass (cold): ${total} deadlines in ${coldMs.toFixed(0)} ms`);

  const peerLookup = holidayLookup(CHECKED_ADJUSTMENTS);
  const targets: { label: string; compute: Compute }[] = [
    { label: 'Madina `deadlineAfter`', compute: (s, d, k) => deadlineAfter(s, d, k, madinaLookup, TIME_ZONE) },
    { label: 'peer: fixed +01, day by day', compute: fixedOffsetPeer(peerLookup) },
    { label: 'peer: Intl day by day', compute: intlPeer(peerLookup) },
  ];

  // Agreement with Madina's answers (from the warm-up pass), and how the others differ.
  const agreement = targets.map((target) => {
    let equal = 0;
    let hourOff = 0;
    let daysOff = 0;
    CASES.forEach(({ kind, days }, c) => {
      starts.forEach((s, i) => {
        const got = target.compute(s, days, kind).getTime();
        const want = reference[c]?.[i] ?? Number.NaN;
        if (got === want) equal++;
        else if (Math.abs(got - want) <= 3_600_000) hourOff++;
        else daysOff++;
      });
    });
    return { equal, hourOff, daysOff };
  });

  // rates[target][case] = computations per second, one per round.
  const rates = targets.map(() => CASES.map(() => [] as number[]));
  const allRates = targets.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    targets.forEach((target, ti) => {
      let elapsed = 0;
      CASES.forEach(({ kind, days }, c) => {
        const t = performance.now();
        for (const s of starts) target.compute(s, days, kind);
        const ms = performance.now() - t;
        elapsed += ms;
        rates[ti]?.[c]?.push(starts.length / (ms / 1000));
      });
      allRates[ti]?.push(total / (elapsed / 1000));
    });
    log(`round ${round + 1}/${rounds}: ${targets.map((t, i) => `${t.label} ${num(allRates[i]?.at(-1) ?? 0)}/s`).join(', ')}`);
  }

  const madinaAll = median(allRates[0] ?? []);
  const rows = targets.map((target, ti) => {
    const a = agreement[ti] ?? { equal: 0, hourOff: 0, daysOff: 0 };
    const differences = a.equal === total ? '' : ` (${num(a.hourOff)} an hour off, ${num(a.daysOff)} a day or more off)`;
    return [
      target.label,
      num(median(allRates[ti] ?? [])),
      ...CASES.map((_, c) => num(median(rates[ti]?.[c] ?? []))),
      ti === 0 ? '×1' : ratio(median(allRates[ti] ?? []) / madinaAll),
      `${num(a.equal)}/${num(total)}${differences}`,
    ];
  });

  const correctness = holidayCorrectness();
  if (correctness.failures.length > 0) log(`holiday dates not computed right: ${correctness.failures.join(', ')}`);

  const markdown = [
    `Deadlines computed per second, ${num(starts.length)} start dates (every day 2020-01-01…2029-12-31) × ` +
      `{calendar, working} × {30, 60} days = ${num(total)} per pass, ${TIME_ZONE}; median of ${rounds} rounds after a warm-up pass ` +
      '(holidays and day starts already computed).',
    '',
    table(['implementation', 'all (/s)', ...CASES.map((c) => `${c.kind} ${c.days} (/s)`), '÷ Madina', 'answers equal to Madina’s'], rows, [
      'l',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'l',
    ]),
    '',
    `- cold: a fresh \`holidayLookup\`'s first pass over the ${num(total)} deadlines took ${num(coldMs)} ms (each year's holidays computed once, ` +
      'through Intl islamic-umalqura).',
    '- The fixed +01 peer ends deadlines an hour early when the last day is in Ramadan (Morocco at +00), and counts from the wrong day ' +
      'for starts between 23:00 and 24:00 UTC in Ramadan.',
    `- ${correctness.line}`,
  ].join('\n');

  return { markdown, settings: { BENCH_ROUNDS: rounds, starts: starts.length, timeZone: TIME_ZONE } };
}
