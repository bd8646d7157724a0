/**
 * The checks the server makes on a report (src/modules/reports/answers.ts, reports.schemas.ts),
 * made here first so a citizen learns at once, beside the field, what to change. The server
 * checks again and its problems are shown the same way.
 */
import { LIMITS, TEXT_PATTERNS } from '../../../../src/platform/limits';
import type { Answers, Attribute } from './reports-api';

// The limits the server's schemas use: one source for both (src/platform/limits.ts).
export { LIMITS };

/** A field's problem: a message key of portal.json and its values. */
export interface FieldProblem {
  key: string;
  values?: Record<string, number | string>;
}

/** Raw answers as the form holds them: text as typed, lists as arrays of keys. */
export type RawAnswers = Record<string, string | string[]>;

const LINE = new RegExp(TEXT_PATTERNS.line);
const TEXT = new RegExp(TEXT_PATTERNS.text);
const NUMBER = /^-?\d+([.,]\d+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^(?=(?:[^0-9]*[0-9]){6})\+?[0-9 ()-]{6,20}$/;

const length = (s: string) => [...s].length;

/** Arabic-Indic and Persian digits (what an Arabic keyboard may type) as the Latin digits the server reads. */
export function latinDigits(value: string): string {
  return value.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.codePointAt(0) ?? 0) & 0xf));
}

function checkText(value: string, kind: 'line' | 'text', max: number): FieldProblem | undefined {
  if (length(value) > max) return { key: 'portal.reports.error.tooLong', values: { max } };
  if (!(kind === 'line' ? LINE : TEXT).test(value)) return { key: 'portal.reports.error.blank' };
  return undefined;
}

export function isEmptyAnswer(raw: string | string[] | undefined): boolean {
  return raw === undefined || (Array.isArray(raw) ? raw.length === 0 : raw.trim() === '');
}

/** A `datetime-local` value (wall clock of this device) as an ISO timestamp with its offset. */
export function localDateTimeToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An ISO timestamp as a `datetime-local` value in this device's time (to edit an answer). */
export function isoToLocalDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Checks the answers to a category's questions and returns them as the API takes them. */
export function checkAnswers(
  attributes: readonly Attribute[],
  raw: RawAnswers,
): { answers: Answers; errors: Record<string, FieldProblem> } {
  const answers: Answers = {};
  const errors: Record<string, FieldProblem> = {};
  for (const a of attributes) {
    const value = raw[a.code];
    if (isEmptyAnswer(value)) {
      const list = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
      if (a.required) errors[a.code] = { key: list ? 'portal.reports.error.choose' : 'portal.reports.error.required' };
      continue;
    }
    const keys = new Set((a.values ?? []).map((v) => v.key));
    const one = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
    let problem: FieldProblem | undefined;
    switch (a.datatype) {
      case 'string':
      case 'text':
        problem = checkText(
          one,
          a.datatype === 'string' ? 'line' : 'text',
          a.datatype === 'string' ? LIMITS.attributeValueMax : LIMITS.descriptionMax,
        );
        if (!problem) answers[a.code] = one;
        break;
      case 'number': {
        const text = latinDigits(one.trim());
        if (NUMBER.test(text)) answers[a.code] = Number(text.replace(',', '.'));
        else problem = { key: 'portal.reports.error.number' };
        break;
      }
      case 'datetime': {
        const iso = localDateTimeToIso(one);
        if (iso) answers[a.code] = iso;
        else problem = { key: 'portal.reports.error.datetime' };
        break;
      }
      case 'singlevaluelist':
        if (keys.has(one)) answers[a.code] = one;
        else problem = { key: 'portal.reports.error.notInList' };
        break;
      case 'multivaluelist': {
        const list = Array.isArray(value) ? value : [one];
        if (list.every((k) => keys.has(k))) answers[a.code] = [...new Set(list)];
        else problem = { key: 'portal.reports.error.notInList' };
        break;
      }
    }
    if (problem) errors[a.code] = problem;
  }
  return { answers, errors };
}

/** Answers from the API as the form holds them (to edit them). */
export function rawAnswers(attributes: readonly Attribute[], answers: Record<string, string | number | string[]>): RawAnswers {
  const raw: RawAnswers = {};
  for (const a of attributes) {
    const value = answers[a.code];
    if (value === undefined) continue;
    if (a.datatype === 'multivaluelist') raw[a.code] = Array.isArray(value) ? value : [String(value)];
    else if (a.datatype === 'datetime') raw[a.code] = isoToLocalDateTime(String(value));
    else raw[a.code] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return raw;
}

export function checkDescription(value: string): FieldProblem | undefined {
  if (value.trim() === '') return { key: 'portal.reports.error.required' };
  return checkText(value, 'text', LIMITS.descriptionMax);
}

export function checkAddress(value: string, required: boolean): FieldProblem | undefined {
  if (value.trim() === '') return required ? { key: 'portal.reports.error.placeRequired' } : undefined;
  return checkText(value, 'line', LIMITS.addressMax);
}

export interface ContactInput {
  name: string;
  email: string;
  phone: string;
}

export function checkContact(contact: ContactInput): Partial<Record<keyof ContactInput, FieldProblem>> {
  const errors: Partial<Record<keyof ContactInput, FieldProblem>> = {};
  if (contact.name.trim() !== '') {
    const problem = checkText(contact.name, 'line', LIMITS.displayNameMax);
    if (problem) errors.name = problem;
  }
  const email = contact.email.trim();
  if (email !== '' && (length(email) > LIMITS.emailMax || !EMAIL.test(email))) errors.email = { key: 'portal.reports.error.email' };
  const phone = latinDigits(contact.phone.trim());
  if (phone !== '' && !PHONE.test(phone)) errors.phone = { key: 'portal.reports.error.phone' };
  return errors;
}

export function checkEmail(value: string): FieldProblem | undefined {
  const email = value.trim();
  if (email === '') return { key: 'portal.reports.error.required' };
  return length(email) > LIMITS.emailMax || !EMAIL.test(email) ? { key: 'portal.reports.error.email' } : undefined;
}
