import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/plugin.js';
import { isLocale, type Locale, negotiateLocale, translator } from '../i18n/index.js';
import { AppError } from './errors.js';
import { isServerPath } from './paths.js';
import { sendProblem } from './problem.js';

/** The repository's root, the front end's sources and Vite's output (`npm run build`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const WEB_DIR = path.join(REPO_ROOT, 'web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');

/**
 * Everything the pages load comes from this server: no third-party host. MapLibre needs workers
 * and images from `blob:` URLs, and sets inline styles on its controls and markers.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** Vite names what it builds under assets/ by content hash: a name never changes content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The request's path, decoded once, when it is canonical; undefined for anything odd ("." or ".."
 * segments, "//", a backslash, a NUL, a "%" left after decoding, a bad escape), which then gets a
 * plain 404 and never reaches the file system.
 */
export function frontEndPath(url: string): string | undefined {
  const raw = url.split('?')[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || /[\\%\0]/.test(decoded) || path.posix.normalize(decoded) !== decoded) return undefined;
  return decoded;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** 503 while web/dist is missing: a small page in the caller's language for browsers, a problem for others. */
function notBuilt(request: FastifyRequest, reply: FastifyReply) {
  const error = new AppError('web_not_built', 503, 'problem.web_not_built.detail');
  if (!/text\/html/.test(request.headers.accept ?? '')) return sendProblem(request, reply, error);
  const i18n = request.i18n ?? translator('en');
  const locale = i18n.resolvedLocale('problem.web_not_built.title');
  const title = escapeHtml(i18n.t('problem.web_not_built.title'));
  const detail = escapeHtml(i18n.t('problem.web_not_built.detail'));
  return reply
    .code(503)
    .headers({ ...PAGE_HEADERS, 'cache-control': 'no-store', 'content-language': locale })
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html>\n<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>` +
        `<body><h1>${title}</h1><p>${detail}</p></body></html>\n`,
    );
}

// ---------------------------------------------------------------------------------------------
// index.html, rendered per request: the commune's identity and the page's language are in the
// first response, so the first paint is already right (no layout shift when they would arrive).

/** Where the build lists, per page path, the lazy chunks that page needs at once (web/vite.config.ts). */
export const PAGE_PRELOADS_FILE = '.vite/page-preloads.json';

/** Page path prefix → the files to fetch with the entry: module scripts and stylesheets. */
export type PagePreloads = Record<string, { scripts?: string[]; styles?: string[] }>;

/** The commune as `GET /api/v1/communes/current` sends it; only its language is read here. */
interface CurrentCommune {
  defaultLocale?: unknown;
}

/**
 * JSON for a `<script type="application/json">` element: every `<` escaped as `\u003c`, so no
 * `</script>` or `<!--` in the data can end the element; JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const HTML_LANG: Record<Locale, string> = { ar: 'ar', fr: 'fr', zgh: 'zgh-Tfng', en: 'en' };

/** The page's language, as the web app will choose it: the commune's default language, else the caller's. */
export function pageLocale(commune: CurrentCommune | undefined, acceptLanguage: string | undefined): Locale {
  if (commune && isLocale(commune.defaultLocale)) return commune.defaultLocale;
  return negotiateLocale(acceptLanguage, 'ar');
}

/** Whether the request carries a session cookie (HTTP-only: the page's script cannot see it). */
function hasSessionCookie(request: FastifyRequest): boolean {
  const header = request.headers.cookie;
  return typeof header === 'string' && new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=[^;\\s]`).test(header);
}

/** The longest page-path prefix of `pathname` that has preloads (`/office` matches `/office/users`). */
function preloadsFor(preloads: PagePreloads, pathname: string) {
  let best: string | undefined;
  for (const prefix of Object.keys(preloads)) {
    const matches = pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
    if (matches && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : preloads[best];
}

/**
 * index.html for one request: `<html lang dir>` in the page's language, the route's lazy chunks
 * preloaded, the commune (the JSON of GET /api/v1/communes/current, when known) and whether a
 * session cookie came along, for the web app to read before its first render.
 */
export function renderIndex(
  template: string,
  page: { locale: Locale; commune?: unknown; sessionCookie: boolean; preloads?: { scripts?: string[]; styles?: string[] } },
): string {
  const head = [
    ...(page.preloads?.styles ?? []).map((href) => `<link rel="stylesheet" crossorigin href="${escapeHtml(href)}">`),
    ...(page.preloads?.scripts ?? []).map((href) => `<link rel="modulepreload" crossorigin href="${escapeHtml(href)}">`),
    ...(page.commune === undefined ? [] : [`<script type="application/json" id="madina-commune">${jsonForScript(page.commune)}</script>`]),
    `<script type="application/json" id="madina-session">${jsonForScript({ cookie: page.sessionCookie })}</script>`,
  ].join('\n    ');
  const html = `<html lang="${HTML_LANG[page.locale]}" dir="${page.locale === 'ar' ? 'rtl' : 'ltr'}">`;
  const withLang = /<html\b[^>]*>/i.test(template) ? template.replace(/<html\b[^>]*>/i, html) : template;
  return /<\/head>/i.test(withLang) ? withLang.replace(/<\/head>/i, () => `  ${head}\n  </head>`) : withLang;
}

/** The commune of each host, as the API answers it, kept a few seconds (like the request context's cache). */
const COMMUNE_CACHE_MS = 10_000;
/** A page never waits longer than this for the commune: it is then served without, and the web app asks. */
const COMMUNE_TIMEOUT_MS = 1_000;

function communeSource(app: FastifyInstance) {
  const cache = new Map<string, { value: CurrentCommune | undefined; until: number }>();
  const pending = new Map<string, Promise<CurrentCommune | undefined>>();
  async function load(host: string): Promise<CurrentCommune | undefined> {
    // Through the API itself: one definition of what the web app gets, whichever module owns it.
    const response = await app.inject({ method: 'GET', url: '/api/v1/communes/current', headers: { host, accept: 'application/json' } });
    if (response.statusCode !== 200) return undefined;
    return response.json() as CurrentCommune;
  }
  return async function communeFor(host: string): Promise<CurrentCommune | undefined> {
    const hit = cache.get(host);
    if (hit && hit.until > Date.now()) return hit.value;
    let loading = pending.get(host);
    if (!loading) {
      loading = load(host)
        .catch(() => undefined)
        .then((value) => {
          if (cache.size > 1000) cache.clear();
          // A failure (database starting, unknown host) is not kept: the next page asks again.
          if (value !== undefined) cache.set(host, { value, until: Date.now() + COMMUNE_CACHE_MS });
          return value;
        })
        .finally(() => pending.delete(host));
      pending.set(host, loading);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), COMMUNE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([loading, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

interface Template {
  mtimeMs: number;
  html: string;
  preloads: PagePreloads;
}

/** index.html and the build's page preloads, read again only when index.html changes (a new build). */
function templateSource(distDir: string) {
  const indexFile = path.join(distDir, 'index.html');
  let cached: Template | undefined;
  return function template(): Template | undefined {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(indexFile);
    } catch {
      return undefined;
    }
    if (cached?.mtimeMs !== stat.mtimeMs) {
      let preloads: PagePreloads = {};
      try {
        preloads = JSON.parse(fs.readFileSync(path.join(distDir, PAGE_PRELOADS_FILE), 'utf8')) as PagePreloads;
      } catch {
        // An older build without the file: pages simply get no extra preloads.
      }
      // Comments go: they are for the source's readers, and could hold text that looks like a tag.
      const html = fs.readFileSync(indexFile, 'utf8').replace(/<!--[\s\S]*?-->\n?/g, '');
      cached = { mtimeMs: stat.mtimeMs, html, preloads };
    }
    return cached;
  };
}

/** The encoding to send a page in: Brotli, else gzip, else none (a q=0 refuses one). */
function pageEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = (acceptEncoding ?? '')
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => !q || Number(q.trim().replace(/^q=/, '')) > 0)
    .map(([name]) => (name ?? '').toLowerCase());
  return accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : undefined;
}

/**
 * Compresses pages, keeping the last results by ETag: the variants of a page are few (host,
 * language, session cookie or not, preloads), so most requests skip the compression.
 */
function pageCompressor() {
  const cache = new Map<string, Buffer>();
  return function compress(encoding: 'br' | 'gzip', etag: string, body: Buffer): Buffer {
    const key = `${encoding} ${etag}`;
    let compressed = cache.get(key);
    if (!compressed) {
      compressed =
        encoding === 'br'
          ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } })
          : zlib.gzipSync(body, { level: 9 });
      if (cache.size >= 200) cache.clear();
      cache.set(key, compressed);
    }
    return compressed;
  };
}

/**
 * Serves the built front end from `distDir` at `/`: its files (those under assets/ cached for a
 * year, the rest revalidated; the build's Brotli and gzip copies to browsers that accept them),
 * and index.html for any other page path, so the web app's router shows the page (or its own
 * localized "not found"). index.html is rendered for each request (`renderIndex`: the commune,
 * the language, the page's preloads), compressed on the fly (a few kB) and revalidated by ETag.
 * Paths the server answers itself (`/api`, the standards, operations: see paths.ts) keep their
 * problem+json 404, through the app's not-found handler. Without a build, page paths answer 503
 * saying so.
 */
export async function registerWeb(app: FastifyInstance, options: { distDir: string }) {
  const distDir = path.resolve(options.distDir);
  const indexFile = path.join(distDir, 'index.html');
  if (!fs.existsSync(indexFile)) app.log.warn({ distDir }, 'the front end is not built (npm run build): pages answer 503 until it is');
  const template = templateSource(distDir);
  const communeFor = communeSource(app);
  const compress = pageCompressor();

  async function sendPage(request: FastifyRequest, reply: FastifyReply, pathname: string) {
    const index = template();
    if (!index) return notBuilt(request, reply);
    const commune = await communeFor(request.host);
    const html = renderIndex(index.html, {
      locale: pageLocale(commune, request.headers['accept-language']),
      commune,
      sessionCookie: hasSessionCookie(request),
      preloads: preloadsFor(index.preloads, pathname),
    });
    const raw = Buffer.from(html);
    const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    reply.headers({
      ...PAGE_HEADERS,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-type': 'text/html; charset=utf-8',
      vary: 'accept-encoding, accept-language, cookie',
      etag,
    });
    const ifNoneMatch = request.headers['if-none-match'];
    if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      return reply.code(304).send();
    }
    const encoding = raw.length >= 1024 ? pageEncoding(request.headers['accept-encoding']) : undefined;
    if (!encoding) return reply.send(raw);
    reply.header('content-encoding', encoding);
    return reply.send(compress(encoding, etag, raw));
  }

  await app.register(async (web) => {
    await web.register(fastifyStatic, {
      root: distDir,
      serve: false,
      suppressWarning: true,
      index: false,
      dotfiles: 'ignore',
      cacheControl: false,
      // The build writes .br and .gz copies of its text files (web/vite.config.ts).
      preCompressed: true,
      setHeaders(reply, file) {
        const relative = path.relative(distDir, file);
        reply.header('x-content-type-options', 'nosniff');
        if (relative.startsWith(`assets${path.sep}`)) {
          reply.header('cache-control', IMMUTABLE);
        } else {
          reply.header('cache-control', 'no-cache');
          if (file.endsWith('.html')) reply.headers(PAGE_HEADERS);
        }
      },
    });

    web.route({
      method: ['GET', 'HEAD'],
      url: '/*',
      config: { frontEnd: true },
      schema: { hide: true },
      async handler(request, reply) {
        const pathname = frontEndPath(request.url);
        if (pathname === undefined || isServerPath(pathname)) return reply.callNotFound();
        if (!fs.existsSync(indexFile)) return notBuilt(request, reply);
        // A path without an extension is a page of the web app; anything else is a file.
        if (path.posix.extname(pathname) === '' || pathname === '/index.html') return sendPage(request, reply, pathname);
        return reply.sendFile(pathname);
      },
    });
  });
}
