// axe-core on every page, in Arabic and French (and Tamazight for the portal's home): no serious or
// critical violation. Also saves a full-page screenshot of each under test/e2e/artifacts/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  axeViolations,
  describeViolations,
  type E2E,
  E2E_TIMEOUT,
  e2eSkipReason,
  htmlLangDir,
  keepFailureArtifacts,
  type Locale,
  openTab,
  screenshot,
  settle,
  signInThroughForm,
  startE2E,
  type Tab,
} from './harness.js';

const TEXT = {
  ar: {
    services: 'الخدمات',
    map: 'خريطة الجماعة',
    signin: 'تسجيل الدخول إلى فضاء الموظفين',
    form: { email: 'البريد الإلكتروني', password: 'كلمة المرور', submit: 'تسجيل الدخول' },
    hello: /^مرحبًا،/,
    announcements: 'الإعلانات',
  },
  fr: {
    services: 'Services',
    map: 'Carte de la commune',
    signin: "Connexion à l'espace du personnel",
    form: { email: 'Adresse électronique', password: 'Mot de passe', submit: 'Se connecter' },
    hello: /^Bonjour,/,
    announcements: 'Annonces',
  },
} as const;

async function waitForMap(page: Page) {
  await page.waitForFunction(
    () => {
      const map = (globalThis as unknown as { __madinaMap?: { loaded(): boolean } }).__madinaMap;
      return !!map && map.loaded();
    },
    undefined,
    { timeout: 60_000 },
  );
}

/** Runs axe on the page, saves its screenshot, and records (softly) any serious or critical violation. */
async function check(page: Page, name: string) {
  await settle(page);
  // react-aria's live announcer says "pending" for a Button with isPending through a transient
  // <div role="img" aria-labelledby=button-id>, removed after 7 s; once the button is gone (signed
  // in) it names nothing. Audit the page as it stays, not that 7-second leftover.
  await page
    .waitForFunction(
      () =>
        !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('[aria-live] [role="img"]'),
      undefined,
      {
        timeout: 15_000,
      },
    )
    .catch(() => {});
  await screenshot(page, name);
  // The phone layout: nothing wider than the 360 px screen (no sideways scrolling).
  const width = await page.evaluate(
    () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
  );
  expect.soft(width, `${name}: the page is wider than the 360 px screen`).toBeLessThanOrEqual(360);
  const violations = await axeViolations(page);
  expect
    .soft(
      violations.map((v) => v.id),
      `${name}: serious/critical axe violations\n${describeViolations(violations)}`,
    )
    .toEqual([]);
}

describe.skipIf(e2eSkipReason !== null)('accessibility (axe-core) and screenshots', { timeout: E2E_TIMEOUT }, () => {
  let e2e: E2E;
  const tabs: Tab[] = [];
  const tab = async (locale: Locale) => {
    const t = await openTab(e2e, { locale, bypassCSP: true });
    tabs.push(t);
    return t;
  };

  beforeAll(async () => {
    e2e = await startE2E();
  }, 400_000);

  beforeEach((context) => keepFailureArtifacts(context, tabs));

  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => {});
    await e2e?.stop();
  });

  for (const locale of ['ar', 'fr'] as const) {
    const text = TEXT[locale];

    it(`portal pages (home, map) in ${locale}`, async () => {
      const { page } = await tab(locale);
      await page.goto('/');
      await page.getByRole('heading', { level: 2, name: text.services }).waitFor({ timeout: 60_000 });
      expect((await htmlLangDir(page)).lang).toBe(locale);
      await check(page, `portal-home-${locale}`);

      await page.goto('/map');
      await page.getByRole('heading', { level: 1, name: text.map }).waitFor();
      await waitForMap(page);
      await check(page, `portal-map-${locale}`);
    });

    it(`office pages (sign-in, home, announcements) in ${locale}`, async () => {
      const { page } = await tab(locale);
      await page.goto('/office');
      await page.getByRole('heading', { level: 1, name: text.signin }).waitFor({ timeout: 60_000 });
      await check(page, `office-signin-${locale}`);

      await signInThroughForm(page, text.form);
      await page.getByRole('heading', { level: 1, name: text.hello }).waitFor();
      await check(page, `office-home-${locale}`);

      await page.goto('/office/announcements');
      await page.getByRole('heading', { level: 1, name: text.announcements }).waitFor();
      await page
        .getByRole('status')
        .waitFor({ state: 'detached' })
        .catch(() => {}); // the list's loading line
      await check(page, `office-announcements-${locale}`);
    });
  }

  it('portal home in Tamazight', async () => {
    const { page } = await tab('zgh');
    await page.goto('/');
    await page.getByRole('heading', { level: 2 }).first().waitFor({ timeout: 60_000 });
    expect((await htmlLangDir(page)).lang).toMatch(/^zgh/);
    await check(page, 'portal-home-zgh');
  });
});
