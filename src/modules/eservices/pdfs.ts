/**
 * The e-services PDFs: the filing receipt (récépissé, Law 55.19 art 10) in Arabic or French, and
 * the issued document (decision, certificate, authorization) in Arabic and French on one page,
 * with its verification code and QR code. Pure functions of their data: the server fills
 * `ReceiptData` / `DocumentData`, stores or streams the bytes, and signs documents (signing.ts).
 * Every label comes from the server's message catalogs (`eservices.pdf.*`).
 */

import { translator } from '../../platform/i18n/index.js';
import { MUTED_COLOR, PdfWriter } from '../../platform/pdf/index.js';
import type { DeadlineKind, SilenceEffect, Text } from './procedure.js';

/** The issuing commune, as `platform.commune` holds it (bare names: "بركان" / "Berkane"). */
export interface PdfCommune {
  code: string;
  name: Text;
  /** The province or prefecture (bare name), shown in the header above the commune; omitted when null. */
  province?: Text | null;
}

/** What the filing receipt shows; dates as Date or ISO 8601 strings. */
export interface ReceiptData {
  commune: PdfCommune;
  /** The request (and receipt) number, e.g. "BRK-2026-000123". */
  number: string;
  /** When the file was deposited (submitted). */
  depositedAt: Date | string;
  procedure: {
    code: string;
    name: Text;
    /** The legal processing time of the fiche. */
    deadline: { days: number; kind: DeadlineKind };
    silence: SilenceEffect;
  };
  applicantName: string;
  channel: 'online' | 'counter';
  /** The processing department, when known. */
  department?: Text | null;
  /**
   * `submitted`: "file deposited" (complete; `deadlineAt` is the date the answer is due);
   * `incomplete`: "file being deposited" (`missingDocuments`, to bring by `completionDueAt`).
   */
  status: 'submitted' | 'incomplete';
  deadlineAt?: Date | string | null;
  /** The exhaustive list, frozen at deposit. */
  missingDocuments: { key: string; name: Text }[];
  completionDueAt?: Date | string | null;
  /** The portal's public base URL, e.g. "https://berkane.example.ma" (the tracking page is `/services/requests/{number}`). */
  publicUrl: string;
  /** The commune's time zone for dates and times (default Africa/Casablanca). */
  timeZone?: string;
}

/** What an issued document shows; printed in Arabic and French on one page. */
export interface DocumentData {
  commune: PdfCommune;
  /** The unique verification code (`/verify/{code}`). */
  code: string;
  /** The document's title (the fiche's `issuedDocument.title`, else the procedure's name). */
  title: Text;
  procedure: { code: string; name: Text };
  /** The request number the document answers. */
  requestNumber: string;
  department?: Text | null;
  /** The holder's name, or null when the holder chose not to show it (a neutral mention is printed instead). */
  holder: string | null;
  /** The decision's text, in Arabic and French (either may be missing: the other is then shown alone). */
  decision: Text;
  issuedAt: Date | string;
  /** The portal's public base URL; the QR code points to `${publicUrl}/verify/${code}`. */
  publicUrl: string;
  /** The fingerprint of the key that will sign the file (signing.ts), printed for offline checks. */
  keyFingerprint?: string | null;
  timeZone?: string;
}

const DEFAULT_TIME_ZONE = 'Africa/Casablanca';

function toDate(value: Date | string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a date: ${String(value)}`);
  return date;
}

/** `text` in `lang`, else in the other of ar/fr, else any language. */
function pick(text: Text | null | undefined, lang: 'ar' | 'fr'): string {
  if (!text) return '';
  const other = lang === 'ar' ? 'fr' : 'ar';
  return text[lang]?.trim() || text[other]?.trim() || text.en?.trim() || text.zgh?.trim() || '';
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function headerLines(commune: PdfCommune, lang: 'ar' | 'fr', timeZone: string): string[] {
  const t = translator(lang, ['ar', 'fr', 'en'], timeZone);
  const lines = [t.t('eservices.pdf.kingdom'), t.t('eservices.pdf.ministry')];
  if (commune.province) lines.push(t.t('eservices.pdf.province', { name: pick(commune.province, lang) }));
  lines.push(t.t('eservices.pdf.commune', { name: pick(commune.name, lang) }));
  return lines;
}

/** The filing receipt in one language (Arabic right to left, or French), one A4 page for any usual list. */
export async function receiptPdf(data: ReceiptData, lang: 'ar' | 'fr'): Promise<Buffer> {
  const timeZone = data.timeZone ?? DEFAULT_TIME_ZONE;
  const t = translator(lang, ['ar', 'fr', 'en'], timeZone);
  const depositedAt = toDate(data.depositedAt);
  const complete = data.status === 'submitted';
  const commune = pick(data.commune.name, lang);
  const trackingUrl = `${trimSlash(data.publicUrl)}/services/requests/${encodeURIComponent(data.number)}`;
  const title = t.t('eservices.pdf.receipt.title');
  const state = t.t(complete ? 'eservices.pdf.receipt.state_complete' : 'eservices.pdf.receipt.state_incomplete');

  const pdf = new PdfWriter({
    title: `${title} ${data.number}`,
    lang,
    direction: lang === 'ar' ? 'rtl' : 'ltr',
    author: t.t('eservices.pdf.commune', { name: commune }),
    subject: pick(data.procedure.name, lang),
    createdAt: depositedAt,
  });
  pdf.header({ ar: headerLines(data.commune, 'ar', timeZone), fr: headerLines(data.commune, 'fr', timeZone) });
  pdf.heading(title, { align: 'center', size: 16 });
  pdf.paragraph(state, { align: 'center', size: 12.5, bold: true });
  pdf.paragraph(t.t('eservices.pdf.receipt.legal_basis'), { align: 'center', size: 8.5, color: MUTED_COLOR });
  pdf.space(8);

  const rows = [
    { label: t.t('eservices.pdf.receipt.number'), value: data.number },
    { label: t.t('eservices.pdf.receipt.deposited_at'), value: t.t('eservices.pdf.datetime', { at: depositedAt }) },
    { label: t.t('eservices.pdf.receipt.procedure'), value: pick(data.procedure.name, lang) },
    { label: t.t('eservices.pdf.receipt.applicant'), value: data.applicantName },
    {
      label: t.t('eservices.pdf.receipt.channel'),
      value: t.t(data.channel === 'counter' ? 'eservices.pdf.receipt.channel_counter' : 'eservices.pdf.receipt.channel_online'),
    },
  ];
  if (data.department) rows.push({ label: t.t('eservices.pdf.receipt.department'), value: pick(data.department, lang) });
  rows.push({ label: t.t('eservices.pdf.receipt.state'), value: state });
  rows.push({
    label: t.t('eservices.pdf.receipt.processing_time'),
    value: t.t('eservices.pdf.days', { days: data.procedure.deadline.days, kind: data.procedure.deadline.kind }),
  });
  if (complete && data.deadlineAt) {
    rows.push({ label: t.t('eservices.pdf.receipt.deadline'), value: t.t('eservices.pdf.date', { at: toDate(data.deadlineAt) }) });
  }
  if (!complete && data.completionDueAt) {
    rows.push({ label: t.t('eservices.pdf.receipt.complete_by'), value: t.t('eservices.pdf.date', { at: toDate(data.completionDueAt) }) });
  }
  pdf.keyValues(rows);
  pdf.rule();

  if (complete) {
    if (data.deadlineAt) pdf.paragraph(t.t('eservices.pdf.receipt.complete_text', { deadline: toDate(data.deadlineAt) }));
    if (data.procedure.silence === 'approval') pdf.paragraph(t.t('eservices.pdf.receipt.silence_approval'));
  } else {
    pdf.paragraph(t.t('eservices.pdf.receipt.incomplete_text'), { bold: true });
    pdf.list(data.missingDocuments.map((document) => pick(document.name, lang) || document.key));
    pdf.space(4);
    if (data.completionDueAt) pdf.paragraph(t.t('eservices.pdf.receipt.complete_by_text', { due: toDate(data.completionDueAt) }));
  }
  pdf.space(10);
  pdf.qr(trackingUrl, {
    size: 96,
    caption: [t.t('eservices.pdf.receipt.tracking'), trackingUrl, t.t('eservices.pdf.receipt.secret_note')],
  });
  pdf.footer([t.t('eservices.pdf.receipt.footer', { commune, number: data.number })]);
  return pdf.end();
}

/** The issued document, Arabic and French on the same page, with its verification code and QR code. */
export async function documentPdf(data: DocumentData): Promise<Buffer> {
  const timeZone = data.timeZone ?? DEFAULT_TIME_ZONE;
  const ar = translator('ar', ['ar', 'fr', 'en'], timeZone);
  const fr = translator('fr', ['fr', 'ar', 'en'], timeZone);
  const issuedAt = toDate(data.issuedAt);
  const verifyUrl = `${trimSlash(data.publicUrl)}/verify/${encodeURIComponent(data.code)}`;
  const both = (key: string, values?: Record<string, unknown>) => ({ ar: ar.t(key, values), fr: fr.t(key, values) });
  /** A value in both languages, one per line, without repeating a value that is the same in both. */
  const bilingual = (text: Text | null | undefined) =>
    [...new Set([pick(text, 'ar'), pick(text, 'fr')].filter((s) => s !== ''))].join('\n');

  const pdf = new PdfWriter({
    title: `${pick(data.title, 'fr')} — ${data.code}`,
    lang: 'ar',
    direction: 'rtl',
    author: fr.t('eservices.pdf.commune', { name: pick(data.commune.name, 'fr') }),
    subject: pick(data.procedure.name, 'fr'),
    createdAt: issuedAt,
  });
  pdf.header({ ar: headerLines(data.commune, 'ar', timeZone), fr: headerLines(data.commune, 'fr', timeZone) });
  pdf.space(2);
  if (data.title.ar) pdf.paragraph(data.title.ar, { align: 'center', size: 17, bold: true, direction: 'rtl' });
  if (data.title.fr) pdf.paragraph(data.title.fr, { align: 'center', size: 14, bold: true, direction: 'ltr' });
  if (!data.title.ar && !data.title.fr) pdf.paragraph(bilingual(data.title), { align: 'center', size: 16, bold: true, direction: 'auto' });
  pdf.space(8);

  const row = (key: string, value: string, plain = false) => ({ ...both(key), value, plain });
  const hidden = both('eservices.pdf.document.holder_hidden');
  const rows = [
    data.holder === null
      ? row('eservices.pdf.document.holder', `${hidden.ar}\n${hidden.fr}`, true)
      : row('eservices.pdf.document.holder', data.holder),
    row('eservices.pdf.document.procedure', bilingual(data.procedure.name)),
    row('eservices.pdf.document.reference', data.requestNumber),
  ];
  if (data.department) rows.push(row('eservices.pdf.document.department', bilingual(data.department)));
  rows.push(
    row(
      'eservices.pdf.document.issued_at',
      `${ar.t('eservices.pdf.date', { at: issuedAt })}\n${fr.t('eservices.pdf.date', { at: issuedAt })}`,
    ),
  );
  rows.push(row('eservices.pdf.document.code', data.code));
  pdf.bilingualRows(rows);
  pdf.rule();

  const decisionAr = data.decision.ar?.trim();
  const decisionFr = data.decision.fr?.trim();
  if (decisionAr) {
    pdf.heading(ar.t('eservices.pdf.document.decision'), { direction: 'rtl', size: 12 });
    pdf.paragraph(decisionAr, { direction: 'rtl' });
    pdf.space(6);
  }
  if (decisionFr) {
    pdf.heading(fr.t('eservices.pdf.document.decision'), { direction: 'ltr', size: 12 });
    pdf.paragraph(decisionFr, { direction: 'ltr' });
  }
  if (!decisionAr && !decisionFr && (data.decision.en || data.decision.zgh))
    pdf.paragraph(pick(data.decision, 'fr'), { direction: 'auto' });
  pdf.space(12);

  const caption = [ar.t('eservices.pdf.document.verify'), fr.t('eservices.pdf.document.verify'), verifyUrl];
  if (data.keyFingerprint) {
    caption.push(ar.t('eservices.pdf.document.signed'), fr.t('eservices.pdf.document.signed'), data.keyFingerprint);
  }
  pdf.qr(verifyUrl, { size: 104, caption, captionSize: 8.5 });
  const communeAr = pick(data.commune.name, 'ar');
  const communeFr = pick(data.commune.name, 'fr');
  pdf.footer([
    ar.t('eservices.pdf.document.footer', { commune: communeAr, code: data.code }),
    fr.t('eservices.pdf.document.footer', { commune: communeFr, code: data.code }),
  ]);
  return pdf.end();
}
