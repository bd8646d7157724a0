import { type TProperties, Type } from 'typebox';
import { LOCALES } from '../i18n/index.js';
import { LIMITS, TEXT_PATTERNS } from '../limits.js';

/** An object schema that refuses unknown properties (every request body and query uses this). */
export const Strict = <T extends TProperties>(properties: T, options: { description?: string; $id?: string } = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A multilingual text as the API returns it: the languages it was written in. */
export const TextOut = Type.Object({
  ar: Type.Optional(Type.String()),
  fr: Type.Optional(Type.String()),
  zgh: Type.Optional(Type.String()),
  en: Type.Optional(Type.String()),
});

// At least six digits among spaces, brackets and dashes, with an optional leading +: "+212 5 36 …", "(05) 36 …".
export const Phone = Type.String({ pattern: '^(?=(?:[^0-9]*[0-9]){6})\\+?[0-9 ()-]{6,20}$', maxLength: LIMITS.phoneMax });
export const Email = Type.String({ format: 'email', maxLength: LIMITS.emailMax });

/** A file in the response body (an image, a PDF): sent as is, never serialized. */
export const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/** A point on the earth in WGS 84 degrees. */
export const LatLon = Strict(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { description: 'WGS 84 (EPSG:4326) latitude and longitude in degrees' },
);
export const IdParams = Strict({ id: Uuid });

export const Locale = Type.Unsafe<(typeof LOCALES)[number]>({ type: 'string', enum: [...LOCALES] });

/**
 * What the texts of a field may hold: `line` is one line of plain text (no control character),
 * `text` plain text that may have line breaks and tabs; `any` does not constrain the characters.
 */
export type TextKind = 'any' | keyof typeof TEXT_PATTERNS;

const textOptions = (maxLength: number, kind: TextKind) =>
  kind === 'any' ? { minLength: 1, maxLength } : { minLength: 1, maxLength, pattern: TEXT_PATTERNS[kind] };

const TEXT_REGEXPS = { line: new RegExp(TEXT_PATTERNS.line), text: new RegExp(TEXT_PATTERNS.text) };

/** The check `plainText` makes, for values that arrive outside a schema (e.g. answers to a category's questions). */
export const isPlainText = (value: string, kind: Exclude<TextKind, 'any'>) => TEXT_REGEXPS[kind].test(value);

/** A text people write, in one language, at most `maxLength` characters (see `TextKind`). */
export const plainText = (maxLength: number, kind: Exclude<TextKind, 'any'>) => Type.String(textOptions(maxLength, kind));

/**
 * A content field in the commune's languages (`{ar, fr, zgh, en}`, each optional, at least one
 * given, no other key), each text at most `maxLength` characters.
 */
export function multilingual(maxLength: number, kind: TextKind = 'any') {
  const text = textOptions(maxLength, kind);
  return Type.Object(
    Object.fromEntries(LOCALES.map((l) => [l, Type.Optional(Type.String(text))])) as Record<
      (typeof LOCALES)[number],
      ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>
    >,
    { additionalProperties: false, minProperties: 1 },
  );
}

/** A name in the commune's languages; at least one must be given. */
export const MultilingualText = multilingual(LIMITS.nameMax);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** Paging for lists: `limit` is clamped to the maximum, not refused. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, default: LIMITS.pageSizeDefault })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

export function page(query: { limit?: number; offset?: number }) {
  return {
    limit: Math.min(query.limit ?? LIMITS.pageSizeDefault, LIMITS.pageSizeMax),
    offset: query.offset ?? 0,
  };
}

export const PageMeta = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

/** Error responses every route may give, for the OpenAPI description. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')])) as Record<number, ReturnType<typeof Type.Ref>>;
