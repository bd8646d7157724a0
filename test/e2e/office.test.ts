// The staff office in a real browser: a member of staff signs in, publishes an announcement in
// Arabic and French, and citizens see it on the portal in their language.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type E2E,
  E2E_TIMEOUT,
  ENDONYM,
  e2eSkipReason,
  htmlLangDir,
  keepFailureArtifacts,
  languageButton,
  openTab,
  screenshot,
  signInThroughForm,
  startE2E,
  type Tab,
} from './harness.js';

describe.skipIf(e2eSkipReason !== null)('office in the browser', { timeout: E2E_TIMEOUT }, () => {
  let e2e: E2E;
  const tabs: Tab[] = [];

  beforeAll(async () => {
    e2e = await startE2E();
  }, 400_000);

  beforeEach((context) => keepFailureArtifacts(context, tabs));

  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => {});
    await e2e?.stop();
  });

  it('a staff member signs in, publishes an announcement in Arabic and French, and the portal shows it in each', async () => {
    const stamp = Date.now().toString(36);
    const content = {
      titleAr: `إعلان تجريبي ${stamp}: انقطاع الماء بحي الأندلس`,
      bodyAr: 'سينقطع الماء يوم الثلاثاء من الساعة 9 إلى الساعة 12.',
      titleFr: `Annonce de test ${stamp} : coupure d'eau au quartier Al Andalous`,
      bodyFr: "L'eau sera coupée mardi de 9 h à 12 h.",
    };

    const office = await openTab(e2e);
    tabs.push(office);
    const { page } = office;
    await page.goto('/office');
    await page.getByRole('heading', { level: 1, name: 'تسجيل الدخول إلى فضاء الموظفين' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => htmlLangDir(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    await signInThroughForm(page, { email: 'البريد الإلكتروني', password: 'كلمة المرور', submit: 'تسجيل الدخول' });
    await page.getByRole('heading', { level: 1, name: /^مرحبًا،/ }).waitFor();

    await page.getByRole('navigation', { name: 'أدوات فضاء الموظفين' }).getByRole('link', { name: 'الإعلانات' }).click();
    await page.getByRole('heading', { level: 1, name: 'الإعلانات' }).waitFor();
    await page.getByRole('link', { name: 'إعلان جديد' }).click();

    await page.getByRole('textbox', { name: `العنوان (${ENDONYM.ar})` }).fill(content.titleAr);
    await page.getByRole('textbox', { name: `النص (${ENDONYM.ar})` }).fill(content.bodyAr);
    await page.getByRole('textbox', { name: `العنوان (${ENDONYM.fr})` }).fill(content.titleFr);
    await page.getByRole('textbox', { name: `النص (${ENDONYM.fr})` }).fill(content.bodyFr);
    await page.getByRole('button', { name: 'نشر', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'الإعلان منشور على البوابة.' }).waitFor();
    await screenshot(page, 'office-announcement-published-ar');

    // A citizen, on a fresh page: Arabic first, then French.
    const citizen = await openTab(e2e);
    tabs.push(citizen);
    await citizen.page.goto('/');
    const articleAr = citizen.page.getByRole('article', { name: content.titleAr });
    await articleAr.waitFor({ timeout: 30_000 });
    await expect(articleAr.textContent()).resolves.toContain(content.bodyAr);

    await languageButton(citizen.page, ENDONYM.fr).click();
    const articleFr = citizen.page.getByRole('article', { name: content.titleFr });
    await articleFr.waitFor();
    await expect(articleFr.textContent()).resolves.toContain(content.bodyFr);
    await expect(citizen.page.getByRole('heading', { name: content.titleAr }).count()).resolves.toBe(0);
    await screenshot(citizen.page, 'portal-with-announcement-fr');
  });
});
