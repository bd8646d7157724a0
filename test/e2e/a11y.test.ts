import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkPage,
  type E2E,
  E2E_TIMEOUT,
  e2eSkipReason,
  htmlLangDir,
  keepFailureArtifacts,
  type Locale,
  openTab,
  signInThroughForm,
  startE2E,
  type Tab,
  waitForMap,
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
      await checkPage(page, `portal-home-${locale}`);

      await page.goto('/map');
      await page.getByRole('heading', { level: 1, name: text.map }).waitFor();
      await waitForMap(page);
      await checkPage(page, `portal-map-${locale}`);
    });

    it(`office pages (sign-in, home, announcements) in ${locale}`, async () => {
      const { page } = await tab(locale);
      await page.goto('/office');
      await page.getByRole('heading', { level: 1, name: text.signin }).waitFor({ timeout: 60_000 });
      await checkPage(page, `office-signin-${locale}`);

      await signInThroughForm(page, text.form);
      await page.getByRole('heading', { level: 1, name: text.hello }).waitFor();
      await checkPage(page, `office-home-${locale}`);

      await page.goto('/office/announcements');
      await page.getByRole('heading', { level: 1, name: text.announcements }).waitFor();
      await page
        .getByRole('status')
        .waitFor({ state: 'detached' })
        .catch(() => {}); // the list's loading line
      await checkPage(page, `office-announcements-${locale}`);
    });
  }

  it('portal home in Tamazight', async () => {
    const { page } = await tab('zgh');
    await page.goto('/');
    await page.getByRole('heading', { level: 2 }).first().waitFor({ timeout: 60_000 });
    expect((await htmlLangDir(page)).lang).toMatch(/^zgh/);
    await checkPage(page, 'portal-home-zgh');
  });
});
