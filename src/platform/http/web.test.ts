import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { buildApp } from '../../app.js';
import { negotiateLocale, type Translator, translator } from '../i18n/index.js';
import { registerProblemHandling } from './problem.js';
import { CONTENT_SECURITY_POLICY, frontEndPath, jsonForScript, PAGE_PRELOADS_FILE, pageLocale, registerWeb } from './web.js';
import { ensureWebBuild, staleReason } from './web-build.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-Bx12ab.js"></script></head><body><div id="root"></div></body></html>';
const SECRET = 'SECRET-OUTSIDE-DIST';
/** What every page of the web app carries: index.html's own entry script and root element. */
const ENTRY = '<script type="module" src="/assets/index-Bx12ab.js"></script>';
const isIndexPage = (body: string) => body.includes(ENTRY) && body.includes('<div id="root"></div>');

let tmp: string;
let dist: string;
beforeAll(() => {
  // tmp/package.json and tmp/secret.txt lie outside tmp/web/dist, where `../../` from assets/ would reach.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-web-'));
  dist = path.join(tmp, 'web/dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dist, 'assets/index-Bx12ab.js'), 'console.log("madina");\n');
  fs.writeFileSync(path.join(dist, 'assets/index-Bx12ab.js.br'), zlib.brotliCompressSync('console.log("madina");\n'));
  fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(dist, '.env'), SECRET);
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: SECRET }));
  fs.writeFileSync(path.join(tmp, 'web/secret.txt'), SECRET);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The web plugin on a bare app: problem handling, one API route, and the caller's language as the real app sets it. */
async function webApp(distDir: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.decorateRequest('i18n', null as unknown as Translator);
  app.addHook('onRequest', async (request) => {
    request.i18n = translator(negotiateLocale(request.headers['accept-language'], 'ar'));
  });
  registerProblemHandling(app, 1024 * 1024);
  app.get('/api/v1/ping', async () => ({ pong: true }));
  await registerWeb(app, { distDir });
  await app.ready();
  return app;
}

function expectPageHeaders(headers: Record<string, unknown>) {
  expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  expect(headers['x-frame-options']).toBe('DENY');
}

describe('serving the built front end', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await webApp(dist);
  });
  afterAll(() => app.close());

  it('serves hashed assets for a year, immutable', async () => {
    const response = await app.inject({ url: '/assets/index-Bx12ab.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('madina');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const other = await app.inject({ url: '/favicon.svg' });
    expect([other.statusCode, other.headers['cache-control']]).toEqual([200, 'no-cache']);
  });

  it("sends the build's precompressed copy to a browser that accepts it", async () => {
    const br = await app.inject({ url: '/assets/index-Bx12ab.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect([br.statusCode, br.headers['content-encoding'], br.headers.vary]).toEqual([200, 'br', 'accept-encoding']);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toContain('madina');
    const plain = await app.inject({ url: '/assets/index-Bx12ab.js', headers: { 'accept-encoding': 'identity' } });
    expect([plain.headers['content-encoding'], plain.body]).toEqual([undefined, 'console.log("madina");\n']);
  });

  it('serves index.html at / uncached, with a same-origin Content-Security-Policy and the security headers', async () => {
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(isIndexPage(response.body)).toBe(true);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expectPageHeaders(response.headers);
    const csp = String(response.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "worker-src 'self' blob:",
      "img-src 'self' data: blob:",
    ]) {
      expect(csp).toContain(directive);
    }
    // No third-party host is allowed anywhere.
    expect(csp).not.toMatch(/https?:|\*/);
    expect((await app.inject({ url: '/index.html' })).headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers every page path of the web app with index.html, for its router to show', async () => {
    for (const url of ['/office/users', '/fr/anything', '/ar/', '/office/users?tab=roles', '/%D8%A8%D8%B1%D9%83%D8%A7%D9%86', '/assets']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, isIndexPage(response.body)]).toEqual([url, 200, true]);
      expectPageHeaders(response.headers);
    }
    const head = await app.inject({ method: 'HEAD', url: '/office/users' });
    expect([head.statusCode, head.body]).toEqual([200, '']);
  });

  it('keeps the problem+json 404 for the server’s own paths and for missing files', async () => {
    for (const url of [
      '/api/v1/nope',
      '/api',
      '/open311/v2/services.json',
      '/ngsi-ld/v1/entities',
      '/docs/nope',
      '/%61pi/v1/nope',
      '/assets/missing.js',
      '/robots.txt',
    ]) {
      const response = await app.inject({ url, headers: { 'accept-language': 'fr' } });
      expect([url, response.statusCode, response.headers['content-type']]).toEqual([url, 404, 'application/problem+json; charset=utf-8']);
      expect(response.json()).toMatchObject({ code: 'not_found', title: 'Introuvable' });
    }
    expect((await app.inject({ url: '/api/v1/ping' })).json()).toEqual({ pong: true });
    // Pages are read-only: a POST anywhere else is not found.
    expect((await app.inject({ method: 'POST', url: '/office/users', payload: {} })).statusCode).toBe(404);
  });

  it('never serves a file outside dist, nor a dotfile, whatever the encoding', async () => {
    const attempts = [
      '/assets/../../package.json',
      '/assets/../../secret.txt',
      '/../secret.txt',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/%2E%2E/%2E%2E/secret.txt',
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/%252e%252e/%252e%252e/package.json',
      '/assets/..%5c..%5csecret.txt',
      '/assets/....//....//secret.txt',
      '//assets/../../secret.txt',
      '/assets/./../../secret.txt',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt',
      '/.env',
      '/assets/%00../../secret.txt',
    ];
    // Over a real socket, so that nothing normalizes the path before the server sees it.
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    for (const attempt of attempts) {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, path: attempt, method: 'GET' }, (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.end();
      });
      expect(body, attempt).not.toContain(SECRET);
      // Either refused, or the web app's own page (a dotfile such as /.env is a page path): never the file.
      if (status === 200) expect(isIndexPage(body), attempt).toBe(true);
      else expect([400, 404], attempt).toContain(status);
      const injected = await app.inject({ url: attempt });
      expect(injected.body, `inject ${attempt}`).not.toContain(SECRET);
    }
  });

  it('accepts only canonical, once-decoded paths', () => {
    expect(frontEndPath('/office/users?x=1')).toBe('/office/users');
    expect(frontEndPath('/%D8%A8')).toBe('/ب');
    for (const bad of ['/a/../b', '/a/./b', '//a', '/a%2f..%2f..', '/%252e', '/a%5cb', '/%00', '/%E0%A4%A', 'a']) {
      expect(frontEndPath(bad), bad).toBeUndefined();
    }
  });
});

describe('index.html, rendered for each page', () => {
  const COMMUNE = {
    code: 'berkane',
    name: { ar: 'بركان', fr: 'Berkane </script><!-- <b>' },
    defaultLocale: 'fr',
    isDemo: true,
    boundary: { type: 'MultiPolygon', coordinates: [] },
  };
  let pageDist: string;
  let communeCalls = 0;
  let app: FastifyInstance;

  beforeAll(async () => {
    pageDist = path.join(tmp, 'pages/dist');
    fs.mkdirSync(path.join(pageDist, '.vite'), { recursive: true });
    // A comment holding a tag-like text must not be taken for the page's <html> element.
    fs.writeFileSync(
      path.join(pageDist, 'index.html'),
      `<!doctype html>\n<!-- the server sets <html lang dir> -->\n<html lang="ar" dir="rtl">\n  <head>\n    ${ENTRY}\n  </head>\n  <body><div id="root"></div><p>${'x'.repeat(2000)}</p></body>\n</html>\n`,
    );
    fs.writeFileSync(
      path.join(pageDist, PAGE_PRELOADS_FILE),
      JSON.stringify({ '/office': { scripts: ['/assets/OfficeApp-1.js', '/assets/office-2.js'], styles: ['/assets/OfficeApp-3.css'] } }),
    );
    app = Fastify({ logger: false });
    app.decorateRequest('i18n', null as unknown as Translator);
    app.addHook('onRequest', async (request) => {
      request.i18n = translator(negotiateLocale(request.headers['accept-language'], 'ar'));
    });
    registerProblemHandling(app, 1024 * 1024);
    // The commune of a host, as the communes module answers it: only berkane.test (and its subdomains) is known.
    app.get('/api/v1/communes/current', async (request, reply) => {
      communeCalls++;
      if (request.hostname === 'slow.test') await new Promise((resolve) => setTimeout(resolve, 1500));
      if (!request.hostname.endsWith('berkane.test')) return reply.code(404).send({ title: 'unknown commune', status: 404 });
      return COMMUNE;
    });
    await registerWeb(app, { distDir: pageDist });
    await app.ready();
  });
  afterAll(() => app.close());

  const page = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers: { host: 'berkane.test', ...headers } });
  const scriptJson = (body: string, id: string) => {
    const match = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`).exec(body);
    return match ? JSON.parse(match[1] ?? '') : undefined;
  };

  it('carries the commune as the API sends it, escaped so that no text in it can end the script element', async () => {
    const response = await page('/');
    expect(response.statusCode).toBe(200);
    expect(isIndexPage(response.body)).toBe(true);
    expect(response.body).toContain('\\u003c/script>\\u003c!-- \\u003cb>');
    expect(response.body).not.toContain('Berkane </script>');
    expect(scriptJson(response.body, 'madina-commune')).toEqual(COMMUNE);
    expect(jsonForScript({ a: '</script>\u2028' })).toBe('{"a":"\\u003c/script>\\u2028"}');
  });

  it("sets <html lang dir> to the commune's language, else the caller's (Arabic by default)", async () => {
    expect((await page('/', { 'accept-language': 'ar' })).body).toContain('<html lang="fr" dir="ltr">');
    const unknown = await page('/', { host: 'atlantis.test', 'accept-language': 'en-GB,en;q=0.8' });
    expect(unknown.body).toContain('<html lang="en" dir="ltr">');
    expect(unknown.body).not.toContain('id="madina-commune"');
    expect((await page('/', { host: 'atlantis.test' })).body).toContain('<html lang="ar" dir="rtl">');
    expect((await page('/', { host: 'atlantis.test', 'accept-language': 'tzm' })).body).toContain('<html lang="zgh-Tfng" dir="ltr">');
    expect(pageLocale({ defaultLocale: 'xx' }, 'fr')).toBe('fr');
    // Only one <html> element, and the comment that mentioned it is gone.
    expect(unknown.body.match(/<html\b/g)).toHaveLength(1);
  });

  it('says whether the request carried a session cookie (which the page cannot read)', async () => {
    expect(scriptJson((await page('/office')).body, 'madina-session')).toEqual({ cookie: false });
    expect(scriptJson((await page('/office', { cookie: 'a=1; madina_session=abc' })).body, 'madina-session')).toEqual({ cookie: true });
    expect(scriptJson((await page('/office', { cookie: 'madina_session=' })).body, 'madina-session')).toEqual({ cookie: false });
  });

  it("preloads the lazy chunks of the page's path, as the build lists them", async () => {
    for (const url of ['/office', '/office/users']) {
      const body = (await page(url)).body;
      expect(body).toContain('<link rel="modulepreload" crossorigin href="/assets/OfficeApp-1.js">');
      expect(body).toContain('<link rel="modulepreload" crossorigin href="/assets/office-2.js">');
      expect(body).toContain('<link rel="stylesheet" crossorigin href="/assets/OfficeApp-3.css">');
    }
    for (const url of ['/', '/officer', '/map']) expect((await page(url)).body).not.toContain('OfficeApp');
    // The build's own notes are not served.
    expect((await page(`/${PAGE_PRELOADS_FILE}`)).statusCode).toBe(404);
  });

  it('compresses the page for browsers that accept it, and answers 304 to a revalidation', async () => {
    const plain = await page('/');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(String(plain.headers.vary)).toMatch(/accept-encoding/);
    const br = await page('/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const gzip = await page('/', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    expect((await page('/', { 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    const etag = String(plain.headers.etag);
    const again = await page('/', { 'if-none-match': etag });
    expect([again.statusCode, again.body]).toEqual([304, '']);
    expect((await page('/', { 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('asks for the commune once per host for a few seconds, and never waits long for it', async () => {
    communeCalls = 0;
    await page('/', { host: 'fresh.berkane.test' });
    await page('/office', { host: 'fresh.berkane.test' });
    expect(communeCalls).toBe(1);
    // An unknown host is asked again: a failure is not kept.
    await page('/', { host: 'atlantis.test' });
    await page('/', { host: 'atlantis.test' });
    expect(communeCalls).toBe(3);
    const started = performance.now();
    const slow = await page('/', { host: 'slow.test' });
    expect(slow.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(1400);
    expect(slow.body).not.toContain('id="madina-commune"');
  });
});

describe('before the front end is built', () => {
  it('answers 503 saying so (a page for browsers, a problem for others), keeps the API, and serves the build once it appears', async () => {
    const later = path.join(tmp, 'later/dist');
    const app = await webApp(later);
    try {
      const page = await app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': 'fr' } });
      expect(page.statusCode).toBe(503);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('<h1>L&#39;application web n&#39;est pas encore construite</h1>');
      expect(page.body).toContain('<html lang="fr" dir="ltr">');
      expectPageHeaders(page.headers);
      const arabic = await app.inject({ url: '/office', headers: { accept: 'text/html' } });
      expect(arabic.body).toContain('dir="rtl"');
      const problem = await app.inject({ url: '/office/users', headers: { accept: 'application/json' } });
      expect([problem.statusCode, problem.json().code]).toEqual([503, 'web_not_built']);
      expect((await app.inject({ url: '/api/v1/nope' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/api/v1/ping' })).statusCode).toBe(200);

      fs.mkdirSync(later, { recursive: true });
      fs.writeFileSync(path.join(later, 'index.html'), INDEX);
      const built = await app.inject({ url: '/office/users' });
      expect([built.statusCode, isIndexPage(built.body)]).toEqual([200, true]);
    } finally {
      await app.close();
    }
  });
});

describe('in the whole app', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No such commune: the API refuses, the web app's files need none.
    t = await createTestApp({ DEFAULT_COMMUNE: 'atlantis' });
  });
  afterAll(() => t.close());

  it('serves pages without a commune, even while migrations run, and keeps the API’s problems', async () => {
    const page = await t.app.inject({ url: '/office/users', headers: { accept: 'text/html' } });
    // web/dist may or may not be built in this checkout: either the page, or the page saying it is not built.
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectPageHeaders(page.headers);
    const api = await t.app.inject({ url: '/api/v1/portal/offices' });
    expect([api.statusCode, api.json().code]).toEqual([404, 'unknown_commune']);
    const nope = await t.app.inject({ url: '/api/v1/nope' });
    expect([nope.statusCode, nope.headers['content-type']]).toEqual([404, 'application/problem+json; charset=utf-8']);
    // While migrations run, pages are served and the API says it is starting.
    const { app } = await buildApp(t.config, t.database.db, { migrated: false });
    try {
      const starting = await app.inject({ url: '/fr/anything', headers: { accept: 'text/html' } });
      expect([200, 503]).toContain(starting.statusCode);
      expect(starting.headers['content-type']).toMatch(/^text\/html/);
      const api = await app.inject({ url: '/api/v1/portal/announcements' });
      expect([api.statusCode, api.json().code]).toEqual([503, 'database_unavailable']);
    } finally {
      await app.close();
    }
  });
});

describe('ensureWebBuild', () => {
  const at = (file: string, seconds: number) => {
    const time = new Date(Date.UTC(2026, 10, 1) + seconds * 1000);
    fs.utimesSync(file, time, time);
  };

  it('skips with a warning without web/vite.config.ts, builds when dist is missing or stale, and not otherwise', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-build-'));
    try {
      const warnings: string[] = [];
      const log = { info: () => {}, warn: (_: object, message: string) => warnings.push(message) };
      let builds = 0;
      const build = async () => {
        builds++;
        fs.mkdirSync(path.join(root, 'web/dist'), { recursive: true });
        fs.writeFileSync(path.join(root, 'web/dist/index.html'), INDEX);
        at(path.join(root, 'web/dist/index.html'), 100 * builds);
      };
      fs.mkdirSync(path.join(root, 'web/src'), { recursive: true });
      expect(await ensureWebBuild({ root, log, build })).toBe('no_config');
      expect(warnings).toEqual(['no web/vite.config.ts: the front end is not built']);

      fs.writeFileSync(path.join(root, 'web/vite.config.ts'), 'export default {};\n');
      fs.writeFileSync(path.join(root, 'web/src/main.tsx'), '');
      fs.writeFileSync(path.join(root, 'openapi.json'), '{}');
      for (const f of ['web/vite.config.ts', 'web/src/main.tsx', 'openapi.json']) at(path.join(root, f), 10);
      expect(staleReason(root)).toBe('web/dist/index.html is missing');
      expect(await ensureWebBuild({ root, log, build })).toBe('built');
      expect(await ensureWebBuild({ root, log, build })).toBe('fresh');

      // Newer files in dist or in node_modules are not sources.
      fs.mkdirSync(path.join(root, 'web/node_modules/x'), { recursive: true });
      fs.writeFileSync(path.join(root, 'web/node_modules/x/index.js'), '');
      fs.writeFileSync(path.join(root, 'web/dist/late.js'), '');
      at(path.join(root, 'web/node_modules/x/index.js'), 1000);
      at(path.join(root, 'web/dist/late.js'), 1000);
      expect(await ensureWebBuild({ root, log, build })).toBe('fresh');

      at(path.join(root, 'web/src/main.tsx'), 150);
      expect(await ensureWebBuild({ root, log, build })).toBe('built');
      expect(builds).toBe(2);
      at(path.join(root, 'openapi.json'), 250);
      expect(staleReason(root)).toMatch(/changed/);
      expect(await ensureWebBuild({ root, log, build })).toBe('built');
      expect(builds).toBe(3);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
