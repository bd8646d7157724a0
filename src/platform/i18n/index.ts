import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import type { Multilingual } from '../db/types.js';

/** The platform's languages: Arabic (right-to-left), French, Tamazight in Tifinagh, English. */
export const LOCALES = ['ar', 'fr', 'zgh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The CLDR locale used to format dates, numbers and plurals for each platform locale. */
export const INTL_LOCALE: Record<Locale, string> = {
  ar: 'ar-MA',
  fr: 'fr-MA',
  zgh: 'zgh-Tfng-MA',
  en: 'en',
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'messages');
type Catalog = Record<string, string>;
const catalogs = Object.fromEntries(
  LOCALES.map((locale) => [locale, JSON.parse(fs.readFileSync(path.join(DIR, `${locale}.json`), 'utf8')) as Catalog]),
) as Record<Locale, Catalog>;

/** Every message key, taken from the English catalog (the reference the tests check others against). */
export const MESSAGE_KEYS = Object.keys(catalogs.en);

export function catalog(locale: Locale): Readonly<Catalog> {
  return catalogs[locale];
}

const compiled = new Map<string, IntlMessageFormat>();

/** A translator for one request: messages in `locale`, falling back along `fallback`. */
export interface Translator {
  /** The locale asked for. */
  locale: Locale;
  t(key: string, values?: Record<string, unknown>): string;
  /** The locale a key was actually found in (differs from `locale` when it fell back). */
  resolvedLocale(key: string): Locale;
}

/**
 * Dates and times in messages are shown in `timeZone` (the commune's: a Berkane citizen reads
 * Moroccan time, whatever the server's clock zone).
 */
export function translator(locale: Locale, fallback: readonly Locale[] = ['ar', 'fr', 'en'], timeZone = 'Africa/Casablanca'): Translator {
  const order = [locale, ...fallback.filter((l) => l !== locale)];
  const find = (key: string): Locale => order.find((l) => catalogs[l][key] !== undefined) ?? 'en';
  return {
    locale,
    resolvedLocale: find,
    t(key, values) {
      const found = find(key);
      const source = catalogs[found][key];
      if (source === undefined) return key;
      const cacheKey = `${found}\u0000${timeZone}\u0000${key}`;
      let format = compiled.get(cacheKey);
      if (!format) {
        format = new IntlMessageFormat(source, INTL_LOCALE[found], {
          date: { long: { year: 'numeric', month: 'long', day: 'numeric', timeZone } },
          time: { short: { hour: 'numeric', minute: 'numeric', timeZone } },
        });
        compiled.set(cacheKey, format);
      }
      return String(format.format(values as Record<string, string>));
    },
  };
}

/**
 * Picks the best supported locale from an Accept-Language header (RFC 9110 weights), else `fallback`.
 * `ber` and `tzm` (other codes used for Tamazight) and `zgh-*` map to `zgh`.
 */
export function negotiateLocale(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0] ?? '';
    if (primary === 'ber' || primary === 'tzm') return 'zgh';
    if (isLocale(primary)) return primary;
  }
  return fallback;
}

/**
 * The text of a multilingual content field in `locale`, falling back along the commune's order;
 * `locale` tells the caller which language it got (to mark a fallback visibly).
 */
export function pickText(field: Multilingual | null | undefined, locale: Locale, fallback: readonly string[]) {
  if (!field) return undefined;
  for (const l of [locale, ...fallback]) {
    const text = field[l as Locale];
    if (typeof text === 'string' && text.trim() !== '') return { text, locale: l as Locale };
  }
  return undefined;
}
