import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.js';
import type { AuthService } from './auth.service.js';
import { sameToken } from './tokens.js';

export const SESSION_COOKIE = 'madina_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Sign-in has no session yet (its own defence is SameSite and the JSON-only body).
const CSRF_EXEMPT = new Set(['/api/v1/auth/login']);

/**
 * Finds who is calling: a Bearer API key, else the session cookie. Cookie-authenticated writes
 * must echo the session's CSRF token in `X-CSRF-Token` (a cross-site form cannot set headers).
 */
export function registerAuthentication(app: FastifyInstance, auth: AuthService) {
  app.addHook('onRequest', async (request) => {
    if (!request.commune) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const [scheme, key] = authorization.split(' ');
      const principal = scheme === 'Bearer' && key ? await auth.resolveApiKey(request.commune.id, key) : null;
      if (!principal)
        throw new AppError('unauthenticated', 401, 'problem.unauthenticated.detail', {}, [], { 'www-authenticate': 'Bearer' });
      request.principal = principal;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const principal = await auth.resolveSession(request.commune.id, token);
    if (!principal) return;
    if (!SAFE_METHODS.has(request.method) && !CSRF_EXEMPT.has(request.routeOptions.url ?? '')) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameToken(header, principal.csrfToken)) {
        throw new AppError('csrf_failed', 403, 'problem.csrf_failed.detail');
      }
    }
    request.principal = principal;
  });
}
