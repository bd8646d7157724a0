import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { catalog, INTL_LOCALE, LOCALES, MESSAGE_KEYS, negotiateLocale, pickText, translator } from './index.js';

describe('message catalogs', () => {
  it.each(['ar', 'fr', 'en'] as const)('%s has every message key', (locale) => {
    expect(Object.keys(catalog(locale)).sort()).toEqual([...MESSAGE_KEYS].sort());
  });

  it('zgh has no key the reference lacks, and falls back to Arabic for the rest', () => {
    expect(Object.keys(catalog('zgh')).filter((k) => !MESSAGE_KEYS.includes(k))).toEqual([]);
    const zgh = translator('zgh', ['ar', 'fr', 'en']);
    const missing = MESSAGE_KEYS.find((k) => catalog('zgh')[k] === undefined);
    if (missing) {
      expect(zgh.resolvedLocale(missing)).toBe('ar');
      expect(zgh.t(missing)).toBe(translator('ar').t(missing));
    }
  });

  it('every message is valid ICU in its locale', () => {
    for (const locale of LOCALES) {
      for (const [key, source] of Object.entries(catalog(locale))) {
        expect(() => new IntlMessageFormat(source, INTL_LOCALE[locale]), `${locale} ${key}`).not.toThrow();
      }
    }
  });

  it('formats plurals by the rules of each language', () => {
    const key = 'problem.login_locked.detail';
    expect(translator('en').t(key, { minutes: 1 })).toContain('one minute');
    expect(translator('fr').t(key, { minutes: 15 })).toContain('15 minutes');
    expect(translator('ar').t(key, { minutes: 2 })).toContain('دقيقتين');
    expect(translator('ar').t(key, { minutes: 5 })).toContain('5 دقائق');
  });

  it("shows times in the commune's time zone", () => {
    // Morocco is UTC+1, except during Ramadan (UTC+0): 2026-06-01 12:00 UTC is 13:00 in Berkane,
    // 2026-03-01 12:00 UTC (in Ramadan 1447) is 12:00.
    const fr = translator('fr', undefined, 'Africa/Casablanca');
    const body = (when: Date) => fr.t('mail.password_changed.body', { name: 'A', commune: 'B', when });
    expect(body(new Date(Date.UTC(2026, 5, 1, 12, 0)))).toContain('1 juin 2026 à 13:00');
    expect(body(new Date(Date.UTC(2026, 2, 1, 12, 0)))).toContain('1 mars 2026 à 12:00');
  });

  it('writes numbers in Latin digits in Moroccan Arabic', () => {
    expect(translator('ar').t('problem.body_too_large.detail', { limit: 1048576 })).toMatch(/1[.,\u00a0\u202f]?048[.,\u00a0\u202f]?576/);
  });
});

describe('negotiateLocale', () => {
  it('honours weights and order', () => {
    expect(negotiateLocale('en;q=0.5, fr-MA;q=0.9', 'ar')).toBe('fr');
    expect(negotiateLocale('de, en', 'ar')).toBe('en');
    expect(negotiateLocale('de', 'ar')).toBe('ar');
    expect(negotiateLocale(undefined, 'fr')).toBe('fr');
    expect(negotiateLocale('fr;q=0, en', 'ar')).toBe('en');
  });

  it('maps the codes used for Tamazight to zgh', () => {
    expect(negotiateLocale('zgh-Tfng-MA', 'ar')).toBe('zgh');
    expect(negotiateLocale('tzm', 'ar')).toBe('zgh');
    expect(negotiateLocale('ber-MA', 'fr')).toBe('zgh');
  });

  it('survives a hostile header', () => {
    expect(negotiateLocale(`${'x;q=abc,'.repeat(10_000)}fr`, 'ar')).toBe('ar');
    expect(negotiateLocale(';;;,,,', 'en')).toBe('en');
  });
});

describe('pickText', () => {
  it('falls back along the commune order and says which language it found', () => {
    const name = { ar: 'بركان', fr: 'Berkane' };
    expect(pickText(name, 'zgh', ['ar', 'fr'])).toEqual({ text: 'بركان', locale: 'ar' });
    expect(pickText(name, 'fr', ['ar'])).toEqual({ text: 'Berkane', locale: 'fr' });
    expect(pickText({ fr: '  ' }, 'fr', ['ar'])).toBeUndefined();
    expect(pickText(null, 'fr', ['ar'])).toBeUndefined();
  });
});
