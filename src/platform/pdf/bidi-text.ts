/**
 * Lays out one paragraph of mixed Arabic / Latin text in lines of visual runs, the way UAX #9
 * asks: resolve the embedding levels on the whole paragraph, break it into lines by width in
 * logical order, then reorder each line on its own. Pure (no PDF): the writer gives it a function
 * that measures a run in a font, and draws the runs it returns from left to right.
 *
 * Glyph shaping is not done here: an Arabic run is handed over in logical order and the font
 * engine (fontkit, through pdfkit) joins its letters and lays it out right to left. What this file
 * adds is what the engine does not do: the bidi algorithm (word order, numbers kept left to right
 * inside Arabic, mirrored brackets) and line wrapping that respects it.
 */
import bidiModule, { type Bidi, type EmbeddingLevels } from 'bidi-js';

// bidi-js is a UMD file whose module.exports is its factory, while its types describe an ES
// default export: take the function whichever way the loader hands it over.
const bidiFactory = (typeof bidiModule === 'function' ? bidiModule : (bidiModule as { default: () => Bidi }).default) as () => Bidi;
const bidi = bidiFactory();

/** The two faces the platform draws with: an Arabic font, and a Latin one for everything else. */
export type FontKey = 'arabic' | 'latin';
export type Direction = 'rtl' | 'ltr';

/** A piece of one line, drawn with one font in one direction; lines list them left to right. */
export interface VisualRun {
  /**
   * What to hand to the font engine: logical order for an Arabic run (the engine shapes it and
   * lays it out right to left), visual order with brackets mirrored for any other run.
   */
  text: string;
  font: FontKey;
  /** Right-to-left (an odd bidi level). */
  rtl: boolean;
  width: number;
}

export interface Line {
  runs: VisualRun[];
  width: number;
  /** The line's text in logical order (for text extraction and tests). */
  logical: string;
}

export interface LayoutOptions {
  direction: Direction;
  /** Most points a line may take; a longer word is cut (a URL, a long code). */
  maxWidth: number;
  /** Width in points of `text` drawn in `font` at the current size. */
  measure: (text: string, font: FontKey) => number;
}

// Arabic, Arabic Supplement, Arabic Extended-A, Presentation Forms A and B.
const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
// Bidi formatting characters: they steer the algorithm but are never drawn.
const BIDI_CONTROL = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'g');

/**
 * The Arabic font draws Arabic script (it has no Latin letters, ASCII digits or punctuation);
 * the Latin font draws everything else, spaces included — so an Arabic run is always one word,
 * which is also the unit the font engine shapes.
 */
export function fontFor(char: string): FontKey {
  return ARABIC.test(char) ? 'arabic' : 'latin';
}

/**
 * Arabic letters and their marks, apart from Arabic punctuation and digits, which never join: an
 * Arabic run holds only one or the other, so a text extractor can take a run's ActualText as a
 * right-to-left word (poppler does so only when every character of it is right-to-left).
 */
function isLetter(char: string): boolean {
  const type = bidi.getBidiCharTypeName(char);
  return type === 'AL' || type === 'R' || type === 'NSM';
}

/**
 * Collapses white space (tabs, runs of spaces, stray line breaks) to single spaces, and trims; a
 * no-break space (U+00A0, U+202F: "n° 12", "10 %", French "à :") stays, and never breaks a line.
 */
export function normalizeSpace(text: string): string {
  return text.replace(/[^\S\u00A0\u202F]+/g, ' ').trim();
}

// Digits joined by separators: a date, a time, a file or article number ("2026-000123", "55.19").
const NUMBER_GROUP = /\d+(?:[-\u2010\u2013/.:,+]\d+)+/g;
const LRM = '\u200E';

/**
 * Puts a left-to-right mark before each group of digits and separators. Plain UAX #9 turns
 * European digits after Arabic letters into Arabic numbers (rule W2), and a hyphen or plus sign
 * between Arabic numbers then takes the Arabic direction: "رقم 2026-000123" would show as
 * "000123-2026 رقم". After the mark, the group reads as one left-to-right unit, as people read
 * an administrative number or date, and it stays inside a left-to-right neighbour (a URL).
 */
export function anchorNumbers(text: string): string {
  return text.replace(NUMBER_GROUP, (group) => `${LRM}${group}`);
}

/** Splits `text` into lines (hard breaks at `\n`) of visual runs, each at most `maxWidth` wide. */
export function layoutParagraph(text: string, options: LayoutOptions): Line[] {
  return text.split('\n').flatMap((part) => {
    const paragraph = normalizeSpace(part);
    return paragraph === '' ? [] : layoutOne(anchorNumbers(paragraph), options);
  });
}

interface Word {
  start: number;
  /** Exclusive. */
  end: number;
  width: number;
}

function layoutOne(text: string, options: LayoutOptions): Line[] {
  const levels = bidi.getEmbeddingLevels(text, options.direction);
  const cache = new Map<string, number>();
  const measure = (raw: string, font: FontKey) => {
    const s = raw.replace(BIDI_CONTROLS, '');
    if (s === '') return 0;
    const key = `${font}\u0000${s}`;
    let width = cache.get(key);
    if (width === undefined) {
      width = options.measure(s, font);
      cache.set(key, width);
    }
    return width;
  };
  // A word's width is the sum of its same-font pieces: shaping never crosses a font change.
  const widthOf = (start: number, end: number) => {
    let width = 0;
    let pieceStart = start;
    for (let i = start + 1; i <= end; i++) {
      if (i === end || fontFor(text[i]!) !== fontFor(text[pieceStart]!)) {
        width += measure(text.slice(pieceStart, i), fontFor(text[pieceStart]!));
        pieceStart = i;
      }
    }
    return width;
  };

  const words: Word[] = [];
  for (const match of text.matchAll(/[^ ]+/g)) {
    const start = match.index;
    const end = start + match[0].length;
    const width = widthOf(start, end);
    if (width <= options.maxWidth) {
      words.push({ start, end, width });
      continue;
    }
    // Too long for a line: cut it where it overflows (a code or a URL, never a sentence).
    let from = start;
    for (let i = start + 1; i < end; i++) {
      if (widthOf(from, i + 1) > options.maxWidth) {
        words.push({ start: from, end: i, width: widthOf(from, i) });
        from = i;
      }
    }
    words.push({ start: from, end, width: widthOf(from, end) });
  }

  const space = measure(' ', 'latin');
  const lines: Line[] = [];
  let first = 0;
  let width = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const gap = i > first && word.start > words[i - 1]!.end ? space : 0;
    if (i > first && width + gap + word.width > options.maxWidth) {
      lines.push(visualLine(text, levels, words[first]!.start, words[i - 1]!.end, measure));
      first = i;
      width = word.width;
    } else {
      width += gap + word.width;
    }
  }
  if (words.length > 0) lines.push(visualLine(text, levels, words[first]!.start, words[words.length - 1]!.end, measure));
  return lines;
}

/** The runs of `text[start, end)` left to right: reordered by bidi-js, grouped by font and level. */
function visualLine(
  text: string,
  levels: EmbeddingLevels,
  start: number,
  end: number,
  measure: (s: string, font: FontKey) => number,
): Line {
  // The flips of rule L2 for this line, applied in turn (bidi-js gives them in string indices).
  const order = Array.from({ length: end - start }, (_, i) => start + i);
  for (const [from, to] of bidi.getReorderSegments(text, levels, start, end - 1)) {
    const flipped = order.slice(from! - start, to! - start + 1).reverse();
    order.splice(from! - start, flipped.length, ...flipped);
  }
  const runs: VisualRun[] = [];
  let group: number[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const first = group[0]!;
    const font = fontFor(text[first]!);
    const rtl = (levels.levels[first]! & 1) === 1;
    // Arabic goes to the font engine in logical order; anything else is already visual.
    const indices = font === 'arabic' && rtl ? [...group].reverse() : group;
    const chars = indices.map((i) => (rtl && font !== 'arabic' ? (bidi.getMirroredCharacter(text[i]!) ?? text[i]!) : text[i]!));
    const runText = chars.join('');
    runs.push({ text: runText, font, rtl, width: measure(runText, font) });
    group = [];
  };
  for (const index of order) {
    const char = text[index]!;
    if (BIDI_CONTROL.test(char)) continue;
    const previous = group[group.length - 1];
    if (
      previous !== undefined &&
      (fontFor(char) !== fontFor(text[previous]!) ||
        levels.levels[index] !== levels.levels[previous] ||
        Math.abs(index - previous) !== 1 ||
        isLetter(char) !== isLetter(text[previous]!))
    ) {
      flush();
    }
    group.push(index);
  }
  flush();
  const width = runs.reduce((sum, run) => sum + run.width, 0);
  return { runs, width, logical: text.slice(start, end).replace(BIDI_CONTROLS, '') };
}
