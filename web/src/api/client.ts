/**
 * The typed API client: openapi-fetch over the types generated from the committed openapi.json.
 * Every request says which language the user reads (the server localizes its problems), and every
 * cookie-authenticated write carries the session's CSRF token.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** Every path of the API, generated from the committed openapi.json (`npm run` … see web/README.md). */
export type ApiPaths = paths;

/** RFC 9457 problem details, as the server sends them (already in the user's language). */
export type Problem = components['schemas']['def-0'];

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
/** The JSON body a path answers with, by method and status: `ResponseOf<'/api/v1/me', 'get'>`. */
export type ResponseOf<P extends keyof ApiPaths, M extends Method, S extends number = 200> =
  ApiPaths[P] extends Record<M, { responses: Record<S, { content: { 'application/json': infer T } }> }> ? T : never;
/** The JSON body a path accepts, by method. */
export type RequestOf<P extends keyof ApiPaths, M extends Method> =
  ApiPaths[P] extends Record<M, { requestBody?: { content: { 'application/json': infer T } } }> ? T : never;

let language = 'ar';
let csrfToken: string | null = null;

/** Called by the i18n layer whenever the locale changes. */
export function setApiLanguage(locale: string): void {
  language = locale;
}

/** Remember the session's CSRF token (from the sign-in response or GET /api/v1/me); null on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept-Language', language);
    if (csrfToken && !SAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

export const api = createClient<ApiPaths>({ baseUrl: '', credentials: 'same-origin' });
api.use(headers);

/** The server answered with a problem (4xx/5xx): show its title and detail. */
export class ProblemError extends Error {
  readonly problem: Problem;
  readonly status: number;
  /** The language the server wrote it in (Content-Language), when it says: it may have fallen back. */
  readonly language: string | null;
  constructor(problem: Problem, language: string | null = null) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
    this.problem = problem;
    this.status = problem.status;
    this.language = language;
  }
  /**
   * Field errors keyed by the field's path without the `/body/` or `/query/` prefix, slashes as
   * dots (`email`, `title.ar`, `hours.0.opens`); errors about no particular field under ''.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { pointer, detail } of this.problem.errors ?? []) {
      const match = /^\/(?:body|query|params)\/(.+)$/.exec(pointer);
      const key = match?.[1] ? match[1].replaceAll('/', '.') : '';
      // One field can break several rules of its schema with the same localized message.
      if (out[key]?.split(' · ').includes(detail)) continue;
      out[key] = out[key] ? `${out[key]} · ${detail}` : detail;
    }
    return out;
  }
}

/** The server could not be reached (no network, server down, proxy error): offer to retry. */
export class ConnectionError extends Error {
  constructor(cause?: unknown) {
    super('connection lost', { cause });
    this.name = 'ConnectionError';
  }
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).title === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws ProblemError / ConnectionError —
 * the two failures the UI knows how to show.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    // fetch rejects with a TypeError when the network is down; an aborted request stays an abort.
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ConnectionError(error);
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  if (isProblem(error)) throw new ProblemError(error, response.headers.get('content-language'));
  // A gateway or dev proxy answering for a server that is down is not a problem from Madina.
  if (response.status >= 500) throw new ConnectionError(error);
  throw new ProblemError({
    type: 'about:blank',
    title: response.statusText || String(response.status),
    status: response.status,
    code: 'http_error',
    requestId: '',
  });
}
