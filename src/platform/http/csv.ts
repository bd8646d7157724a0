import type { FastifyReply } from 'fastify';

/**
 * CSV for spreadsheets (RFC 4180): UTF-8 with a byte order mark (so the Arabic names read right),
 * CRLF line ends, a cell quoted when it holds a comma, quote or line break, and a text starting
 * with = + - @ (or a tab or carriage return) prefixed with an apostrophe so a spreadsheet never
 * runs it as a formula. Numbers are written as they are.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (typeof value === 'number') return String(value);
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole CSV document from a header row and data rows. */
export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Sends a CSV document as a download named `filename` (a route may answer JSON or CSV). */
export function sendCsv(reply: FastifyReply, filename: string, csv: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(Buffer.from(csv));
}
