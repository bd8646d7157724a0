import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translator } from '../i18n/index.js';
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

/**
 * Serves the built front end from `distDir` at `/`: its files (those under assets/ cached for a
 * year, the rest revalidated), and index.html for any other page path, so the web app's router
 * shows the page (or its own localized "not found"). Paths the server answers itself (`/api`,
 * the standards, operations: see paths.ts) keep their problem+json 404, through the app's
 * not-found handler. Without a build, page paths answer 503 saying so.
 */
export async function registerWeb(app: FastifyInstance, options: { distDir: string }) {
  const distDir = path.resolve(options.distDir);
  const indexFile = path.join(distDir, 'index.html');
  if (!fs.existsSync(indexFile)) app.log.warn({ distDir }, 'the front end is not built (npm run build): pages answer 503 until it is');

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
      handler(request, reply) {
        const pathname = frontEndPath(request.url);
        if (pathname === undefined || isServerPath(pathname)) return reply.callNotFound();
        if (!fs.existsSync(indexFile)) return notBuilt(request, reply);
        // A path without an extension is a page of the web app; anything else is a file.
        return reply.sendFile(path.posix.extname(pathname) === '' ? '/index.html' : pathname);
      },
    });
  });
}
