/** One field that made a request invalid, as a JSON pointer into the request part it came from. */
export interface FieldError {
  /** e.g. `/body/email`, `/query/limit` */
  pointer: string;
  /** message key, e.g. `problem.field.required` */
  key: string;
  /** values of the message's placeholders, e.g. `{max: 300}` */
  values?: Record<string, unknown>;
}

/**
 * The platform's one error type: a snake_case code, an HTTP status, a message key with values
 * (translated for the caller), and optionally the fields at fault. Thrown by services; turned into
 * RFC 9457 problem+json by the error handler.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detailKey?: string,
    readonly values: Record<string, unknown> = {},
    readonly fields: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

/** Not found, or not allowed to know it exists: the two look the same to the caller. */
export const notFound = () => new AppError('not_found', 404, 'problem.not_found.detail');
export const unauthenticated = () => new AppError('unauthenticated', 401, 'problem.unauthenticated.detail');
export const forbidden = () => new AppError('forbidden', 403, 'problem.forbidden.detail');
export const conflict = (detailKey: string, values: Record<string, unknown> = {}) => new AppError('conflict', 409, detailKey, values);
export const invalid = (pointer: string, key = 'problem.field.invalid') =>
  new AppError('validation_failed', 400, undefined, {}, [{ pointer, key }]);
