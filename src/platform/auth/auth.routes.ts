import { actorOf } from '../http/context.js';
import { unauthenticated } from '../http/errors.js';
import { problemResponses } from '../http/schemas.js';
import type { App, Platform } from '../platform.js';
import { LoginBody, LoginResponse, MeResponse, PasswordChangeBody } from './auth.schemas.js';
import { isPermission, permissionsOf } from './permissions.js';
import { SESSION_COOKIE } from './plugin.js';

const tags = ['auth'];

export async function authRoutes(app: App, { auth, config }: Platform) {
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password; sets the session cookie',
        body: LoginBody,
        response: { 200: LoginResponse, ...problemResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const session = await auth.login(
        request.commune,
        request.body.email,
        request.body.password,
        request.ip,
        request.headers['user-agent'] ?? null,
      );
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.cookieSecure,
        expires: session.expiresAt,
      });
      return { csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'Sign out: ends this session', response: { 204: { type: 'null' }, ...problemResponses(401, 403) } } },
    async (request, reply) => {
      const principal = request.principal;
      if (principal?.kind !== 'user') throw unauthenticated();
      await auth.logout(request.commune.id, principal, actorOf(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      schema: {
        tags,
        summary: "Change the signed-in user's password; ends their other sessions",
        body: PasswordChangeBody,
        response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal?.kind !== 'user') throw unauthenticated();
      await auth.changePassword(
        request.commune,
        principal,
        request.body.currentPassword,
        request.body.newPassword,
        actorOf(request),
        request.locale,
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags,
        summary: 'Who is signed in: user or API key, commune, permissions',
        response: { 200: MeResponse, ...problemResponses(401) },
      },
    },
    async (request) => {
      const p = request.principal;
      if (!p) throw unauthenticated();
      const c = request.commune;
      const commune = {
        code: c.code,
        name: Object.fromEntries(Object.entries(c.name).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
        defaultLocale: c.defaultLocale,
        timeZone: c.timeZone,
      };
      if (p.kind === 'api_key') {
        return {
          apiKey: { id: p.id, name: p.name },
          commune,
          permissions: p.permissions.filter(isPermission),
        };
      }
      return {
        user: {
          id: p.id,
          email: p.email,
          displayName: p.displayName,
          role: p.role,
          departmentId: p.departmentId,
          locale: p.locale as 'ar' | 'fr' | 'zgh' | 'en' | null,
        },
        commune,
        permissions: permissionsOf(p.role),
        csrfToken: p.csrfToken,
      };
    },
  );
}
