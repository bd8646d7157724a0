// Browser tests' plumbing: build the front end once (locked across workers), start the real
// server on its own copy of the seeded PGlite template, drive Debian's Chromium with
// playwright-core. Each test file calls `startE2E()` in beforeAll and `stop()` in afterAll.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Result as AxeResult, AxeResults } from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page, type Request } from 'playwright-core';
import { expect } from 'vitest';
import { staleReason } from '../../src/platform/http/web-build.js';
import { type SeededServer, startSeededServer } from '../helpers/seeded-server.js';
import { type ServerProcess, sleep } from '../helpers/server-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
/** Why the browser tests do not run here (printed once by vitest.config.ts), or null when they do. */
export const e2eSkipReason: string | null = !fs.existsSync(CHROMIUM)
  ? 'no /usr/bin/chromium'
  : onPostgres && process.env.MADINA_E2E_ON_POSTGRES !== '1'
    ? 'PostgreSQL pass (they run in the PGlite pass)'
    : null;

/** Generous: two shared cores, a real server and a real browser. */
export const E2E_TIMEOUT = 120_000;
export const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

/** The phone is the main screen. */
export const VIEWPORT = { width: 360, height: 740 };

// ---------------------------------------------------------------------------------------------
// Build web/dist once, whichever worker gets there first.

const LOCK = path.join(ROOT, 'node_modules/.cache/madina/web-build.lock');

function lockHolderAlive(): boolean {
  try {
    const pid = Number(fs.readFileSync(LOCK, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // ENOENT: released meanwhile; ESRCH: holder died (stale lock). EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs Vite's build() in a child process with NODE_ENV=production (the test run's NODE_ENV=test would build React's development bundle). */
function viteBuild(): Promise<void> {
  const script = `import('vite').then((v) => v.build({ configFile: ${JSON.stringify(path.join(ROOT, 'web/vite.config.ts'))}, mode: 'production', logLevel: 'warn' })).catch((e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output.slice(-4000)}`))));
  });
}

/** Builds web/dist when it is missing or older than web/ (the same rule as `npm start`), under a lock file. */
export async function ensureWebBuilt(timeoutMs = 300_000): Promise<void> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!staleReason(ROOT)) return;
    let fd: number | undefined;
    try {
      fd = fs.openSync(LOCK, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (fd !== undefined) {
      try {
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        if (staleReason(ROOT)) await viteBuild();
        return;
      } finally {
        fs.rmSync(LOCK, { force: true });
      }
    }
    // Someone else is building: wait for them (or take over a lock whose holder died).
    if (!lockHolderAlive()) fs.rmSync(LOCK, { force: true });
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for another worker's front-end build (${LOCK})`);
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------
// Server + browser for one test file.

export interface E2E {
  server: ServerProcess;
  browser: Browser;
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/** Builds the front end if needed, starts the server on a copy of the seeded template and launches Chromium. */
export async function startE2E(): Promise<E2E> {
  await ensureWebBuilt();
  let seeded: SeededServer | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => {});
    await seeded?.stop();
  };
  try {
    seeded = await startSeededServer();
    const server = seeded.server;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    return { server, browser, url: server.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type Locale = 'ar' | 'fr' | 'zgh' | 'en';

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Every request the page made, in order. */
  requests: Request[];
  /** Console errors and uncaught exceptions, for failure messages. */
  errors: string[];
}

/**
 * A new context (360×740, touch, fresh storage) with one page. `locale` pre-selects the web app's
 * language (as if chosen before, stored in localStorage) on every load of this context;
 * `bypassCSP` lets axe-core be injected (the server's Content-Security-Policy is kept otherwise).
 */
export async function openTab(e2e: E2E, options: { locale?: Locale; bypassCSP?: boolean } = {}): Promise<Tab> {
  const context = await e2e.browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    baseURL: e2e.url,
    locale: 'ar-MA',
    reducedMotion: 'reduce',
    // Only for axe-core, injected as a script tag: the server's CSP (script-src 'self') refuses it.
    bypassCSP: options.bypassCSP ?? false,
  });
  context.setDefaultTimeout(45_000);
  context.setDefaultNavigationTimeout(60_000);
  if (options.locale) {
    await context.addInitScript((locale) => {
      try {
        (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('madina.locale', locale);
      } catch {}
    }, options.locale);
  }
  const page = await context.newPage();
  const requests: Request[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request));
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { context, page, requests, errors };
}

/** Requests that left for a host other than this machine (data: and blob: URLs stay local). */
export function foreignRequests(requests: Request[]): string[] {
  return requests
    .map((r) => r.url())
    .filter((url) => {
      const u = new URL(url);
      if (u.protocol === 'data:' || u.protocol === 'blob:') return false;
      return !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    });
}

/** The language switcher's button for `label` (react-aria renders a single-selection toggle group as radios). */
export function languageButton(page: Page, label: string) {
  return page.getByRole('radio', { name: label, exact: true });
}

export const ENDONYM: Record<Locale, string> = { ar: 'العربية', fr: 'Français', zgh: 'ⵜⴰⵎⴰⵣⵉⵖⵜ', en: 'English' };

/** `<html lang dir>` of the page. */
export function htmlLangDir(page: Page): Promise<{ lang: string; dir: string }> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { lang: string; dir: string } } }).document.documentElement;
    return { lang: root.lang, dir: root.dir };
  });
}

// ---------------------------------------------------------------------------------------------
// Accessibility and screenshots

const AXE = require.resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeResult[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(
    () => (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run() as Promise<AxeResults>,
  );
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable summary of violations, for the assertion message. */
export function describeViolations(violations: AxeResult[]): string {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')}: ${n.html.slice(0, 300)}\n      ${n.failureSummary?.replace(/\s+/g, ' ')}`)
          .join('\n')}`,
    )
    .join('\n');
}

/** A full-page screenshot under test/e2e/artifacts/<name>.png (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits until the page's map (the test hook `window.__madinaMap`) has loaded its style and first tiles. */
export async function waitForMap(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const map = (globalThis as unknown as { __madinaMap?: { loaded(): boolean } }).__madinaMap;
      return !!map && map.loaded();
    },
    undefined,
    { timeout: 90_000 },
  );
}

/** Where to copy every checked page's screenshot besides test/e2e/artifacts, when set (a review outside the repository). */
const SHOTS = process.env.E2E_SCREENSHOTS_DIR;

/**
 * Waits for the page to be still, saves its screenshot, checks that a phone page is no wider than
 * its 360-px screen, and records (softly) any serious or critical axe-core violation.
 */
export async function checkPage(page: Page, name: string, phone = true): Promise<void> {
  await settle(page);
  // react-aria's live announcer says "pending" for a Button with isPending through a transient
  // <div role="img" aria-labelledby=button-id>, removed after 7 s; once the button is gone it
  // names nothing. Audit the page as it stays, not that 7-second leftover.
  await page
    .waitForFunction(
      () =>
        !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('[aria-live] [role="img"]'),
      undefined,
      { timeout: 15_000 },
    )
    .catch(() => {});
  const file = await screenshot(page, name);
  if (SHOTS) {
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(SHOTS, `${name}.png`));
  }
  if (phone) {
    const width = await page.evaluate(
      () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
    );
    expect.soft(width, `${name}: the page is wider than the 360 px screen`).toBeLessThanOrEqual(360);
  }
  const violations = await axeViolations(page);
  expect
    .soft(
      violations.map((v) => v.id),
      `${name}: serious/critical axe violations\n${describeViolations(violations)}`,
    )
    .toEqual([]);
}

/** Waits until the page has no request in flight for `quietMs` (fonts, lazy chunks, API calls). */
export async function settle(page: Page, quietMs = 500): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
  await page.waitForTimeout(quietMs);
}

export const DEMO = { email: 'admin@berkane.example', password: 'berkane-demo-2026' };

/** Signs in through the office's form (the page shows the sign-in form in `labels`' language). */
export async function signInThroughForm(page: Page, labels: { email: string; password: string; submit: string }) {
  await page.getByRole('textbox', { name: labels.email }).fill(DEMO.email);
  await page.getByLabel(labels.password, { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: labels.submit, exact: true }).click();
}

/**
 * On a failed test, saves a screenshot of each page the test opened (failed-<test>-<n>.png) and
 * prints the pages' console errors. Call in beforeEach with the file's list of tabs.
 */
export function keepFailureArtifacts(context: { task: { name: string }; onTestFailed(fn: () => Promise<void>): void }, tabs: Tab[]) {
  const first = tabs.length;
  context.onTestFailed(async () => {
    const slug = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [i, t] of tabs.slice(first).entries()) {
      if (t.page.isClosed()) continue;
      const file = await screenshot(t.page, `failed-${slug}-${i}`).catch(() => null);
      console.log(`[e2e] ${context.task.name}: page ${i} at ${t.page.url()}${file ? `, screenshot ${path.relative(ROOT, file)}` : ''}`);
      if (t.errors.length > 0) console.log(`[e2e] its console errors:\n  ${t.errors.slice(-10).join('\n  ')}`);
    }
  });
}
