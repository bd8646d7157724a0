import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';

// The web app's message catalogs: web/i18n/<locale>/<area>.json. Arabic, French and English must
// have every key; Tamazight may lack some (the interface then shows Arabic, visibly marked).
const ROOT = path.resolve(import.meta.dirname, '../web/i18n');
const INTL = { ar: 'ar-MA', fr: 'fr-MA', zgh: 'zgh-Tfng-MA', en: 'en' } as const;
const LOCALES = Object.keys(INTL) as (keyof typeof INTL)[];
const AREAS = fs.readdirSync(path.join(ROOT, 'en')).filter((f) => f.endsWith('.json'));

const load = (locale: string, area: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(ROOT, locale, area), 'utf8'));

describe('web message catalogs', () => {
  for (const area of AREAS) {
    const reference = Object.keys(load('en', area)).sort();

    it.each(['ar', 'fr'])(`%s has every key of ${area}`, (locale) => {
      expect(Object.keys(load(locale, area)).sort()).toEqual(reference);
    });

    it(`zgh has only known keys in ${area}, written in Tifinagh`, () => {
      const zgh = load('zgh', area);
      expect(Object.keys(zgh).filter((k) => !reference.includes(k))).toEqual([]);
      for (const [key, text] of Object.entries(zgh)) {
        // Text outside ICU arguments must be Tifinagh (U+2D30–U+2D7F), digits or punctuation — not Latin or Arabic.
        const literal = text.replace(/\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, '');
        expect(literal, key).not.toMatch(/[A-Za-z\u0600-\u06FF]/);
      }
    });

    it(`every message of ${area} is valid ICU in each locale`, () => {
      for (const locale of LOCALES) {
        for (const [key, source] of Object.entries(load(locale, area))) {
          expect(() => new IntlMessageFormat(source, INTL[locale]), `${locale} ${key}`).not.toThrow();
        }
      }
    });
  }

  it('leaves no user-visible text hard-coded in the components', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.tsx')) files.push(full);
      }
    };
    walk(path.resolve(ROOT, '../src'));
    const offenders: string[] = [];
    for (const file of files) {
      const source = fs.readFileSync(file, 'utf8');
      // JSX text before a closing tag with letters in it: `>Sign in</` — text must come from t().
      for (const match of source.matchAll(/>\s*([^<>{}\n]*[A-Za-z\u0600-\u06FF\u2D30-\u2D7F]{2,}[^<>{}\n]*)\s*<\//g)) {
        const text = match[1]?.trim() ?? '';
        // Skip what is code between a `>` and a `<` (comparisons, ternaries, generics), not JSX text.
        const code = /[()[\]=;&|?]|\bas\b/.test(text);
        if (text && !code) {
          offenders.push(`${path.relative(ROOT, file)}: ${text}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
