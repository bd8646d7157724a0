import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.js';
import type { Principal } from '../auth/principal.js';
import { type CommuneRow, findCommuneByCode, findCommuneByHost } from '../communes/communes.repository.js';
import type { Database } from '../db/database.js';
import { isLocale, type Locale, negotiateLocale, type Translator, translator } from '../i18n/index.js';
import { AppError } from './errors.js';
import { servesFrontEnd } from './paths.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The commune this request is for (from its host name, else DEFAULT_COMMUNE). */
    commune: CommuneRow;
    locale: Locale;
    i18n: Translator;
    /** Who is calling: a signed-in user, an API key, or nobody. */
    principal: Principal | null;
  }
}

export const unknownCommune = () => new AppError('unknown_commune', 404, 'problem.unknown_commune.detail');

const CACHE_MS = 10_000;

/** Paths that answer without a commune (operations and API description). */
const PLATFORM_PATHS = /^\/(health|ready|metrics|openapi\.json|docs)(\/|$|\?)/;

export function fallbackOrder(commune: CommuneRow | undefined): Locale[] {
  return (commune?.localeFallback ?? ['ar', 'fr', 'en']).filter(isLocale);
}

/**
 * Resolves each request's commune and language. Open311 clients select a commune explicitly with
 * `jurisdiction_id`, which its module handles; everything else goes by host name.
 */
/**
 * A commune looked up by a key (a host name, a jurisdiction id), kept CACHE_MS per process: a
 * commune added elsewhere shows up within that time.
 */
export function cachedCommuneLookup(load: (key: string) => Promise<CommuneRow | undefined>) {
  const cache = new Map<string, { commune: CommuneRow | undefined; until: number }>();
  return async (key: string): Promise<CommuneRow | undefined> => {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.commune;
    const commune = await load(key);
    if (cache.size > 1000) cache.clear();
    cache.set(key, { commune, until: Date.now() + CACHE_MS });
    return commune;
  };
}

export function registerRequestContext(app: FastifyInstance, db: Database, defaultCommune: string) {
  const resolve = cachedCommuneLookup(
    async (host) => (await findCommuneByHost(db.kysely, host)) ?? (await findCommuneByCode(db.kysely, defaultCommune)),
  );

  app.decorateRequest('commune', null as unknown as CommuneRow);
  app.decorateRequest('locale', 'ar' as Locale);
  app.decorateRequest('i18n', null as unknown as Translator);
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    // Until the commune is known, messages follow Accept-Language alone.
    request.locale = negotiateLocale(request.headers['accept-language'], 'ar');
    request.i18n = translator(request.locale);
    // Operations and the front end's files need no commune (the web app asks the API which one it is).
    if (PLATFORM_PATHS.test(request.url) || servesFrontEnd(request)) return;
    const host = (request.hostname ?? '').split(':')[0]?.toLowerCase() ?? '';
    const commune = await resolve(host);
    if (!commune) throw unknownCommune();
    request.commune = commune;
    const fallback = fallbackOrder(commune);
    const preferred = isLocale(commune.defaultLocale) ? commune.defaultLocale : 'ar';
    request.locale = negotiateLocale(request.headers['accept-language'], preferred);
    request.i18n = translator(request.locale, fallback);
  });
}

/** The actor to record in the audit log for this request. */
export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  const base = { requestId: String(request.id), ip: request.ip };
  if (!p) return { type: 'system', id: null, label: 'anonymous', ...base };
  if (p.kind === 'user') return { type: 'user', id: p.id, label: p.email, ...base };
  return { type: 'api_key', id: p.id, label: `api key ${p.name}`, ...base };
}

/** What a service needs to know about the caller: the commune, who, and how to audit them. */
export interface CallContext {
  communeId: string;
  principal: Principal | null;
  actor: Actor;
}

export function contextOf(request: FastifyRequest): CallContext {
  return { communeId: request.commune.id, principal: request.principal, actor: actorOf(request) };
}
