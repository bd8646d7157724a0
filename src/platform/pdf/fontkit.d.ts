// The part of fontkit (pdfkit's font engine, which ships no types) the PDF writer uses: opening a
// font once per process so its parsed tables and shaping plans serve every document.
declare module 'fontkit' {
  export interface Font {
    postscriptName: string;
    familyName: string;
    unitsPerEm: number;
    /** The OpenType features the font's GSUB and GPOS tables offer (e.g. init, medi, fina, rlig). */
    availableFeatures: string[];
    /** The code points the font's cmap maps. */
    characterSet: number[];
    hasGlyphForCodePoint(codePoint: number): boolean;
    glyphForCodePoint(codePoint: number): { id: number; codePoints: number[] };
    layout(text: string, features?: string[] | Record<string, boolean>): { glyphs: { id: number }[]; advanceWidth: number };
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
