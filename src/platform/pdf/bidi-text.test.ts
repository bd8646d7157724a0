import { describe, expect, it } from 'vitest';
import { anchorNumbers, fontFor, type Line, layoutParagraph } from './bidi-text.js';

// Every character 5 points wide: enough to check breaking and ordering without a font.
const measure = (text: string) => [...text].length * 5;
const layout = (text: string, direction: 'rtl' | 'ltr', maxWidth = 1000) => layoutParagraph(text, { direction, maxWidth, measure });

/** The runs of a line, left to right, as [font, text] (spaces dropped). */
const runs = (line: Line) => line.runs.filter((r) => r.text.trim() !== '').map((r) => [r.font, r.text.trim()]);
/**
 * What the line draws, left to right, as one string. Arabic runs stay in logical order inside it
 * (the font engine lays each out right to left), so "بركان جماعة" reads: بركان at the left.
 */
const visual = (line: Line) => line.runs.map((r) => r.text).join('');

describe('layoutParagraph', () => {
  it('keeps a number with a hyphen left to right after an Arabic word, to the left of it', () => {
    const [line] = layout('رقم 2026-000123', 'rtl');
    expect(runs(line!)).toEqual([
      ['latin', '2026-000123'],
      ['arabic', 'رقم'],
    ]);
    expect(line!.logical).toBe('رقم 2026-000123');
  });

  it('orders Arabic words right to left and hands each to the font engine in logical order', () => {
    const [line] = layout('جماعة بركان', 'rtl');
    expect(runs(line!)).toEqual([
      ['arabic', 'بركان'],
      ['arabic', 'جماعة'],
    ]);
  });

  it('keeps a French name left to right inside an Arabic sentence', () => {
    const [line] = layout('صاحب الطلب Mohamed El Amrani اليوم', 'rtl');
    expect(visual(line!)).toBe('اليوم Mohamed El Amrani الطلب صاحب');
  });

  it('places an Arabic phrase right to left inside a French line', () => {
    const [line] = layout('Commune de Berkane (جماعة بركان) 2026', 'ltr');
    expect(visual(line!)).toBe('Commune de Berkane (بركان جماعة) 2026');
  });

  it('mirrors brackets in right-to-left text and keeps a date or a scale whole', () => {
    const [line] = layout('تصميم الموقع (1/2000) بتاريخ 31/03/2026', 'rtl');
    // The logical "(" sits at the right of "1/2000" and is drawn as ")" — which looks like "(" read right to left.
    expect(visual(line!)).toBe('31/03/2026 بتاريخ (1/2000) الموقع تصميم');
    expect(line!.runs.find((r) => r.text.includes('('))?.rtl).toBe(true);
  });

  it('keeps a URL that ends in a number whole, left to right, inside Arabic text', () => {
    const [line] = layout('تابعوا طلبكم: https://x.ma/services/requests/BRK-2026-000123', 'rtl');
    expect(visual(line!)).toBe('https://x.ma/services/requests/BRK-2026-000123 :طلبكم تابعوا');
  });

  it('breaks lines by width in logical order and reorders each line on its own', () => {
    const text = 'يتوفر الطالب على أجل 30 يوما لإتمام ملفه وإلا أعيد إليه الملف';
    const lines = layout(text, 'rtl', 100);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.map((l) => l.logical).join(' ')).toBe(text);
    for (const line of lines) {
      expect(line.width).toBeLessThanOrEqual(100);
      // On each line the first word (logically) is the rightmost run.
      const first = line.logical.split(' ')[0];
      expect(runs(line).at(-1)?.[1]).toBe(first);
    }
  });

  it('cuts a word longer than a line (a long code or URL)', () => {
    const lines = layout('https://berkane.example/services/requests/2026-000123', 'ltr', 60);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => l.width <= 60)).toBe(true);
    expect(lines.map((l) => l.logical).join('')).toBe('https://berkane.example/services/requests/2026-000123');
  });

  it('collapses white space and treats a line break as a new paragraph', () => {
    const lines = layout('  Dossier\tdéposé  \n  رقم   5 ', 'ltr');
    expect(lines.map((l) => l.logical)).toEqual(['Dossier déposé', 'رقم 5']);
  });

  it('never breaks a line at a no-break space', () => {
    const lines = layout('Référence n°\u00A0123 du dossier', 'ltr', 60).map((l) => l.logical);
    expect(lines).toEqual(['Référence', 'n°\u00A0123 du', 'dossier']);
  });

  it('draws no bidi control character', () => {
    const [line] = layout('\u2067رقم\u2069 \u200F2026-000123', 'rtl');
    expect(line!.runs.every((r) => !/[\u200E\u200F\u2066-\u2069]/.test(r.text))).toBe(true);
    expect(line!.logical).toBe('رقم 2026-000123');
  });
});

describe('anchorNumbers', () => {
  it('marks groups of digits joined by separators, not lone numbers', () => {
    expect(anchorNumbers('المادة 10 من القانون 55.19')).toBe('المادة 10 من القانون \u200E55.19');
    expect(anchorNumbers('2026-000123 à 10:30')).toBe('\u200E2026-000123 à \u200E10:30');
  });
});

describe('fontFor', () => {
  it('gives Arabic letters and punctuation to the Arabic font, everything else to the Latin one', () => {
    expect(['ب', '،', '؟', 'ﻻ'].map(fontFor)).toEqual(['arabic', 'arabic', 'arabic', 'arabic']);
    expect(['a', 'é', '1', ' ', '(', '—'].map(fontFor)).toEqual(['latin', 'latin', 'latin', 'latin', 'latin', 'latin']);
  });
});
