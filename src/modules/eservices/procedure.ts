/**
 * What a procedure (fiche, Law 55.19 arts 5–6) is made of, and the checks made on it and on a
 * request's answers. Pure code with no server dependency: the office's editor and the portal's
 * request form import this file too (web/src), so the client and the server validate a request
 * with the same code and the same messages.
 */
import { TEXT_PATTERNS } from '../../platform/limits.js';

/** A content field in the commune's languages, as stored (`{ar, fr, zgh?, en?}`). */
export type Text = { ar?: string; fr?: string; zgh?: string; en?: string };

export const FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'choice', 'cin', 'address', 'file'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One typed question of a procedure's request form. */
export interface Field {
  key: string;
  type: FieldType;
  label: Text;
  help?: Text;
  required: boolean;
  /** text/textarea: most characters; default FIELD_LIMITS.textMax / textareaMax. */
  maxLength?: number;
  /** number: bounds (inclusive); date: bounds as YYYY-MM-DD. */
  min?: number | string;
  max?: number | string;
  /** choice: the allowed values. */
  options?: { key: string; label: Text }[];
}

/** A document the citizen supplies. The art-7 flags exist so the editor can refuse them. */
export interface CitizenDocument {
  key: string;
  name: Text;
  required: boolean;
  /** Art 8: a sworn statement (déclaration sur l'honneur) may replace this document. */
  swornStatementAllowed: boolean;
  note?: Text;
  /** Art 7 forbids each of these; kept in the shape so an import or API call that sets them is refused, not silently dropped. */
  legalizedSignature?: boolean;
  certifiedCopy?: boolean;
  copies?: number;
  concernsApplicant?: boolean;
}

/** A document the commune obtains itself from another administration (arts 23–24: with the citizen's consent). */
export interface FetchedDocument {
  key: string;
  name: Text;
  from: Text;
}

export const SILENCE_EFFECTS = ['approval', 'refusal'] as const;
export type SilenceEffect = (typeof SILENCE_EFFECTS)[number];
export const DEADLINE_KINDS = ['calendar', 'working'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
export const EXTENSION_REASONS = ['technical_study', 'public_inquiry'] as const;
export type ExtensionReason = (typeof EXTENSION_REASONS)[number];
export const PROCEDURE_CATEGORIES = ['urbanism', 'economic', 'public_domain', 'certification', 'civil_status', 'other'] as const;
export type ProcedureCategory = (typeof PROCEDURE_CATEGORIES)[number];

/** A procedure as the office edits it and the seed writes it (departments by code). */
export interface ProcedureDefinition {
  code: string;
  category: ProcedureCategory;
  name: Text;
  summary: Text;
  legalReferences: { reference: string; title: Text }[];
  receivingDepartment: string;
  processingDepartment: string;
  citizenDocuments: CitizenDocument[];
  fetchedDocuments: FetchedDocument[];
  fee: { amountMad: number; legalReference: string; note?: Text } | null;
  deadline: { days: number; kind: DeadlineKind; investment: boolean };
  silence: SilenceEffect;
  appeals: Text;
  /** The reasons art 17 allows for one extension of the deadline, empty when none applies. */
  extensionReasons: ExtensionReason[];
  fields: Field[];
  issuedDocument: { title: Text } | null;
  /** What in this fiche is not certain (shown to citizens and staff as such), or null. */
  uncertain: Text | null;
}

export const FIELD_LIMITS = {
  keyMax: 40,
  fieldsMax: 40,
  documentsMax: 30,
  optionsMax: 50,
  textMax: 300,
  textareaMax: 4_000,
  /** Bytes of one attachment (PDF, JPEG or PNG). */
  attachmentBytesMax: 10 * 1024 * 1024,
  attachmentsMax: 30,
  /** Law 55.19 art 10: the longest deadline a fiche may set (60 days; 30 for investment decisions). */
  deadlineDaysMax: 60,
  investmentDeadlineDaysMax: 30,
} as const;

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
/**
 * The Moroccan national identity card number (CNIE): one or two letters then up to six digits
 * (e.g. "AB123456", "J12345"). The leading letters name the issuing region.
 */
export const CIN_PATTERN = /^[A-Z]{1,2}[0-9]{1,6}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER_PATTERN = /^-?\d+(\.\d+)?$/;
// The rule the server's plainText schemas apply to every text people write.
const LINE = new RegExp(TEXT_PATTERNS.line);
const MULTILINE = new RegExp(TEXT_PATTERNS.text);

/** A problem with one answer or one part of a fiche: a message key (web/i18n, problem.*) and its values. */
export interface FieldProblem {
  field: string;
  key: string;
  values?: Record<string, string | number>;
}

/** The CIN as people type it (spaces, lower case, Arabic-Indic digits) in its one written form. */
export function normalizeCin(value: string): string {
  return latinDigits(value).replace(/[\s-]/g, '').toUpperCase();
}

/** Arabic-Indic and Persian digits as the Latin digits the server stores. */
export function latinDigits(value: string): string {
  return value.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.codePointAt(0) ?? 0) & 0xf));
}

/** An address on the map: a point and, optionally, what the citizen wrote. */
export interface AddressAnswer {
  lat: number;
  lon: number;
  text?: string;
}

/** An answer to one field as it travels in JSON (a file field's answer is the attachment's id). */
export type Answer = string | number | AddressAnswer;
export type Answers = Record<string, Answer>;

/**
 * Checks a request's answers against the procedure's fields. `complete` asks for every required
 * field (at submission); a draft may leave them empty. File fields are answered by attachments,
 * which the caller checks (see `missingDocuments`). Returns every problem, in field order.
 */
export function checkAnswers(fields: readonly Field[], answers: Readonly<Record<string, unknown>>, complete: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(answers)) if (!known.has(key)) problems.push({ field: key, key: 'problem.field_unknown' });
  for (const field of fields) {
    if (field.type === 'file') continue;
    const value = answers[field.key];
    if (value === undefined || value === null || value === '') {
      if (complete && field.required) problems.push({ field: field.key, key: 'problem.field_required' });
      continue;
    }
    const problem = checkAnswer(field, value);
    if (problem) problems.push({ field: field.key, ...problem });
  }
  return problems;
}

function checkAnswer(field: Field, value: unknown): Omit<FieldProblem, 'field'> | null {
  switch (field.type) {
    case 'text':
    case 'textarea': {
      const max = field.maxLength ?? (field.type === 'text' ? FIELD_LIMITS.textMax : FIELD_LIMITS.textareaMax);
      if (typeof value !== 'string' || !(field.type === 'text' ? LINE : MULTILINE).test(value)) return { key: 'problem.field_text' };
      if ([...value].length > max) return { key: 'problem.field_too_long', values: { max } };
      return null;
    }
    case 'number': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && NUMBER_PATTERN.test(latinDigits(value))
            ? Number(latinDigits(value))
            : Number.NaN;
      if (!Number.isFinite(n)) return { key: 'problem.field_number' };
      if (typeof field.min === 'number' && n < field.min) return { key: 'problem.field_min', values: { min: field.min } };
      if (typeof field.max === 'number' && n > field.max) return { key: 'problem.field_max', values: { max: field.max } };
      return null;
    }
    case 'date': {
      if (typeof value !== 'string' || !isDate(value)) return { key: 'problem.field_date' };
      if (typeof field.min === 'string' && value < field.min) return { key: 'problem.field_min', values: { min: field.min } };
      if (typeof field.max === 'string' && value > field.max) return { key: 'problem.field_max', values: { max: field.max } };
      return null;
    }
    case 'choice':
      return typeof value === 'string' && (field.options ?? []).some((o) => o.key === value) ? null : { key: 'problem.field_choice' };
    case 'cin':
      return typeof value === 'string' && CIN_PATTERN.test(normalizeCin(value)) ? null : { key: 'problem.field_cin' };
    case 'address': {
      const a = value as Partial<AddressAnswer>;
      const ok =
        typeof value === 'object' &&
        value !== null &&
        typeof a.lat === 'number' &&
        typeof a.lon === 'number' &&
        Math.abs(a.lat) <= 90 &&
        Math.abs(a.lon) <= 180 &&
        Object.keys(value).every((k) => k === 'lat' || k === 'lon' || k === 'text') &&
        (a.text === undefined || (typeof a.text === 'string' && LINE.test(a.text) && [...a.text].length <= FIELD_LIMITS.textMax));
      return ok ? null : { key: 'problem.field_address' };
    }
    case 'file':
      return null;
  }
}

function isDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The answers in the form the server stores: CIN normalized, numbers as numbers, Arabic-Indic digits as Latin. */
export function normalizeAnswers(fields: readonly Field[], answers: Readonly<Record<string, unknown>>): Answers {
  const out: Answers = {};
  for (const field of fields) {
    const value = answers[field.key];
    if (value === undefined || value === null || value === '' || field.type === 'file') continue;
    if (field.type === 'cin') out[field.key] = normalizeCin(String(value));
    else if (field.type === 'number') out[field.key] = typeof value === 'number' ? value : Number(latinDigits(String(value)));
    else if (field.type === 'date') out[field.key] = latinDigits(String(value));
    else out[field.key] = value as Answer;
  }
  return out;
}

// Words that name what art 7 forbids a commune to demand, in the fiche's languages: a legalized
// signature, a certified copy. Checked on document names besides the explicit flags, because an
// editor may write the demand in words.
const FORBIDDEN_WORDS: { key: string; pattern: RegExp }[] = [
  { key: 'problem.procedure_legalized_signature', pattern: /l[ée]galis|تصحيح\s*(ال)?إمضاء|مصادق\s*عل[يى]\s*(ال)?إمضاء|legali[sz]ed/i },
  {
    key: 'problem.procedure_certified_copy',
    pattern: /copie\s+certifi|conforme\s+[àa]\s+l['’]original|نسخة\s*(مصادق|مطابقة)|certified\s+copy/i,
  },
];

/**
 * The checks a fiche must pass before it is saved (arts 7 and 10 of Law 55.19, and the form's
 * coherence): no legalized signature, certified copy, second copy or document about someone else
 * among the documents asked of the citizen; a deadline within the legal maximum; unique keys;
 * choices with options. Returns every problem.
 */
export function checkProcedure(p: ProcedureDefinition): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const keys = new Set<string>();
  const unique = (where: string, key: string) => {
    if (!KEY_PATTERN.test(key)) problems.push({ field: where, key: 'problem.procedure_key' });
    else if (keys.has(key)) problems.push({ field: where, key: 'problem.procedure_duplicate_key', values: { key } });
    keys.add(key);
  };
  p.citizenDocuments.forEach((d, i) => {
    const where = `citizenDocuments.${i}`;
    unique(where, d.key);
    if (d.legalizedSignature) problems.push({ field: where, key: 'problem.procedure_legalized_signature' });
    if (d.certifiedCopy) problems.push({ field: where, key: 'problem.procedure_certified_copy' });
    if (d.copies !== undefined && d.copies > 1) problems.push({ field: where, key: 'problem.procedure_copies' });
    if (d.concernsApplicant === false) problems.push({ field: where, key: 'problem.procedure_not_applicant' });
    const names = Object.values(d.name).join(' ');
    for (const w of FORBIDDEN_WORDS) if (w.pattern.test(names)) problems.push({ field: where, key: w.key });
  });
  for (const [i, d] of p.fetchedDocuments.entries()) unique(`fetchedDocuments.${i}`, d.key);
  p.fields.forEach((f, i) => {
    unique(`fields.${i}`, f.key);
    if (f.type === 'choice' && !(f.options && f.options.length > 0))
      problems.push({ field: `fields.${i}`, key: 'problem.procedure_choice_options' });
  });
  const max = p.deadline.investment ? FIELD_LIMITS.investmentDeadlineDaysMax : FIELD_LIMITS.deadlineDaysMax;
  if (!Number.isInteger(p.deadline.days) || p.deadline.days < 1 || p.deadline.days > max)
    problems.push({ field: 'deadline.days', key: 'problem.procedure_deadline', values: { max } });
  return problems;
}

export { searchFold } from '../../platform/search-fold.js';
