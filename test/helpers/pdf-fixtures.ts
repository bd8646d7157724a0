import { deflateSync } from 'node:zlib';

/**
 * Small PDFs built byte by byte for tests: a plain one-page document, and variants that hide
 * active content where a careless check would not look (an object stream compressed with Flate,
 * a name written with #xx escapes).
 */
export interface PdfOptions {
  /** Extra dictionary entries of the catalog (object 1), e.g. `/OpenAction 4 0 R`. */
  catalogExtra?: string;
  /** Extra objects, numbered from 4 on, as their body between `obj` and `endobj`. */
  objects?: string[];
  /** Objects stored inside a Flate-compressed object stream (numbered after `objects`), with an XRef stream instead of a table. */
  compressed?: string[];
}

const HEADER = '%PDF-1.7\n%\xE2\xE3\xCF\xD3\n';

export function buildPdf(o: PdfOptions = {}): Buffer {
  const bodies = [
    `<< /Type /Catalog /Pages 2 0 R ${o.catalogExtra ?? ''}>>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    ...(o.objects ?? []),
  ];
  const chunks: Buffer[] = [Buffer.from(HEADER, 'latin1')];
  let length = chunks[0]!.length;
  const offsets: number[] = [];
  const push = (s: string | Buffer) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    chunks.push(b);
    length += b.length;
  };
  bodies.forEach((body, i) => {
    offsets.push(length);
    push(`${i + 1} 0 obj\n${body}\nendobj\n`);
  });
  if (!o.compressed?.length) {
    const xref = length;
    const size = bodies.length + 1;
    push(`xref\n0 ${size}\n0000000000 65535 f \n`);
    for (const off of offsets) push(`${String(off).padStart(10, '0')} 00000 n \n`);
    push(`trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
    return Buffer.concat(chunks);
  }
  // PDF 1.5: the compressed objects live in an object stream; an XRef stream says where.
  const first = bodies.length + 1;
  const stmNumber = first + o.compressed.length;
  let index = '';
  let content = '';
  o.compressed.forEach((body, i) => {
    index += `${first + i} ${content.length} `;
    content += `${body}\n`;
  });
  const data = deflateSync(Buffer.from(index + content, 'latin1'));
  offsets.push(length);
  push(
    `${stmNumber} 0 obj\n<< /Type /ObjStm /N ${o.compressed.length} /First ${index.length} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
  );
  push(data);
  push('\nendstream\nendobj\n');
  const xrefNumber = stmNumber + 1;
  const size = xrefNumber + 1;
  const xrefOffset = length;
  // W [1 4 2]: type, offset (or object stream number), generation (or index in the stream).
  const rows: Buffer[] = [];
  const row = (type: number, a: number, b: number) => {
    const r = Buffer.alloc(7);
    r.writeUInt8(type, 0);
    r.writeUInt32BE(a, 1);
    r.writeUInt16BE(b, 5);
    rows.push(r);
  };
  row(0, 0, 65535);
  for (let i = 0; i < bodies.length; i++) row(1, offsets[i]!, 0);
  for (let i = 0; i < o.compressed.length; i++) row(2, stmNumber, i);
  row(1, offsets[bodies.length]!, 0);
  row(1, xrefOffset, 0);
  const table = Buffer.concat(rows);
  push(`${xrefNumber} 0 obj\n<< /Type /XRef /Size ${size} /W [1 4 2] /Root 1 0 R /Length ${table.length} >>\nstream\n`);
  push(table);
  push(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

/** A PNG of 2×2 pixels. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAD0lEQVQImWNgWMUAQhAKABKmAqlqVEvNAAAAAElFTkSuQmCC',
  'base64',
);
