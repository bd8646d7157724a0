import type { FieldError } from '../../platform/http/errors.js';
import { isPlainText } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import type { Attribute } from './categories.repository.js';
import type { Answers } from './reports.repository.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

type Given = Record<string, unknown>;

/**
 * Checks a citizen's answers to a category's questions (Open311 service attributes) and returns
 * them normalized (numbers as numbers, lists as arrays), or the fields at fault. Values may come
 * as JSON types or, from an Open311 form post, as strings.
 */
export function checkAnswers(attributes: readonly Attribute[], given: Given, pointer: string): { answers: Answers; errors: FieldError[] } {
  const answers: Answers = {};
  const errors: FieldError[] = [];
  const byCode = new Map(attributes.map((a) => [a.code, a]));
  for (const code of Object.keys(given)) {
    if (!byCode.has(code)) errors.push({ pointer: `${pointer}/${code}`, key: 'problem.field.unknown' });
  }
  for (const a of attributes) {
    const at = `${pointer}/${a.code}`;
    const raw = given[a.code];
    const empty = raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      if (a.required) errors.push({ pointer: at, key: 'problem.field.required' });
      continue;
    }
    const value = checkOne(a, raw);
    if (value === undefined) errors.push({ pointer: at, key: a.values ? 'problem.field.not_in_list' : 'problem.field.invalid' });
    else answers[a.code] = value;
  }
  return { answers, errors };
}

function checkOne(a: Attribute, raw: unknown): string | number | string[] | undefined {
  const keys = new Set((a.values ?? []).map((v) => v.key));
  switch (a.datatype) {
    case 'string':
    case 'text': {
      const max = a.datatype === 'string' ? LIMITS.attributeValueMax : LIMITS.descriptionMax;
      const kind = a.datatype === 'string' ? 'line' : 'text';
      return typeof raw === 'string' && raw.length <= max && isPlainText(raw, kind) ? raw : undefined;
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'datetime':
      return typeof raw === 'string' && ISO_DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : undefined;
    case 'singlevaluelist':
      return typeof raw === 'string' && keys.has(raw) ? raw : undefined;
    case 'multivaluelist': {
      const list = Array.isArray(raw) ? raw : [raw];
      if (!list.every((v): v is string => typeof v === 'string' && keys.has(v))) return undefined;
      return [...new Set(list)];
    }
  }
}
