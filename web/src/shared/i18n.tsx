/**
 * The web app's i18n layer: ICU MessageFormat catalogs (web/i18n/<locale>/<area>.json) through
 * intl-messageformat. Arabic is the reference language; Tamazight (zgh, Tifinagh) carries only the
 * keys we can translate with confidence, and every other key falls back to Arabic, visibly marked
 * and tagged lang="ar" dir="rtl" so screen readers and text shaping stay right.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { createContext, type ReactNode, useContext, useLayoutEffect, useMemo } from 'react';
import { setApiLanguage } from '../api/client';
import { ZGH_LANGUAGE_NAMES } from './zgh-cldr';

export const LOCALES = ['ar', 'fr', 'zgh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** CLDR locale for dates, numbers and plurals: Moroccan variants (ar-MA writes Latin digits). */
export const INTL_LOCALE: Record<Locale, string> = { ar: 'ar-MA', fr: 'fr-MA', zgh: 'zgh-Tfng-MA', en: 'en' };
/** BCP 47 tag for the `lang` attribute. */
export const HTML_LANG: Record<Locale, string> = { ar: 'ar', fr: 'fr', zgh: 'zgh-Tfng', en: 'en' };
export const LOCALE_DIR: Record<Locale, 'rtl' | 'ltr'> = { ar: 'rtl', fr: 'ltr', zgh: 'ltr', en: 'ltr' };
/** Each language named in its own script: the same in every locale, so data rather than a message. */
export const ENDONYMS: Record<Locale, string> = { ar: 'العربية', fr: 'Français', zgh: 'ⵜⴰⵎⴰⵣⵉⵖⵜ', en: 'English' };

/** Interface messages fall back to Arabic, the reference catalog, then French and English. */
const MESSAGE_FALLBACK: readonly Locale[] = ['ar', 'fr', 'en'];

type Catalog = Record<string, string>;
const catalogs: Record<Locale, Catalog> = { ar: {}, fr: {}, zgh: {}, en: {} };

function addCatalogs(files: Record<string, Catalog>): void {
  for (const [file, messages] of Object.entries(files)) {
    const locale = file.split('/').at(-2);
    if (isLocale(locale)) Object.assign(catalogs[locale], messages);
  }
}

// The portal's messages ship with the entry; the office's load with the office, the e-services'
// (portal and office pages alike) with the e-services pages.
addCatalogs(import.meta.glob<Catalog>(['../../i18n/*/common.json', '../../i18n/*/portal.json'], { eager: true, import: 'default' }));
const LAZY_AREAS = {
  office: import.meta.glob<Catalog>('../../i18n/*/office.json', { import: 'default' }),
  services: import.meta.glob<Catalog>('../../i18n/*/services.json', { import: 'default' }),
  gis: import.meta.glob<Catalog>('../../i18n/*/gis.json', { import: 'default' }),
  lighting: import.meta.glob<Catalog>('../../i18n/*/lighting.json', { import: 'default' }),
};
const loadingAreas = new Map<string, Promise<void>>();

/** Loads a lazily shipped catalog area for every locale (retried on the next call after a failure). */
export function loadArea(area: keyof typeof LAZY_AREAS): Promise<void> {
  let loading = loadingAreas.get(area);
  if (!loading) {
    loading = Promise.all(Object.entries(LAZY_AREAS[area]).map(async ([file, load]) => [file, await load()] as const)).then((entries) =>
      addCatalogs(Object.fromEntries(entries)),
    );
    loading.catch(() => loadingAreas.delete(area));
    loadingAreas.set(area, loading);
  }
  return loading;
}

export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;

const compiled = new Map<string, IntlMessageFormat>();

function resolve(locale: Locale, key: string): Locale | undefined {
  if (catalogs[locale][key] !== undefined) return locale;
  return MESSAGE_FALLBACK.find((l) => catalogs[l][key] !== undefined);
}

/** Plain text: no argument, no plural, no quoting, no tag — what most messages are. */
const PLAIN = /^[^{}'<]*$/;

function format(found: Locale, key: string, values: MessageValues | undefined, timeZone: string): string {
  const source = catalogs[found][key] ?? key;
  // Nothing to parse or format: skip building a formatter (a first page uses dozens of messages).
  if (PLAIN.test(source)) return source;
  const cacheKey = `${found}\u0000${timeZone}\u0000${key}`;
  let message = compiled.get(cacheKey);
  if (!message) {
    message = new IntlMessageFormat(source, INTL_LOCALE[found], {
      date: { long: { year: 'numeric', month: 'long', day: 'numeric', timeZone } },
      time: { short: { hour: 'numeric', minute: 'numeric', timeZone } },
    });
    compiled.set(cacheKey, message);
  }
  return String(message.format(values as Record<string, string>));
}

/** Translates a key: a string when the locale has it, else the fallback text wrapped and marked. */
export interface Translate {
  (key: string, values?: MessageValues): ReactNode;
  /** Plain text, for attributes (aria-label, placeholder, title) and document.title. */
  text(key: string, values?: MessageValues): string;
  /** Whether a key exists in the locale itself (no fallback). */
  has(key: string): boolean;
}

interface I18nState {
  locale: Locale;
  setLocale(locale: Locale): void;
  timeZone: string;
  /** Order in which multilingual content falls back (the commune's). */
  contentFallback: readonly Locale[];
}

const I18nContext = createContext<I18nState | null>(null);

function useI18nState(): I18nState {
  const state = useContext(I18nContext);
  if (!state) throw new Error('useT/useLocale need an <I18nProvider>');
  return state;
}

export function I18nProvider({ children, ...state }: I18nState & { children: ReactNode }) {
  const { locale, setLocale, timeZone, contentFallback } = state;
  // The API client must speak the new language before any child query runs.
  setApiLanguage(locale);
  useLayoutEffect(() => applyDocumentLocale(locale), [locale]);
  const value = useMemo(() => ({ locale, setLocale, timeZone, contentFallback }), [locale, setLocale, timeZone, contentFallback]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** `<html lang dir>` follows the locale. */
export function applyDocumentLocale(locale: Locale): void {
  document.documentElement.lang = HTML_LANG[locale];
  document.documentElement.dir = LOCALE_DIR[locale];
}

export function useLocale(): Locale {
  return useI18nState().locale;
}

export function useSetLocale(): (locale: Locale) => void {
  return useI18nState().setLocale;
}

export function useTimeZone(): string {
  return useI18nState().timeZone;
}

/** The name of `of` in the language of `locale` (CLDR), e.g. ⵜⴰⵄⵔⴰⴱⵜ for Arabic in Tamazight. */
export function languageName(locale: Locale, of: Locale): string {
  try {
    const names = new Intl.DisplayNames([INTL_LOCALE[locale]], { type: 'language', fallback: 'none' });
    // Without zgh data (Chromium), DisplayNames answers in the default language: use CLDR's names.
    if (locale === 'zgh' && !names.resolvedOptions().locale.startsWith('zgh')) return ZGH_LANGUAGE_NAMES[of] ?? ENDONYMS[of];
    return names.of(of) ?? ENDONYMS[of];
  } catch {
    return ENDONYMS[of];
  }
}

/** A fragment in another language than the page: tagged for screen readers and marked for the eye. */
export function Fallback({ locale, shownIn, children }: { locale: Locale; shownIn: Locale; children: ReactNode }) {
  const note = `${languageName(locale, shownIn)} · ${format(resolve(locale, 'common.i18n.notTranslated') ?? 'ar', 'common.i18n.notTranslated', undefined, 'UTC')}`;
  return (
    <span lang={HTML_LANG[shownIn]} dir={LOCALE_DIR[shownIn]} className="i18n-fallback" title={note} data-i18n-fallback={shownIn}>
      {children}
    </span>
  );
}

export function useT(): Translate {
  const { locale, timeZone } = useI18nState();
  return useMemo(() => {
    const text = (key: string, values?: MessageValues): string => {
      const found = resolve(locale, key);
      if (!found) {
        if (import.meta.env.DEV) console.warn(`i18n: no message "${key}"`);
        return key;
      }
      return format(found, key, values, timeZone);
    };
    const t = ((key: string, values?: MessageValues): ReactNode => {
      const found = resolve(locale, key);
      if (found && found !== locale) {
        return (
          <Fallback locale={locale} shownIn={found}>
            {format(found, key, values, timeZone)}
          </Fallback>
        );
      }
      return text(key, values);
    }) as Translate;
    t.text = text;
    t.has = (key) => catalogs[locale][key] !== undefined;
    return t;
  }, [locale, timeZone]);
}

/** A multilingual content field as the API sends it. */
export type Multilingual = Partial<Record<Locale, string>> | Record<string, string>;

/** Picks the best text of a multilingual field, falling back along the commune's order. */
export function pickText(field: Multilingual | null | undefined, locale: Locale, fallback: readonly Locale[]) {
  if (!field) return undefined;
  for (const l of [locale, ...fallback]) {
    const text = (field as Record<string, string | undefined>)[l];
    if (typeof text === 'string' && text.trim() !== '') return { text, locale: l };
  }
  return undefined;
}

export interface PickMultilingual {
  /** The field as a node: marked and language-tagged when it is not in the page's language. */
  (field: Multilingual | null | undefined): ReactNode;
  text(field: Multilingual | null | undefined): string;
}

export function useMultilingual(): PickMultilingual {
  const { locale, contentFallback } = useI18nState();
  return useMemo(() => {
    const ml = ((field: Multilingual | null | undefined): ReactNode => {
      const picked = pickText(field, locale, contentFallback);
      if (!picked) return null;
      if (picked.locale === locale) return picked.text;
      return (
        <Fallback locale={locale} shownIn={picked.locale}>
          {picked.text}
        </Fallback>
      );
    }) as PickMultilingual;
    ml.text = (field) => pickText(field, locale, contentFallback)?.text ?? '';
    return ml;
  }, [locale, contentFallback]);
}

const STORAGE_KEY = 'madina.locale';

/** The user's stored choice, if any. */
export function storedLocale(): Locale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null;
  }
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

/** The browser's preferred supported language; `ber`, `tzm` and `zgh-*` mean Tamazight. */
export function browserLocale(): Locale | null {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'ber' || primary === 'tzm') return 'zgh';
    if (isLocale(primary)) return primary;
  }
  return null;
}
