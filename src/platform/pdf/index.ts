/**
 * PDF documents for the platform: A4 pages with correct Arabic (shaped, right to left, mixed with
 * French and numbers) on pdfkit. Modules build their documents with `PdfWriter`; nothing here
 * knows a module.
 */
export { anchorNumbers, type Direction, type Line, layoutParagraph, type VisualRun } from './bidi-text.js';
export {
  type Align,
  directionOf,
  type HeaderLines,
  MUTED_COLOR,
  PdfWriter,
  type PdfWriterOptions,
  type TextStyle,
  warmUpPdfWriter,
} from './writer.js';
