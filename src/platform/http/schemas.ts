import { type TProperties, Type } from 'typebox';
import { LOCALES } from '../i18n/index.js';
import { LIMITS } from '../limits.js';

/** An object schema that refuses unknown properties (every request body and query uses this). */
export const Strict = <T extends TProperties>(properties: T, options: { description?: string; $id?: string } = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Strict({ id: Uuid });

export const Locale = Type.Unsafe<(typeof LOCALES)[number]>({ type: 'string', enum: [...LOCALES] });

/** A content field in the commune's languages; at least one must be given. */
export const MultilingualText = Type.Object(
  Object.fromEntries(LOCALES.map((l) => [l, Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.nameMax }))])) as Record<
    (typeof LOCALES)[number],
    ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>
  >,
  { additionalProperties: false, minProperties: 1 },
);

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
