/** Folding names for search, shared by the server and the web (no dependency). */

/**
 * Text for search: lower case, Arabic diacritics (tashkeel) and tatweel removed, and the letter
 * variants people type interchangeably folded to one (أ إ آ ٱ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي),
 * Latin accents removed. The database's `platform.search_fold` (migration 20261129T1420) is its SQL twin: a test compares them.
 */
export function searchFold(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
