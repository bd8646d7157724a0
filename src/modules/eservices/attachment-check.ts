/**
 * What a citizen's attachment must be before the commune keeps it: a PDF, a JPEG or a PNG by its
 * content (never by its name), the same type its name and declared type say, within the size
 * limit; an image decoded and re-encoded without its metadata (EXIF, GPS); a PDF that parses
 * (header, cross-reference table or stream reachable from `startxref`, a trailer with a /Root)
 * and carries no active or embedded content: /JavaScript, /JS, /Launch, /EmbeddedFile(s),
 * /RichMedia — looked for in the file's objects and inside its compressed object streams, where
 * such a dictionary can hide. A PDF whose objects cannot be inspected (encrypted, or an object
 * stream with a filter other than Flate) is refused rather than trusted.
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { sniffImageType } from '../../platform/files/images.js';
import { AppError } from '../../platform/http/errors.js';
import { FIELD_LIMITS } from './procedure.js';

export type AttachmentType = 'application/pdf' | 'image/jpeg' | 'image/png';

export interface CheckedAttachment {
  contentType: AttachmentType;
  /** What is stored: the PDF as sent, or the image re-encoded. */
  data: Buffer;
  sha256: string;
  extension: 'pdf' | 'jpg' | 'png';
}

const MEBIBYTE = 1024 * 1024;
/** Pixels decoded at most from an image (checked from its header first). */
const MAX_PIXELS = 50_000_000;
/** Bytes inflated at most while inspecting a PDF's object streams (a zip bomb stops here). */
const MAX_INFLATED = 64 * MEBIBYTE;

export const attachmentTooLarge = () =>
  new AppError('payload_too_large', 413, 'problem.eservices.attachment_too_large.detail', {
    max: FIELD_LIMITS.attachmentBytesMax / MEBIBYTE,
  });
const unsupported = () => new AppError('unsupported_media_type', 415, 'problem.eservices.attachment_type.detail');
const mismatch = (actual: string) => new AppError('attachment_mismatch', 422, 'problem.eservices.attachment_mismatch.detail', { actual });
const unreadablePdf = () => new AppError('pdf_unreadable', 422, 'problem.eservices.pdf_unreadable.detail');
const activePdf = (name: string) => new AppError('pdf_active_content', 422, 'problem.eservices.pdf_active_content.detail', { name });
const encryptedPdf = () => new AppError('pdf_encrypted', 422, 'problem.eservices.pdf_encrypted.detail');
const unreadableImage = () => new AppError('image_unreadable', 422, 'problem.image.unreadable.detail');

/** The type a name or declared content type claims, when it claims one of ours. */
function claimedType(filename: string, declared: string | undefined): AttachmentType | 'other' | undefined {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(filename)?.[1]?.toLowerCase();
  const byExt: Record<string, AttachmentType> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };
  if (ext) return byExt[ext] ?? 'other';
  const type = declared?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/pdf' || type === 'image/jpeg' || type === 'image/png') return type;
  return undefined;
}

/**
 * Checks an upload and returns what to store, or throws the 4xx that says what is wrong: 413 over
 * the limit, 415 not a PDF, JPEG or PNG, 422 a type other than its name says, an unreadable file,
 * a PDF with active or embedded content or encrypted.
 */
export async function checkAttachment(data: Buffer, filename: string, declaredType?: string): Promise<CheckedAttachment> {
  if (data.length > FIELD_LIMITS.attachmentBytesMax) throw attachmentTooLarge();
  const actual: AttachmentType | undefined = isPdf(data)
    ? 'application/pdf'
    : sniffImageType(data) === 'jpeg'
      ? 'image/jpeg'
      : sniffImageType(data) === 'png'
        ? 'image/png'
        : undefined;
  if (!actual) throw unsupported();
  const claimed = claimedType(filename, declaredType);
  if (claimed !== undefined && claimed !== actual) throw mismatch(actual);
  if (actual === 'application/pdf') {
    inspectPdf(data);
    return { contentType: actual, data, sha256: sha256(data), extension: 'pdf' };
  }
  const image = await reencode(data, actual);
  return { contentType: actual, data: image, sha256: sha256(image), extension: actual === 'image/png' ? 'png' : 'jpg' };
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const isPdf = (data: Buffer) => /^%PDF-[12]\.[0-9]/.test(data.toString('latin1', 0, 8));

/** Decodes the whole image (a truncated or corrupt one is refused) and writes it again without metadata, upright. */
async function reencode(data: Buffer, type: 'image/jpeg' | 'image/png'): Promise<Buffer> {
  try {
    const meta = await sharp(data, { limitInputPixels: MAX_PIXELS }).metadata();
    if (meta.format !== (type === 'image/png' ? 'png' : 'jpeg') || !meta.width || !meta.height) throw unreadableImage();
    const image = sharp(data, { limitInputPixels: MAX_PIXELS, failOn: 'warning' }).autoOrient();
    return type === 'image/png'
      ? await image.png({ compressionLevel: 9 }).toBuffer()
      : await image.jpeg({ quality: 90, mozjpeg: true }).toBuffer();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadableImage();
  }
}

// ---------------------------------------------------------------------------------------------
// PDF.

/** Names that start code, launch programs or carry files (PDF 1.7 §12.6, §7.11.4, §13.6; Adobe's RichMedia extension). */
const FORBIDDEN_NAMES = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia']);

/** A name token: `/` then regular characters (PDF 1.7 §7.3.5); `#xx` escapes decoded before comparing. */
const NAME = /\/([^\s/<>[\]()%{}\0]*)/g;

function decodeName(raw: string): string {
  return raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function scanNames(text: string) {
  for (const m of text.matchAll(NAME)) {
    const name = decodeName(m[1] ?? '');
    if (FORBIDDEN_NAMES.has(name)) throw activePdf(name);
    if (name === 'Encrypt') throw encryptedPdf();
  }
}

/** The value of `/Key` in a dictionary's text: a direct integer, or undefined (absent or an indirect reference). */
function directInteger(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s+(\\d+)(?!\\s+\\d+\\s+R)`).exec(dict);
  return m ? Number(m[1]) : undefined;
}

interface StreamInfo {
  dict: string;
  data: Buffer;
}

/**
 * Walks the file once: the text between streams (objects, dictionaries, the trailer) is scanned
 * for forbidden names; streams are skipped (their bytes are content, not objects) except object
 * streams, which are inflated and scanned in turn.
 */
function inspectPdf(data: Buffer) {
  const text = data.toString('latin1');
  checkStructure(text);
  let inflated = 0;
  const streams: StreamInfo[] = [];
  const STREAM = /(?:>>)\s*stream(?:\r\n|\n|\r)/g;
  let pos = 0;
  for (;;) {
    STREAM.lastIndex = pos;
    const m = STREAM.exec(text);
    if (!m) {
      scanNames(text.slice(pos));
      break;
    }
    const dictEnd = m.index + 2;
    const dictStart = text.lastIndexOf(' obj', m.index);
    const dict = text.slice(Math.max(pos, dictStart), dictEnd);
    scanNames(text.slice(pos, dictEnd));
    const dataStart = m.index + m[0].length;
    const length = directInteger(dict, 'Length');
    let dataEnd: number;
    if (length !== undefined && /^\s*endstream/.test(text.slice(dataStart + length, dataStart + length + 20))) {
      dataEnd = dataStart + length;
    } else {
      const end = text.indexOf('endstream', dataStart);
      if (end < 0) throw unreadablePdf();
      dataEnd = end;
    }
    streams.push({ dict, data: data.subarray(dataStart, dataEnd) });
    pos = text.indexOf('endstream', dataEnd) + 'endstream'.length;
  }
  for (const s of streams) {
    if (!/\/Type\s*\/ObjStm\b/.test(s.dict)) continue;
    const filters = [...s.dict.matchAll(/\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/g)].map((f) => f[1] ?? '');
    const names = filters.flatMap((f) => [...f.matchAll(/\/([A-Za-z0-9]+)/g)].map((n) => n[1]));
    let content: Buffer;
    if (names.length === 0) content = s.data;
    else if (names.length === 1 && names[0] === 'FlateDecode' && !/\/DecodeParms/.test(s.dict)) {
      try {
        content = inflateSync(s.data, { maxOutputLength: MAX_INFLATED - inflated });
      } catch {
        throw unreadablePdf();
      }
    } else throw unreadablePdf();
    inflated += content.length;
    if (inflated >= MAX_INFLATED) throw unreadablePdf();
    scanNames(content.toString('latin1'));
  }
}

/** The file's frame: a header, `startxref` near the end pointing at a cross-reference table with a trailer, or at an XRef stream. */
function checkStructure(text: string) {
  const tail = text.slice(-2048);
  if (!/%%EOF/.test(tail)) throw unreadablePdf();
  const starts = [...tail.matchAll(/startxref\s+(\d+)/g)];
  const last = starts.at(-1);
  if (!last) throw unreadablePdf();
  const offset = Number(last[1]);
  if (!Number.isSafeInteger(offset) || offset <= 0 || offset >= text.length) throw unreadablePdf();
  const at = text.slice(offset, offset + 4096);
  if (/^\s*xref\b/.test(at)) {
    const trailer = text.indexOf('trailer', offset);
    if (trailer < 0 || !/\/Root\s+\d+\s+\d+\s+R/.test(text.slice(trailer, trailer + 4096))) throw unreadablePdf();
    return;
  }
  const obj = /^\s*\d+\s+\d+\s+obj\s*<<([\s\S]*?)>>\s*stream/.exec(at);
  if (!obj || !/\/Type\s*\/XRef\b/.test(obj[1] ?? '') || !/\/Root\s+\d+\s+\d+\s+R/.test(obj[1] ?? '')) throw unreadablePdf();
}
