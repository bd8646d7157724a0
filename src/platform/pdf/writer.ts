/**
 * A small PDF writer for the platform's documents (receipts, certificates, decisions): A4 pages,
 * a two-language header, headings, paragraphs, lists, label/value rows and a QR code, in Arabic
 * (right to left), French or both — with no knowledge of any module.
 *
 * Every piece of text goes through `layoutParagraph` (bidi-text.ts): levels on the whole
 * paragraph, lines broken by width, each line reordered, then its runs drawn left to right —
 * Arabic runs with the Arabic font (pdfkit hands them to fontkit, which joins the letters through
 * the font's GSUB and lays them out right to left), everything else with the Latin font. Numbers
 * inside Arabic therefore stay left to right ("رقم 2026-000123").
 *
 * Usage: `new PdfWriter({...}).header({ar, fr}).heading('…').paragraph('…').qr(url).footer([…]).end()`.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { type Direction, type Line, layoutParagraph } from './bidi-text.js';
import { type FontFace, pdfFonts } from './fonts.js';

export type { Direction } from './bidi-text.js';

/**
 * Where a line sits in its box: `start` is the right edge for a right-to-left line and the left
 * edge otherwise (each line by its own direction); `left` and `right` are absolute.
 */
export type Align = 'start' | 'end' | 'center' | 'left' | 'right';

export interface TextStyle {
  /**
   * The base direction of each paragraph (a `\n` starts one); `auto` takes it from the paragraph's
   * first strong letter. Default: the document's direction.
   */
  direction?: Direction | 'auto';
  align?: Align;
  /** Points (default 11). */
  size?: number;
  bold?: boolean;
  /** A CSS colour (default near-black). */
  color?: string;
}

export interface PdfWriterOptions {
  title: string;
  /** The document's main language (BCP 47), written as the PDF's /Lang. */
  lang: string;
  /** The default direction of text blocks. */
  direction: Direction;
  author?: string;
  subject?: string;
  /** Written as the creation date: with it fixed, the same input gives the same bytes. */
  createdAt: Date;
}

/** A header block: the lines of each language, e.g. state, ministry, province, commune (the last is bold). */
export interface HeaderLines {
  ar?: string[];
  fr?: string[];
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 46, bottom: 40, side: 50 };
const FOOTER_HEIGHT = 40;
const TEXT_COLOR = '#111111';
/** The grey of labels and notes. */
export const MUTED_COLOR = '#555555';
const RULE_COLOR = '#9a9a9a';
/** Line height and baseline position as multiples of the size: Naskh has tall ascenders and deep descenders. */
const LINE_HEIGHT = 1.6;
const BASELINE = 1.12;
/** Naskh letters look small beside Latin ones of the same size: Arabic runs are drawn this much larger. */
const ARABIC_SCALE = 1.1;

// A first strong letter decides an `auto` paragraph (UAX #9 rules P2–P3, without isolates).
const FIRST_STRONG = /[A-Za-z\u00C0-\u024F\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/** The direction of `text` from its first strong letter, else `fallback`. */
export function directionOf(text: string, fallback: Direction): Direction {
  const first = FIRST_STRONG.exec(text)?.[0];
  if (first === undefined) return fallback;
  return RTL_LETTER.test(first) ? 'rtl' : 'ltr';
}

/** Words whose layout a face's shared cache keeps before it starts afresh (bounds the memory of a long-lived server). */
const SHARED_LAYOUTS_MAX = 20_000;
const layouts = new Map<FontFace, { cache: Record<string, unknown>; checked: number }>();

function sharedLayouts(face: FontFace): Record<string, unknown> {
  let entry = layouts.get(face);
  if (!entry) {
    entry = { cache: Object.create(null) as Record<string, unknown>, checked: 0 };
    layouts.set(face, entry);
  }
  // Counting the keys costs about as much as a few layouts: only every 500 selections.
  if (++entry.checked % 500 === 0 && Object.keys(entry.cache).length > SHARED_LAYOUTS_MAX) entry.cache = Object.create(null);
  return entry.cache;
}

type DirectedLine = Line & { direction: Direction };
interface Laid {
  lines: DirectedLine[];
  size: number;
}

export class PdfWriter {
  readonly direction: Direction;
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private footerLines: string[] = [];
  /** The top of the next block, in points from the top of the page. */
  y = MARGIN.top;

  constructor(options: PdfWriterOptions) {
    this.direction = options.direction;
    this.doc = new PDFDocument({
      size: [A4.width, A4.height],
      // No bottom margin for pdfkit: the writer places every line itself and breaks pages itself.
      margins: { top: MARGIN.top, bottom: 0, left: MARGIN.side, right: MARGIN.side },
      bufferPages: true,
      lang: options.lang,
      displayTitle: true,
      info: {
        Title: options.title,
        Author: options.author ?? '',
        Subject: options.subject ?? '',
        Creator: 'Madina',
        Producer: 'Madina (pdfkit)',
        CreationDate: options.createdAt,
      },
    });
    const fonts = pdfFonts();
    // pdfkit takes an opened fontkit font as well as a file (it calls `layout` and `createSubset` on it).
    for (const face of Object.keys(fonts) as FontFace[]) this.doc.registerFont(face, fonts[face] as unknown as Buffer);
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  /** The width between the side margins. */
  get contentWidth(): number {
    return A4.width - 2 * MARGIN.side;
  }

  private get bottom(): number {
    return A4.height - MARGIN.bottom - FOOTER_HEIGHT;
  }

  /** Starts a new page when `height` more points do not fit on this one. */
  private ensure(height: number) {
    if (this.y + height > this.bottom && this.y > MARGIN.top) {
      this.doc.addPage();
      this.y = MARGIN.top;
    }
  }

  /**
   * Selects a face and size. pdfkit keeps the layout of each word of a font in a cache that lives
   * as long as the document; shaping a word is most of the cost of a page (fontkit plans its
   * features anew on each call), so each face's cache is shared by the documents of the process.
   * The cached layouts depend on the font only (positions in font units scaled to 1000/em).
   */
  private font(face: FontFace, size: number): PDFKit.PDFDocument {
    this.doc.font(face).fontSize(size);
    const current = (this.doc as unknown as { _font?: { layoutCache?: unknown } })._font;
    if (current && 'layoutCache' in current && current.layoutCache !== undefined) current.layoutCache = sharedLayouts(face);
    return this.doc;
  }

  private face(arabic: boolean, bold: boolean): FontFace {
    if (arabic) return bold ? 'arabicBold' : 'arabic';
    return bold ? 'latinBold' : 'latin';
  }

  /** Lays `text` out for a box `width` wide, paragraph by paragraph. */
  private lay(text: string, width: number, style: TextStyle): Laid {
    const size = style.size ?? 11;
    const bold = style.bold ?? false;
    const requested = style.direction ?? this.direction;
    const lines = text.split('\n').flatMap((paragraph) => {
      const direction = requested === 'auto' ? directionOf(paragraph, this.direction) : requested;
      return layoutParagraph(paragraph, {
        direction,
        maxWidth: width,
        measure: (s, font) =>
          this.font(this.face(font === 'arabic', bold), font === 'arabic' ? size * ARABIC_SCALE : size).widthOfString(s),
      }).map((line) => ({ ...line, direction }));
    });
    return { lines, size };
  }

  private lineHeight(laid: Laid): number {
    return laid.size * LINE_HEIGHT;
  }

  /** Draws laid-out lines in the box [x, x + width] from `top`; returns the height used. */
  private draw(laid: Laid, x: number, width: number, top: number, style: TextStyle): number {
    const align = style.align ?? 'start';
    const bold = style.bold ?? false;
    const { size } = laid;
    this.doc.fillColor(style.color ?? TEXT_COLOR);
    laid.lines.forEach((line, i) => {
      const rtl = line.direction === 'rtl';
      const right = align === 'right' || (align === 'start' && rtl) || (align === 'end' && !rtl);
      let cursor = align === 'center' ? x + (width - line.width) / 2 : right ? x + width - line.width : x;
      const baseline = top + i * this.lineHeight(laid) + size * BASELINE;
      for (const run of line.runs) {
        if (run.text.trim() !== '') {
          const arabic = run.font === 'arabic';
          this.font(this.face(arabic, bold), arabic ? size * ARABIC_SCALE : size);
          if (arabic) this.arabicWord(run.text, cursor, baseline, size * ARABIC_SCALE, run.width);
          else this.doc.text(run.text, cursor, baseline, { lineBreak: false, baseline: 'alphabetic' });
        }
        cursor += run.width;
      }
    });
    return laid.lines.length * this.lineHeight(laid);
  }

  /**
   * One shaped Arabic word, `width` points wide, with its text layer.
   *
   * The Arabic font draws a word with shared base glyphs plus dots as marks (ب ت ث ن ي are one
   * tooth), so its glyphs cannot say which letters they are. They are drawn with an empty
   * ActualText (ISO 32000-1 §14.9.4: they stand for no text), and the word's letters go under them
   * as invisible text (render mode 3, as OCR layers do): unshaped, one glyph per letter, in visual
   * order like every other run, stretched to the word's width — what readers copy, search and
   * extract. An ActualText holding the letters would be the textbook answer, but poppler
   * (pdftotext, Evince) lays such a span out left to right and then reverses it as Arabic.
   * The letters' glyphs map to the right characters because fonts.ts met each glyph through its
   * own character first; the visible base glyphs they share with other letters stand for nothing.
   */
  private arabicWord(text: string, x: number, baseline: number, size: number, width: number) {
    this.inTextObject({ actualText: '' }, () => this.doc.text(text, x, baseline, { lineBreak: false, baseline: 'alphabetic' }));
    this.font('arabicPlain', size);
    const plain = this.doc.widthOfString(text);
    const options = { lineBreak: false, baseline: 'alphabetic', horizontalScaling: (width / plain) * 100 } as PDFKit.Mixins.TextOptions;
    if (plain > 0) this.inTextObject({ invisible: true }, () => this.doc.text(text, x, baseline, options));
  }

  /**
   * Runs `draw` (one pdfkit `text` call) with operators added inside its text object (BT … ET):
   * a marked-content span with an ActualText, or the invisible render mode. Inside, because pdfkit
   * draws text under its own transformation (q … cm … Q) and a reader places an ActualText with
   * the transformation current at its end; marked content is allowed in a text object (ISO
   * 32000-1 §8.2, figure 9).
   */
  private inTextObject(options: { actualText?: string; invisible?: boolean }, draw: () => void) {
    const doc = this.doc;
    const write = doc.addContent.bind(doc);
    const span =
      options.actualText === undefined
        ? undefined
        : `/Span <</ActualText <FEFF${Buffer.from(options.actualText, 'utf16le').swap16().toString('hex').toUpperCase()}>>> BDC`;
    doc.addContent = (data: string) => {
      if (data === 'ET' && span) write('EMC');
      write(data);
      if (data === 'BT') {
        if (span) write(span);
        if (options.invisible) write('3 Tr');
      }
      return doc;
    };
    try {
      draw();
    } finally {
      // Back to the prototype's method.
      delete (doc as { addContent?: unknown }).addContent;
    }
  }

  /** A paragraph across the content width (or in the box `x`..`x + width`); moves down past it. */
  paragraph(text: string, style: TextStyle = {}, box?: { x: number; width: number }): this {
    const x = box?.x ?? MARGIN.side;
    const width = box?.width ?? this.contentWidth;
    const laid = this.lay(text, width, style);
    // Line by line, so a long paragraph continues on the next page.
    for (const line of laid.lines) {
      this.ensure(this.lineHeight(laid));
      this.y += this.draw({ ...laid, lines: [line] }, x, width, this.y, style);
    }
    return this;
  }

  heading(text: string, style: TextStyle = {}): this {
    this.ensure((style.size ?? 13) * LINE_HEIGHT * 2);
    this.y += 4;
    return this.paragraph(text, { size: 13, bold: true, ...style });
  }

  /** Vertical space, in points. */
  space(points: number): this {
    this.y += points;
    return this;
  }

  /** A thin horizontal line across the content width. */
  rule(): this {
    this.ensure(12);
    this.y += 4;
    this.doc
      .moveTo(MARGIN.side, this.y)
      .lineTo(A4.width - MARGIN.side, this.y)
      .lineWidth(0.6)
      .strokeColor(RULE_COLOR)
      .stroke();
    this.y += 8;
    return this;
  }

  /**
   * The issuing authority's block at the top: Arabic lines on the right and French ones on the
   * left when both are given (as on Moroccan administrative papers), else the one language
   * centred. The last line of each (the commune) is bold.
   */
  header(lines: HeaderLines): this {
    const both = lines.ar !== undefined && lines.fr !== undefined;
    const column = both ? this.contentWidth * 0.46 : this.contentWidth;
    const block = (texts: string[], direction: Direction, x: number) => {
      let y = this.y;
      texts.forEach((text, i) => {
        const style: TextStyle = { direction, size: 10, bold: i === texts.length - 1, align: both ? 'start' : 'center' };
        y += this.draw(this.lay(text, column, style), x, column, y, style);
      });
      return y;
    };
    const bottoms: number[] = [];
    if (lines.ar) bottoms.push(block(lines.ar, 'rtl', both ? A4.width - MARGIN.side - column : MARGIN.side));
    if (lines.fr) bottoms.push(block(lines.fr, 'ltr', MARGIN.side));
    this.y = Math.max(this.y, ...bottoms) + 2;
    return this.rule();
  }

  /**
   * Label / value rows in two columns: the label on the start side (right in Arabic), the value
   * beside it towards the label, each value in its own direction (a French name in an Arabic
   * document stays left to right). A value may hold several lines (`\n`).
   */
  keyValues(rows: { label: string; value: string }[], style: { direction?: Direction; size?: number; labelWidth?: number } = {}): this {
    const direction = style.direction ?? this.direction;
    const size = style.size ?? 11;
    const labelWidth = style.labelWidth ?? this.contentWidth * 0.3;
    const gap = 14;
    const valueWidth = this.contentWidth - labelWidth - gap;
    const rtl = direction === 'rtl';
    const labelX = rtl ? A4.width - MARGIN.side - labelWidth : MARGIN.side;
    const valueX = rtl ? MARGIN.side : MARGIN.side + labelWidth + gap;
    for (const row of rows) {
      const labelStyle: TextStyle = { direction, size, color: MUTED_COLOR };
      const valueStyle: TextStyle = { direction: 'auto', size, bold: true, align: rtl ? 'right' : 'left' };
      const label = this.lay(row.label, labelWidth, labelStyle);
      const value = this.lay(row.value, valueWidth, valueStyle);
      const height = Math.max(label.lines.length, value.lines.length) * size * LINE_HEIGHT;
      this.ensure(height);
      this.draw(label, labelX, labelWidth, this.y, labelStyle);
      this.draw(value, valueX, valueWidth, this.y, valueStyle);
      this.y += height + 1;
    }
    return this;
  }

  /**
   * Rows of a bilingual form: the French label on the left, the Arabic label on the right, the
   * value between them, centred, each of its lines in its own direction; a `plain` value (a
   * mention rather than data) is not bold.
   */
  bilingualRows(rows: { fr: string; ar: string; value: string; plain?: boolean }[], size = 10.5): this {
    const side = this.contentWidth * 0.26;
    const gap = 10;
    const middle = this.contentWidth - 2 * side - 2 * gap;
    for (const row of rows) {
      const frStyle: TextStyle = { direction: 'ltr', size, color: MUTED_COLOR };
      const arStyle: TextStyle = { direction: 'rtl', size, color: MUTED_COLOR };
      const valueStyle: TextStyle = row.plain
        ? { direction: 'auto', size, align: 'center', color: MUTED_COLOR }
        : { direction: 'auto', size, bold: true, align: 'center' };
      const fr = this.lay(row.fr, side, frStyle);
      const ar = this.lay(row.ar, side, arStyle);
      const value = this.lay(row.value, middle, valueStyle);
      const height = Math.max(fr.lines.length, ar.lines.length, value.lines.length) * size * LINE_HEIGHT;
      this.ensure(height);
      this.draw(fr, MARGIN.side, side, this.y, frStyle);
      this.draw(value, MARGIN.side + side + gap, middle, this.y, valueStyle);
      this.draw(ar, A4.width - MARGIN.side - side, side, this.y, arStyle);
      this.y += height + 2;
    }
    return this;
  }

  /** A bulleted list; the bullet sits on the start side. */
  list(items: string[], style: TextStyle & { direction?: Direction } = {}): this {
    const direction = style.direction ?? this.direction;
    const indent = 16;
    const size = style.size ?? 11;
    const width = this.contentWidth - indent;
    const x = direction === 'rtl' ? MARGIN.side : MARGIN.side + indent;
    for (const item of items) {
      const laid = this.lay(item, width, { ...style, direction });
      laid.lines.forEach((line, i) => {
        this.ensure(this.lineHeight(laid));
        if (i === 0) {
          const bulletX = direction === 'rtl' ? A4.width - MARGIN.side - 5 : MARGIN.side + 5;
          this.doc.circle(bulletX, this.y + size * 0.78, 1.9).fill(style.color ?? TEXT_COLOR);
        }
        this.y += this.draw({ ...laid, lines: [line] }, x, width, this.y, { ...style, direction });
      });
    }
    return this;
  }

  /**
   * A QR code of `text` (error correction M), `size` points square including its 4-module quiet
   * zone, drawn as vector rectangles on the start side; `caption` lines beside it, each in its own
   * direction. Moves down past the taller of the two.
   */
  qr(text: string, options: { size?: number; caption?: string[]; captionSize?: number } = {}): this {
    const size = options.size ?? 110;
    this.ensure(size);
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const count = modules.size;
    const cell = size / (count + 8);
    const rtl = this.direction === 'rtl';
    const left = rtl ? A4.width - MARGIN.side - size : MARGIN.side;
    const top = this.y;
    this.doc.save();
    for (let row = 0; row < count; row++) {
      let col = 0;
      while (col < count) {
        if (!modules.get(row, col)) {
          col++;
          continue;
        }
        // One rectangle per horizontal run of dark modules: fewer shapes, no hairline seams.
        let end = col + 1;
        while (end < count && modules.get(row, end)) end++;
        this.doc.rect(left + (4 + col) * cell, top + (4 + row) * cell, (end - col) * cell, cell);
        col = end;
      }
    }
    this.doc.fill('#000000').restore();
    let captionBottom = top;
    if (options.caption) {
      const width = this.contentWidth - size - 10;
      const x = rtl ? MARGIN.side : MARGIN.side + size + 10;
      let y = top + 4 * cell;
      for (const line of options.caption) {
        const style: TextStyle = { size: options.captionSize ?? 9.5, color: MUTED_COLOR, direction: 'auto', align: rtl ? 'right' : 'left' };
        y += this.draw(this.lay(line, width, style), x, width, y, style);
      }
      captionBottom = y;
    }
    this.y = Math.max(top + size, captionBottom) + 4;
    return this;
  }

  /** Lines drawn small and centred at the bottom of every page, each in its own direction; pages are numbered when there are several. */
  footer(lines: string[]): this {
    this.footerLines = lines;
    return this;
  }

  /** Draws the footers, closes the document and returns its bytes. */
  async end(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      let y = A4.height - MARGIN.bottom - FOOTER_HEIGHT + 6;
      this.doc
        .moveTo(MARGIN.side, y - 4)
        .lineTo(A4.width - MARGIN.side, y - 4)
        .lineWidth(0.4)
        .strokeColor(RULE_COLOR)
        .stroke();
      const lines = range.count > 1 ? [...this.footerLines, `${i - range.start + 1} / ${range.count}`] : this.footerLines;
      for (const line of lines) {
        const style: TextStyle = { direction: 'auto', size: 7.5, color: MUTED_COLOR, align: 'center' };
        y += this.draw(this.lay(line, this.contentWidth, style), MARGIN.side, this.contentWidth, y, style);
      }
    }
    this.doc.end();
    return this.done;
  }
}

/**
 * Writes a throwaway page in both directions: opens the fonts, builds the Arabic and Latin
 * shaping plans and warms the code (about a second, once per process), so that the first
 * document a server makes for someone is not the one that pays for it.
 */
export async function warmUpPdfWriter(): Promise<void> {
  await new PdfWriter({ title: 'warm-up', lang: 'ar', direction: 'rtl', createdAt: new Date(0) })
    .header({ ar: ['جماعة بركان'], fr: ['Commune de Berkane'] })
    .paragraph('رقم 2026-000123 — Berkane')
    .keyValues([{ label: 'المسطرة', value: 'Procédure' }])
    .qr('https://example.org/verify/X')
    .end();
}
