/**
 * The request form's state and its checks. The answers are checked by procedure.ts's
 * `checkAnswers`, the very code the server runs, so a citizen learns beside the field what the
 * server would refuse, with the same message keys. What is typed is mirrored in sessionStorage
 * (a phone that reloads the tab gives it back); the draft itself lives on the server, and this
 * browser keeps its number and secret (kept-requests.ts) to resume it.
 */
import {
  type AddressAnswer,
  type Answers,
  checkAnswers,
  type Field,
  type FieldProblem,
  normalizeAnswers,
} from '../../../../src/modules/eservices/procedure';
import { type ContactInput, checkContact, type FieldProblem as ReportsProblem } from '../reports/validate';

/** An answer as the form holds it: text as typed, a point on the map. */
export type RawAnswer = string | AddressAnswer;

export interface ApplyForm {
  applicant: ContactInput;
  answers: Record<string, RawAnswer>;
  consents: Record<string, boolean>;
  swornStatements: string[];
}

export const EMPTY_FORM: ApplyForm = { applicant: { name: '', email: '', phone: '' }, answers: {}, consents: {}, swornStatements: [] };

/** The answers without empty ones (the server and checkAnswers treat absent and empty alike). */
export function filledAnswers(answers: Record<string, RawAnswer>): Record<string, RawAnswer> {
  const out: Record<string, RawAnswer> = {};
  for (const [key, value] of Object.entries(answers)) {
    if (typeof value === 'string' ? value.trim() !== '' : value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

export interface FormProblems {
  applicant: Partial<Record<keyof ContactInput, ReportsProblem>>;
  answers: Record<string, FieldProblem>;
}

/**
 * Checks the form: `complete` asks for every required answer (before going on, and before
 * submitting); a draft may leave them empty. Only the fields the procedure knows are checked.
 */
export function checkForm(fields: readonly Field[], form: ApplyForm, complete: boolean): FormProblems {
  const known = new Set(fields.map((f) => f.key));
  const answers = Object.fromEntries(Object.entries(filledAnswers(form.answers)).filter(([k]) => known.has(k)));
  const byField: Record<string, FieldProblem> = {};
  for (const p of checkAnswers(fields, answers, complete)) byField[p.field] ??= p;
  const applicant = checkContact(form.applicant);
  if (form.applicant.name.trim() === '') applicant.name = { key: 'portal.reports.error.required' };
  return { applicant, answers: byField };
}

export const hasProblems = (p: FormProblems) => Object.keys(p.applicant).length > 0 || Object.keys(p.answers).length > 0;

/** The answers as the API takes them (CIN normalized, numbers as numbers, Latin digits). */
export function answersForApi(fields: readonly Field[], form: ApplyForm): Answers {
  const known = new Set(fields.map((f) => f.key));
  const filled = Object.fromEntries(Object.entries(filledAnswers(form.answers)).filter(([k]) => known.has(k)));
  return normalizeAnswers(fields, filled);
}

/** The answers of a draft from the server, as the form holds them. */
export function answersFromApi(fields: readonly Field[], answers: Record<string, unknown>): Record<string, RawAnswer> {
  const out: Record<string, RawAnswer> = {};
  for (const f of fields) {
    const value = answers[f.key];
    if (value === undefined || value === null || f.type === 'file') continue;
    if (f.type === 'address' && typeof value === 'object') out[f.key] = value as AddressAnswer;
    else if (typeof value === 'string' || typeof value === 'number') out[f.key] = String(value);
  }
  return out;
}

const MIRROR = 'madina.eservices.form.';

interface Mirror {
  /** The server draft this form belongs to (null before one is made). */
  number: string | null;
  form: ApplyForm;
}

export function loadMirror(code: string): Mirror | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(MIRROR + code) ?? 'null') as Mirror | null;
    if (!stored || typeof stored !== 'object' || typeof stored.form !== 'object') return null;
    return {
      number: typeof stored.number === 'string' ? stored.number : null,
      form: {
        ...EMPTY_FORM,
        ...stored.form,
        applicant: { ...EMPTY_FORM.applicant, ...stored.form.applicant },
        swornStatements: Array.isArray(stored.form.swornStatements) ? stored.form.swornStatements.filter((s) => typeof s === 'string') : [],
      },
    };
  } catch {
    return null;
  }
}

export function saveMirror(code: string, mirror: Mirror): void {
  try {
    sessionStorage.setItem(MIRROR + code, JSON.stringify(mirror));
  } catch {
    // Storage off: the form lives as long as the page (and the draft on the server).
  }
}

export function clearMirror(code: string): void {
  try {
    sessionStorage.removeItem(MIRROR + code);
  } catch {}
}
