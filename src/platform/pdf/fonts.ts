/**
 * The fonts PDFs are drawn with: Noto Naskh Arabic for Arabic script and Noto Sans for Latin,
 * digits and punctuation (SIL Open Font License; the Fontsource packages the web app uses too).
 *
 * Fontsource ships WOFF and WOFF2 only. fontkit reads both, but it inflates a WOFF table with a
 * JavaScript inflater on every access (about 75 ms to subset one document) and cannot subset the
 * WOFF2 Arabic font at all (its transformed glyf table breaks composite glyphs). So each WOFF is
 * unwrapped once into the plain TrueType font it contains (WOFF 1.0 is an sfnt whose tables were
 * zlib-compressed one by one), and opened once: the parsed GSUB/GPOS tables and shaping plans,
 * about 40 ms to build cold, then serve every document of the process.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);

const FILES = {
  arabic: '@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-arabic-400-normal.woff',
  arabicBold: '@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-arabic-700-normal.woff',
  latin: '@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff',
  latinBold: '@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff',
} as const;

/**
 * `arabicPlain` is the regular Arabic font that never shapes: one glyph per letter, the invisible
 * text layer under shaped Arabic (writer.ts). It goes into a PDF as a font of its own (its own
 * name, subset and ToUnicode map), so pdfkit does not merge it with the shaping one.
 */
export type FontFace = keyof typeof FILES | 'arabicPlain';
export type PdfFonts = Record<FontFace, fontkit.Font>;

/** Every feature of the Arabic font, off (fontkit takes an object of feature → on/off). */
export const UNSHAPED: Record<string, boolean> = Object.fromEntries(
  [
    'ccmp',
    'locl',
    'isol',
    'fina',
    'fin2',
    'fin3',
    'medi',
    'med2',
    'init',
    'rlig',
    'calt',
    'liga',
    'clig',
    'mset',
    'curs',
    'kern',
    'mark',
    'mkmk',
  ].map((feature) => [feature, false]),
);

/** `font` under another PostScript name, laying every text out with all its features off. */
function unshaped(font: fontkit.Font): fontkit.Font {
  const name = `${font.postscriptName}-Plain`;
  return new Proxy(font, {
    get(target, property) {
      if (property === 'postscriptName') return name;
      if (property === 'layout') return (text: string) => target.layout(text, UNSHAPED);
      return Reflect.get(target, property, target);
    },
  });
}

/** The OpenType features without which Arabic letters would not join (GSUB) or marks not sit (GPOS). */
export const ARABIC_FEATURES = ['init', 'medi', 'fina', 'rlig'] as const;

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'

/**
 * The sfnt (TrueType/OpenType) font inside a WOFF 1.0 file (W3C WOFF File Format 1.0, §4–5): the
 * table directory rewritten with uncompressed offsets, each table inflated and padded to 4 bytes.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== WOFF_SIGNATURE) throw new Error('not a WOFF 1.0 font');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const entry = 44 + i * 20;
    const tag = woff.readUInt32BE(entry);
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const checksum = woff.readUInt32BE(entry + 16);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? zlib.inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error('a WOFF table does not inflate to its declared length');
    return { tag, checksum, data };
  });
  // The binary-search fields of the sfnt offset table (OpenType spec, "Table directory").
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const headerLength = 12 + 16 * numTables;
  const padded = (n: number) => (n + 3) & ~3;
  const out = Buffer.alloc(headerLength + tables.reduce((sum, t) => sum + padded(t.data.length), 0));
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = headerLength;
  tables.forEach((table, i) => {
    const record = 12 + 16 * i;
    out.writeUInt32BE(table.tag, record);
    out.writeUInt32BE(table.checksum, record + 4);
    out.writeUInt32BE(offset, record + 8);
    out.writeUInt32BE(table.data.length, record + 12);
    table.data.copy(out, offset);
    offset += padded(table.data.length);
  });
  return out;
}

let loaded: PdfFonts | undefined;

/** The four faces, opened on first use and kept for the life of the process. */
export function pdfFonts(): PdfFonts {
  if (!loaded) {
    const open = (face: keyof typeof FILES) => {
      const font = fontkit.create(woffToSfnt(fs.readFileSync(require.resolve(FILES[face]))));
      // fontkit caches a glyph with the characters of its first use, and pdfkit writes the PDF's
      // ToUnicode map from there. A glyph first met as a part of another (É is E plus an accent,
      // when the subset is written) would be cached with none and extract as nothing: meet every
      // glyph through its own character first.
      for (const codePoint of font.characterSet) font.glyphForCodePoint(codePoint);
      return font;
    };
    const arabic = open('arabic');
    const fonts: PdfFonts = {
      arabic,
      arabicBold: open('arabicBold'),
      arabicPlain: unshaped(arabic),
      latin: open('latin'),
      latinBold: open('latinBold'),
    };
    for (const face of ['arabic', 'arabicBold'] as const) {
      const missing = ARABIC_FEATURES.filter((f) => !fonts[face].availableFeatures.includes(f));
      if (missing.length > 0) throw new Error(`the Arabic PDF font ${FILES[face]} lacks the OpenType features ${missing.join(', ')}`);
    }
    loaded = fonts;
  }
  return loaded;
}
