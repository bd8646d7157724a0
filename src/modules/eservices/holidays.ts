/**
 * Moroccan public holidays (jours fériés chômés) of a Gregorian year: the fixed national days
 * and the Islamic holidays, computed from the Hijri calendar (Umm al-Qura, as ICU's
 * `islamic-umalqura` has it) and corrected by an admin where Morocco's official date, fixed by
 * the Ministry of Habous after sighting the crescent, differs from the computed one. Pure code:
 * no database, no clock.
 *
 * What the list rests on (checked with public sources, November 2026):
 * - Decree 2.77.169 (28 February 1977, as amended) lists the holidays of public administrations,
 *   local authorities included; Decree 2.04.426 (2004) the paid holidays of the private sector.
 * - Amazigh New Year (Id Yennayer), 14 January: Royal decision of 3 May 2023, decrees adopted in
 *   2023; first observed on 14 January 2024.
 * - Unity Day (Aïd Al Wahda / عيد الوحدة), 31 October: Royal Office statement of November 2025
 *   after UN Security Council resolution 2797 (2025); decrees 2.26.14 (paid holidays) and
 *   2.25.1140 (completing Decree 2.77.169 for public administrations) adopted by the Government
 *   Council in 2026. Counted from 2026: 31 October 2025 was not a holiday (it was the day of the
 *   resolution itself).
 * - Days of each Islamic holiday, as the Ministry of the Reform of the Administration announces
 *   them under Decree 2.77.169: 1 Muharram one day; Aïd Al Mawlid 12–13 Rabi' I; Aïd Al Fitr
 *   1–2 Shawwal; Aïd Al Adha 10–11 Dhu al-Hijja (e.g. Adha 2018 on 22–23 August, 2021 on 21–22
 *   July; Fitr 2024 on 10–11 April, the 12th an exceptional extra day).
 *
 * Not modelled: the exceptional days off the Head of Government grants now and then under
 * article 3 of Decree 2.05.916 (e.g. Monday 9 June 2025 after Aïd Al Adha, Friday 12 April 2024
 * after Aïd Al Fitr). They are decided a few days ahead, one at a time; an adjustment moves a
 * holiday, it does not add one.
 */

import type { Text } from './procedure.js';

export type HolidayKind = 'fixed' | 'islamic';

/** One day off. A holiday of several days (Aïd Al Fitr…) is one entry per day, with `day` of `days`. */
export interface Holiday {
  /** The holiday's stable id (`eid_al_fitr`, `throne_day`…): the key of an adjustment. */
  id: string;
  /** The Gregorian date, YYYY-MM-DD. */
  date: string;
  name: Text;
  kind: HolidayKind;
  /** For a holiday of several days: how many, and which one this date is (1-based). */
  days?: number;
  day?: number;
  /** Islamic holidays: the Hijri year it belongs to (what an adjustment names). */
  hijriYear?: number;
  /** Islamic holidays: the date computed from Umm al-Qura, before any adjustment. */
  computedDate?: string;
  /** True when an admin's adjustment set this holiday's dates. */
  adjusted: boolean;
}

/**
 * An admin's correction of the first day of an Islamic holiday of one Hijri year, when the
 * official (moon-sighting) date differs from the computed one; every day of the holiday moves
 * with it. E.g. `{holiday: 'eid_al_fitr', hijriYear: 1446, date: '2025-03-31'}`.
 */
export interface HolidayAdjustment {
  holiday: string;
  hijriYear: number;
  date: string;
}

/** Answers "is this date a holiday?" for any year, computing each year once. */
export interface HolidayLookup {
  /** Whether `date` (YYYY-MM-DD) is a public holiday. Throws on a malformed date or a year out of range. */
  isHoliday(date: string): boolean;
  /** The holidays of a Gregorian year, sorted by date (the same array on every call). */
  holidays(year: number): readonly Holiday[];
  /** Optional fast path of isHoliday for a day number (days since 1970-01-01), used by the deadline loops. */
  isHolidayDay?(dayNumber: number): boolean;
}

/** The years the table is meant for: Throne Day has been on 30 July since 2000; ICU's Umm al-Qura table ends in 2174. */
export const HOLIDAY_YEARS = { min: 2000, max: 2100 } as const;

/** How far (in days) an adjustment may move a holiday from its computed date: sighting differs by a day or two. */
export const ADJUSTMENT_MAX_DAYS = 3;

interface FixedHoliday {
  id: string;
  month: number;
  day: number;
  /** The first year it is a holiday, when it was instituted within HOLIDAY_YEARS. */
  since?: number;
  name: Text;
}

interface IslamicHoliday {
  id: string;
  hijriMonth: number;
  hijriDay: number;
  days: number;
  name: Text;
}

export const FIXED_HOLIDAYS: readonly FixedHoliday[] = [
  { id: 'new_year', month: 1, day: 1, name: { ar: 'رأس السنة الميلادية', fr: "Jour de l'An", en: "New Year's Day" } },
  {
    id: 'independence_manifesto',
    month: 1,
    day: 11,
    name: { ar: 'ذكرى تقديم وثيقة الاستقلال', fr: "Anniversaire du Manifeste de l'Indépendance", en: 'Independence Manifesto Day' },
  },
  {
    id: 'amazigh_new_year',
    month: 1,
    day: 14,
    since: 2024,
    name: { ar: 'رأس السنة الأمازيغية (إيض يناير)', fr: 'Nouvel An amazigh (Id Yennayer)', en: 'Amazigh New Year (Id Yennayer)' },
  },
  { id: 'labour_day', month: 5, day: 1, name: { ar: 'عيد الشغل', fr: 'Fête du Travail', en: 'Labour Day' } },
  { id: 'throne_day', month: 7, day: 30, name: { ar: 'عيد العرش', fr: 'Fête du Trône', en: 'Throne Day' } },
  {
    id: 'oued_eddahab',
    month: 8,
    day: 14,
    name: { ar: 'ذكرى استرجاع إقليم وادي الذهب', fr: 'Allégeance de Oued Eddahab', en: 'Oued Eddahab Allegiance Day' },
  },
  {
    id: 'revolution_king_people',
    month: 8,
    day: 20,
    name: { ar: 'ذكرى ثورة الملك والشعب', fr: 'Révolution du Roi et du Peuple', en: 'Revolution of the King and the People' },
  },
  { id: 'youth_day', month: 8, day: 21, name: { ar: 'عيد الشباب', fr: 'Fête de la Jeunesse', en: 'Youth Day' } },
  {
    id: 'unity_day',
    month: 10,
    day: 31,
    since: 2026,
    name: { ar: 'عيد الوحدة', fr: "Fête de l'Unité (Aïd Al Wahda)", en: 'Unity Day (Eid al-Wahda)' },
  },
  {
    id: 'green_march',
    month: 11,
    day: 6,
    name: { ar: 'ذكرى المسيرة الخضراء', fr: 'Anniversaire de la Marche Verte', en: 'Green March Day' },
  },
  { id: 'independence_day', month: 11, day: 18, name: { ar: 'عيد الاستقلال', fr: "Fête de l'Indépendance", en: 'Independence Day' } },
];

export const ISLAMIC_HOLIDAYS: readonly IslamicHoliday[] = [
  {
    id: 'islamic_new_year',
    hijriMonth: 1,
    hijriDay: 1,
    days: 1,
    name: { ar: 'فاتح محرم (رأس السنة الهجرية)', fr: "1er Moharram (Nouvel An de l'Hégire)", en: 'Islamic New Year (1 Muharram)' },
  },
  {
    id: 'mawlid',
    hijriMonth: 3,
    hijriDay: 12,
    days: 2,
    name: { ar: 'عيد المولد النبوي الشريف', fr: 'Aïd Al Mawlid Annabaoui', en: "The Prophet's Birthday (Mawlid)" },
  },
  { id: 'eid_al_fitr', hijriMonth: 10, hijriDay: 1, days: 2, name: { ar: 'عيد الفطر', fr: 'Aïd Al Fitr', en: 'Eid al-Fitr' } },
  { id: 'eid_al_adha', hijriMonth: 12, hijriDay: 10, days: 2, name: { ar: 'عيد الأضحى', fr: 'Aïd Al Adha', en: 'Eid al-Adha' } },
];

// Holidays share these names: frozen, so no caller can rename a holiday for everyone.
for (const h of [...FIXED_HOLIDAYS, ...ISLAMIC_HOLIDAYS]) Object.freeze(h.name);

// ---------------------------------------------------------------------------------------------
// Dates as day numbers (days since 1970-01-01): plain integers, no time zone involved.

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of a YYYY-MM-DD date, or NaN when it is not a real date. */
export function dayNumberOf(date: string): number {
  const m = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return t / DAY_MS;
}

/** The YYYY-MM-DD date of a day number. */
export function dateOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < HOLIDAY_YEARS.min || year > HOLIDAY_YEARS.max) {
    throw new Error(`Moroccan holidays are known for the years ${HOLIDAY_YEARS.min}–${HOLIDAY_YEARS.max}, not ${String(year)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The Hijri calendar through Intl (ICU's Umm al-Qura tables).

interface HijriDate {
  year: number;
  month: number;
  day: number;
}

const hijriFormat = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** The Umm al-Qura date of a Gregorian day (the civil day: formatted at noon UTC). */
export function hijriOf(dayNumber: number): HijriDate {
  let year = Number.NaN;
  let month = Number.NaN;
  let day = Number.NaN;
  for (const part of hijriFormat.formatToParts(new Date(dayNumber * DAY_MS + DAY_MS / 2))) {
    // ICU names the Hijri year `year` (some versions `relatedYear`, which TypeScript's lib omits).
    const type: string = part.type;
    if (type === 'year' || type === 'relatedYear') year = Number(part.value);
    else if (type === 'month') month = Number(part.value);
    else if (type === 'day') day = Number(part.value);
  }
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    throw new Error('this runtime cannot format dates in the islamic-umalqura calendar (Node needs full ICU)');
  }
  return { year, month, day };
}

// The arithmetical (tabular) Islamic calendar, only to guess where a Hijri date falls before
// Intl says exactly: it never strays more than a day or two from Umm al-Qura.
const HIJRI_EPOCH = Date.UTC(622, 6, 19) / DAY_MS; // 1 Muharram 1 AH = 16 July 622 (Julian)
function tabular(year: number, month: number, day: number): number {
  return day + Math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + Math.floor((3 + 11 * year) / 30) - 1;
}

const gregorianOfHijri = new Map<string, number>();

/** The Gregorian day number of a Hijri (Umm al-Qura) date. Memoized: ICU's answer never changes. */
export function dayNumberOfHijri(year: number, month: number, day: number): number {
  const key = `${year}-${month}-${day}`;
  const known = gregorianOfHijri.get(key);
  if (known !== undefined) return known;
  const target = tabular(year, month, day);
  let guess = HIJRI_EPOCH + target;
  for (let i = 0; i < 8; i++) {
    const h = hijriOf(guess);
    const diff = target - tabular(h.year, h.month, h.day);
    if (diff === 0) {
      gregorianOfHijri.set(key, guess);
      return guess;
    }
    guess += diff;
  }
  throw new Error(`no Gregorian date found for the Hijri date ${key} (a day past the month's end?)`);
}

// ---------------------------------------------------------------------------------------------
// The holidays of a year.

const ISLAMIC_IDS = new Set(ISLAMIC_HOLIDAYS.map((h) => h.id));

/**
 * Why an adjustment cannot be accepted, or null when it can: `unknown_holiday` (not an Islamic
 * holiday's id), `hijri_year` (not an integer Hijri year within the supported years), `date`
 * (not a real YYYY-MM-DD date), `too_far` (more than ADJUSTMENT_MAX_DAYS from the computed date).
 * The server checks an admin's adjustment with this before storing it.
 */
export function holidayAdjustmentProblem(a: HolidayAdjustment): 'unknown_holiday' | 'hijri_year' | 'date' | 'too_far' | null {
  const def = ISLAMIC_HOLIDAYS.find((h) => h.id === a.holiday);
  if (!def) return 'unknown_holiday';
  // 1420 AH began in April 1999; 1524 AH begins in 2100.
  if (!Number.isInteger(a.hijriYear) || a.hijriYear < 1420 || a.hijriYear > 1524) return 'hijri_year';
  const dn = dayNumberOf(a.date);
  if (Number.isNaN(dn)) return 'date';
  const computed = dayNumberOfHijri(a.hijriYear, def.hijriMonth, def.hijriDay);
  return Math.abs(dn - computed) > ADJUSTMENT_MAX_DAYS ? 'too_far' : null;
}

function adjustmentIndex(adjustments: readonly HolidayAdjustment[]): Map<string, number> {
  const index = new Map<string, number>();
  for (const a of adjustments) {
    const problem = holidayAdjustmentProblem(a);
    if (problem) throw new Error(`invalid holiday adjustment ${JSON.stringify(a)}: ${problem}`);
    index.set(`${a.holiday}/${a.hijriYear}`, dayNumberOf(a.date)); // the last one for a holiday and year wins
  }
  return index;
}

/** The Gregorian year of a day number (arithmetic first: this runs for every day a deadline counts). */
function yearOf(dayNumber: number): number {
  let y = Math.floor(dayNumber / 365.2425) + 1970;
  while (Date.UTC(y, 0, 1) / DAY_MS > dayNumber) y--;
  while (Date.UTC(y + 1, 0, 1) / DAY_MS <= dayNumber) y++;
  return y;
}

function byDate(a: Holiday, b: Holiday): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The Moroccan public holidays of a Gregorian year, one entry per day off, sorted by date:
 * the fixed ones and the Islamic ones (Umm al-Qura), with the admin's `adjustments` applied
 * (each moves every day of that holiday). Two holidays may fall on the same date (1 Muharram
 * 1442 was 20 August 2020): both are listed. Throws on a year outside HOLIDAY_YEARS or an
 * invalid adjustment (see holidayAdjustmentProblem).
 */
export function moroccanHolidays(year: number, adjustments: readonly HolidayAdjustment[] = []): Holiday[] {
  checkYear(year);
  const adjusted = adjustmentIndex(adjustments);
  const out: Holiday[] = [];
  for (const h of FIXED_HOLIDAYS) {
    if (h.since !== undefined && year < h.since) continue;
    const date = `${year}-${String(h.month).padStart(2, '0')}-${String(h.day).padStart(2, '0')}`;
    out.push({ id: h.id, date, name: h.name, kind: 'fixed', adjusted: false });
  }
  const first = Date.UTC(year, 0, 1) / DAY_MS;
  const last = Date.UTC(year, 11, 31) / DAY_MS;
  // A Gregorian year meets two or three Hijri years; one more on each side catches a holiday an
  // adjustment moves across New Year's Day.
  const fromHijri = hijriOf(first).year - 1;
  const toHijri = hijriOf(last).year + 1;
  for (let hijriYear = fromHijri; hijriYear <= toHijri; hijriYear++) {
    for (const h of ISLAMIC_HOLIDAYS) {
      const computed = dayNumberOfHijri(hijriYear, h.hijriMonth, h.hijriDay);
      const set = adjusted.get(`${h.id}/${hijriYear}`);
      const start = set ?? computed;
      for (let i = 0; i < h.days; i++) {
        if (yearOf(start + i) !== year) continue;
        out.push({
          id: h.id,
          date: dateOfDayNumber(start + i),
          name: h.name,
          kind: 'islamic',
          ...(h.days > 1 ? { days: h.days, day: i + 1 } : {}),
          hijriYear,
          computedDate: dateOfDayNumber(computed + i),
          adjusted: set !== undefined,
        });
      }
    }
  }
  return out.sort(byDate);
}

/** Whether `id` names an Islamic holiday (the only ones an adjustment may move). */
export function isIslamicHoliday(id: string): boolean {
  return ISLAMIC_IDS.has(id);
}

/**
 * A holiday lookup over the given adjustments: each year's holidays are computed on first use
 * and kept. Build a new one when the adjustments change.
 */
export function holidayLookup(adjustments: readonly HolidayAdjustment[] = []): HolidayLookup {
  adjustmentIndex(adjustments); // refuse invalid adjustments now, not at the first lookup
  const frozen = [...adjustments];
  const years = new Map<number, { list: readonly Holiday[]; days: Set<number> }>();
  const year = (y: number) => {
    let entry = years.get(y);
    if (!entry) {
      const list = Object.freeze(moroccanHolidays(y, frozen));
      entry = { list, days: new Set(list.map((h) => dayNumberOf(h.date))) };
      years.set(y, entry);
    }
    return entry;
  };
  return {
    isHoliday(date: string): boolean {
      const dn = dayNumberOf(date);
      if (Number.isNaN(dn)) throw new Error(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
      return year(Number(date.slice(0, 4))).days.has(dn);
    },
    holidays(y: number): readonly Holiday[] {
      checkYear(y);
      return year(y).list;
    },
    isHolidayDay(dayNumber: number): boolean {
      if (!Number.isInteger(dayNumber)) throw new Error(`not a day number: ${String(dayNumber)}`);
      return year(yearOf(dayNumber)).days.has(dayNumber);
    },
  };
}
