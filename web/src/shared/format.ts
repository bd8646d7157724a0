/** Dates, times, weekdays and numbers per locale (ar-MA: Moroccan month names, Latin digits). */
import { useMemo } from 'react';
import { INTL_LOCALE, type Locale, useLocale, useTimeZone } from './i18n';
import { ZGH_MONTHS, ZGH_MONTHS_SHORT, ZGH_WEEKDAYS, ZGH_WEEKDAYS_SHORT } from './zgh-cldr';

// 2024-01-01 was a Monday: day n (1 = Monday … 7 = Sunday) is 2024-01-0n.
const weekdayDate = (day: number) => new Date(Date.UTC(2024, 0, day, 12));
const clockDate = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(2024, 0, 1, h, m));
};

export interface Formatters {
  /** 15 يناير 2026 / 15 janvier 2026 */
  date(iso: string | Date): string;
  dateTime(iso: string | Date): string;
  /** A wall-clock time 'HH:MM' (no time zone: an office's opening hour). */
  clock(hhmm: string): string;
  weekday(day: number, width?: 'long' | 'short'): string;
  weekdayRange(from: number, to: number): string;
  number(n: number): string;
  list(items: string[]): string;
}

/** Whether this browser's Intl knows a locale (Chromium has no Tamazight data, Node has). */
export function intlSupports(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

export function makeFormatters(locale: Locale, timeZone: string): Formatters {
  if (locale === 'zgh' && !intlSupports(INTL_LOCALE.zgh)) return zghFormatters(timeZone);
  const tag = INTL_LOCALE[locale];
  // Each Intl formatter is built on its first use: building one costs far more than using it,
  // and a page needs only a few of them.
  const once = <T>(make: () => T) => {
    let value: T | undefined;
    return () => {
      value ??= make();
      return value;
    };
  };
  const date = once(() => new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone }));
  const dateTime = once(() => new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone }));
  // Morocco writes 08:30; English readers expect 8:30 AM.
  const clock = once(
    () => new Intl.DateTimeFormat(tag, { hour: locale === 'en' ? 'numeric' : '2-digit', minute: '2-digit', timeZone: 'UTC' }),
  );
  const weekdayLong = once(() => new Intl.DateTimeFormat(tag, { weekday: 'long', timeZone: 'UTC' }));
  const weekdayShort = once(() => new Intl.DateTimeFormat(tag, { weekday: 'short', timeZone: 'UTC' }));
  const number = once(() => new Intl.NumberFormat(tag));
  const list = once(() => new Intl.ListFormat(tag, { type: 'conjunction' }));
  const toDate = (v: string | Date) => (typeof v === 'string' ? new Date(v) : v);
  return {
    date: (v) => date().format(toDate(v)),
    dateTime: (v) => dateTime().format(toDate(v)),
    clock: (hhmm) => clock().format(clockDate(hhmm)),
    weekday: (day, width = 'long') => (width === 'long' ? weekdayLong() : weekdayShort()).format(weekdayDate(day)),
    weekdayRange: (from, to) => weekdayLong().formatRange(weekdayDate(from), weekdayDate(to)),
    number: (n) => number().format(n),
    list: (items) => list().format(items),
  };
}

/** Tamazight by CLDR's patterns (d MMMM y, 24-hour clock) and names, where Intl has no zgh. */
function zghFormatters(timeZone: string): Formatters {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const split = (v: string | Date) => {
    const p = parts.formatToParts(typeof v === 'string' ? new Date(v) : v);
    const get = (type: string) => p.find((x) => x.type === type)?.value ?? '';
    return { y: get('year'), m: Number(get('month')), d: get('day'), hh: get('hour'), mm: get('minute') };
  };
  const number = new Intl.NumberFormat('fr'); // CLDR zgh: space between thousands, decimal comma
  return {
    date: (v) => {
      const { y, m, d } = split(v);
      return `${d} ${ZGH_MONTHS[m - 1] ?? m} ${y}`;
    },
    dateTime: (v) => {
      const { y, m, d, hh, mm } = split(v);
      return `${d} ${ZGH_MONTHS_SHORT[m - 1] ?? m}, ${y} ${hh}:${mm}`;
    },
    clock: (hhmm) => hhmm,
    weekday: (day, width = 'long') => (width === 'long' ? ZGH_WEEKDAYS : ZGH_WEEKDAYS_SHORT)[day - 1] ?? String(day),
    weekdayRange: (from, to) => `${ZGH_WEEKDAYS[from - 1]} – ${ZGH_WEEKDAYS[to - 1]}`,
    number: (n) => number.format(n),
    // CLDR has no Tamazight list pattern: a plain comma, which needs no word.
    list: (items) => items.join(', '),
  };
}

// Building an Intl formatter costs far more than using one, and every news item and office card
// asks for the same set: one set per language and time zone, for the page's life.
const formattersCache = new Map<string, Formatters>();

function formattersFor(locale: Locale, timeZone: string): Formatters {
  const key = `${locale} ${timeZone}`;
  let formatters = formattersCache.get(key);
  if (!formatters) {
    formatters = makeFormatters(locale, timeZone);
    formattersCache.set(key, formatters);
  }
  return formatters;
}

export function useFormat(): Formatters {
  const locale = useLocale();
  const timeZone = useTimeZone();
  return useMemo(() => formattersFor(locale, timeZone), [locale, timeZone]);
}

const clockParts = new Map<string, Intl.DateTimeFormat>();

/** The weekday (1 = Monday) and 'HH:MM' now in a time zone (the commune's, not the browser's). */
export function nowIn(timeZone: string, at = new Date()): { day: number; hhmm: string } {
  let format = clockParts.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockParts.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { day, hhmm: `${get('hour')}:${get('minute')}` };
}
