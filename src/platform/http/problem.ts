import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/errors.js';
import { type Translator, translator } from '../i18n/index.js';
import { AppError, type FieldError } from './errors.js';

const PROBLEM_TYPE = 'urn:madina:problem:';

/** RFC 9457 problem details, with the fields at fault and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId: string;
  errors?: { pointer: string; detail: string }[];
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

const CONTEXT_POINTER: Record<string, string> = {
  body: '/body',
  querystring: '/query',
  params: '/path',
  headers: '/headers',
};

/** Turns Ajv's errors into field pointers such as `/body/email`. */
function fieldErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  const base = CONTEXT_POINTER[context ?? 'body'] ?? '/body';
  return validation.map((e) => {
    if (e.keyword === 'required') {
      return { pointer: `${base}${e.instancePath}/${String(e.params.missingProperty)}`, key: 'problem.field.required' };
    }
    if (e.keyword === 'additionalProperties') {
      return { pointer: `${base}${e.instancePath}/${String(e.params.additionalProperty)}`, key: 'problem.field.unknown' };
    }
    return { pointer: `${base}${e.instancePath}`, key: 'problem.field.invalid' };
  });
}

function toAppError(error: FastifyError, bodyLimit: number): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    return new AppError(
      'validation_failed',
      400,
      undefined,
      {},
      fieldErrors(error.validation as unknown as AjvError[], error.validationContext),
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('body_too_large', 413, 'problem.body_too_large.detail', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 415, 'problem.unsupported_media_type.detail');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('malformed_body', 400, 'problem.malformed_body.detail');
  }
  if (error.statusCode === 400 && (error instanceof SyntaxError || error.code?.startsWith('FST_ERR_CTP'))) {
    return new AppError('malformed_body', 400, 'problem.malformed_body.detail');
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError('database_unavailable', 503, 'problem.database_unavailable.detail', {}, [], {
      'retry-after': '5',
    });
  }
  if (error.statusCode === 429) return new AppError('rate_limited', 429);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError(error.statusCode === 404 ? 'not_found' : 'bad_request', error.statusCode);
  }
  return new AppError('internal', 500, 'problem.internal.detail');
}

/** Builds the problem body for `error` in the caller's language. */
export function problemFor(error: AppError, i18n: Translator, requestId: string, instance?: string): Problem {
  const titleKey = `problem.${error.code}.title`;
  const problem: Problem = {
    type: `${PROBLEM_TYPE}${error.code}`,
    title: i18n.t(titleKey),
    status: error.status,
    code: error.code,
    requestId,
  };
  if (error.fields.length > 0) {
    problem.errors = error.fields.map((f) => ({ pointer: f.pointer, detail: i18n.t(f.key, f.values) }));
  }
  // A specific explanation wins; otherwise the fields at fault are listed.
  if (error.detailKey) {
    problem.detail = i18n.t(error.detailKey, error.values);
  } else if (error.fields.length > 0) {
    problem.detail = i18n.t('problem.validation_failed.detail', {
      count: error.fields.length,
      fields: error.fields.map((f) => f.pointer).join(', '),
    });
  }
  if (instance) problem.instance = instance;
  return problem;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const i18n = request.i18n ?? translator('en');
  const problem = problemFor(error, i18n, String(request.id), request.url.split('?')[0]);
  reply.headers(error.headers);
  return reply
    .code(error.status)
    .header('content-language', i18n.resolvedLocale(`problem.${error.code}.title`))
    .type('application/problem+json; charset=utf-8')
    .send(problem);
}

/** Every error becomes problem+json; 5xx bodies never carry internals, only the request id. */
export function registerProblemHandling(app: FastifyInstance, bodyLimit: number) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, bodyLimit);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (!(error instanceof AppError)) {
      request.log.info({ code: appError.code, message: error.message }, 'request refused');
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new AppError('not_found', 404, 'problem.not_found.detail')));
}
