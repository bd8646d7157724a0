/**
 * Tamazight (zgh, Tifinagh) calendar and language names from CLDR 48, as Node's ICU 78 reports
 * them. Chromium's ICU has no zgh data, so without these its Intl would answer in English; they are
 * CLDR's own data, not translations of ours.
 */
export const ZGH_MONTHS = [
  'ⵉⵏⵏⴰⵢⵔ',
  'ⴱⵕⴰⵢⵕ',
  'ⵎⴰⵕⵚ',
  'ⵉⴱⵔⵉⵔ',
  'ⵎⴰⵢⵢⵓ',
  'ⵢⵓⵏⵢⵓ',
  'ⵢⵓⵍⵢⵓⵣ',
  'ⵖⵓⵛⵜ',
  'ⵛⵓⵜⴰⵏⴱⵉⵔ',
  'ⴽⵜⵓⴱⵔ',
  'ⵏⵓⵡⴰⵏⴱⵉⵔ',
  'ⴷⵓⵊⴰⵏⴱⵉⵔ',
];
export const ZGH_MONTHS_SHORT = ['ⵉⵏⵏ', 'ⴱⵕⴰ', 'ⵎⴰⵕ', 'ⵉⴱⵔ', 'ⵎⴰⵢ', 'ⵢⵓⵏ', 'ⵢⵓⵍ', 'ⵖⵓⵛ', 'ⵛⵓⵜ', 'ⴽⵜⵓ', 'ⵏⵓⵡ', 'ⴷⵓⵊ'];
/** Monday first (index 0 = day 1). */
export const ZGH_WEEKDAYS = ['ⴰⵢⵏⴰⵙ', 'ⴰⵙⵉⵏⴰⵙ', 'ⴰⴽⵕⴰⵙ', 'ⴰⴽⵡⴰⵙ', 'ⴰⵙⵉⵎⵡⴰⵙ', 'ⴰⵙⵉⴹⵢⴰⵙ', 'ⴰⵙⴰⵎⴰⵙ'];
export const ZGH_WEEKDAYS_SHORT = ['ⴰⵢⵏ', 'ⴰⵙⵉ', 'ⴰⴽⵕ', 'ⴰⴽⵡ', 'ⴰⵙⵉⵎ', 'ⴰⵙⵉⴹ', 'ⴰⵙⴰ'];
export const ZGH_LANGUAGE_NAMES: Record<string, string> = { ar: 'ⵜⴰⵄⵔⴰⴱⵜ', fr: 'ⵜⴰⴼⵔⴰⵏⵙⵉⵙⵜ', zgh: 'ⵜⴰⵎⴰⵣⵉⵖⵜ', en: 'ⵜⴰⵏⴳⵍⵉⵣⵜ' };
