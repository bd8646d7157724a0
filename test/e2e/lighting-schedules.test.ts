import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dateOfDayNumber, dayNumberOf, hijriOf } from '../../src/modules/eservices/index.js';
import { checkPage, DEMO, type E2E, E2E_TIMEOUT, e2eSkipReason, keepFailureArtifacts, openTab, startE2E, type Tab } from './harness.js';

const DESKTOP = { width: 1280, height: 900 };
const SIGN_IN = {
  ar: { email: 'البريد الإلكتروني', password: 'كلمة المرور', submit: 'تسجيل الدخول', hello: /^مرحبًا،/ },
  fr: { email: 'Adresse électronique', password: 'Mot de passe', submit: 'Se connecter', hello: /^Bonjour,/ },
} as const;

async function signIn(page: Page, locale: 'ar' | 'fr') {
  const text = SIGN_IN[locale];
  await page.goto('/office');
  await page.getByRole('textbox', { name: text.email }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: text.email }).fill('supervisor@berkane.example');
  await page.getByLabel(text.password, { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: text.submit, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: text.hello }).waitFor();
}

/** How the page writes a night's date: the day of the month, in the page's digits (Latin in fr-MA and ar-MA). */
const nightDate = (date: string) => new RegExp(`\\b${Number(date.slice(8, 10))}\\b.*${date.slice(0, 4)}`);

/** Sets the date field (a native date input) to YYYY-MM-DD. */
async function pickNight(page: Page, label: string, date: string) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(date);
  await page
    .getByTestId('plan-table')
    .locator('caption')
    .filter({ hasText: nightDate(date) })
    .waitFor();
}

describe.skipIf(e2eSkipReason !== null)('lighting schedules in the office', { timeout: E2E_TIMEOUT }, () => {
  let e2e: E2E;
  const tabs: Tab[] = [];
  const tab = async (locale: 'ar' | 'fr', desktop: boolean) => {
    const t = await openTab(e2e, { bypassCSP: true, locale });
    if (desktop) await t.page.setViewportSize(DESKTOP);
    tabs.push(t);
    return t;
  };

  beforeAll(async () => {
    e2e = await startE2E();
  }, 400_000);

  beforeEach((context) => {
    keepFailureArtifacts(context, tabs);
  });

  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => {});
    await e2e?.stop();
  });

  it('charts a night, its table, a Ramadan night, edits a level and sets an override', async () => {
    const { page } = await tab('fr', true);
    await signIn(page, 'fr');
    await page
      .getByRole('navigation', { name: "Outils de l'espace du personnel" })
      .getByRole('link', { name: 'Programmes d’éclairage', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Programmes d’éclairage public' }).waitFor();
    const list = page.getByTestId('schedules-table');
    await expect.poll(() => list.locator('tbody tr').count()).toBe(2);

    // The avenues' schedule comes first (by code): a summer night, 70 % from 00:00 to 05:00.
    await pickNight(page, 'Nuit du', '2026-06-20');
    const rows = page.getByTestId('plan-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(1).textContent()).toBe('00:0005:0070 %');
    const chart = page.getByTestId('night-chart');
    expect(await chart.getByTestId('chart-dusk').textContent()).toMatch(/^Crépuscule 20:2\d$/);
    expect(await chart.getByTestId('chart-dawn').textContent()).toMatch(/^Aube 05:5\d$/);
    await expect(page.getByTestId('plan-source').textContent()).resolves.toContain('AVENUES');

    // A Ramadan night (from the calendar, computed): the Ramadan calendar's profile, at +00.
    let first = dayNumberOf('2026-01-20');
    while (hijriOf(first).month !== 9) first++;
    await pickNight(page, 'Nuit du', dateOfDayNumber(first + 2));
    await expect.poll(() => page.getByTestId('plan-source').textContent()).toContain('RAMADAN');
    expect(await rows.nth(1).textContent()).toBe('02:0003:3070 %');

    // Editing the avenues' profile: 70 % becomes 60 %, the chart's table follows.
    await pickNight(page, 'Nuit du', '2026-06-20');
    const form = page.getByTestId('profile-form');
    await form.getByLabel('Niveau (%) de 00:00 à 05:00').fill('60');
    await form.getByRole('button', { name: 'Enregistrer les niveaux' }).click();
    await form.getByRole('status').waitFor();
    await expect.poll(() => rows.nth(1).textContent()).toBe('00:0005:0060 %');

    // An override on a group for two hours, then ended.
    const overrides = page.getByTestId('override-form');
    await overrides.getByLabel('Niveau (%, de 0 à 100)').fill('0');
    await overrides.getByLabel('Motif').fill('Travaux de câblage');
    await overrides.getByRole('button', { name: 'Appliquer la dérogation' }).click();
    const running = page.getByTestId('overrides');
    await running.getByText('Travaux de câblage').waitFor();
    await running.getByRole('button', { name: 'Terminer' }).click();
    await page.getByText('Aucune dérogation en cours.').waitFor();
  });

  for (const locale of ['ar', 'fr'] as const) {
    for (const desktop of [false, true]) {
      it(`${locale} ${desktop ? '1280' : '360'} px: no axe violation, fits the screen`, async () => {
        const { page } = await tab(locale, desktop);
        await signIn(page, locale);
        await page.goto('/office/lighting/schedules');
        await page.getByTestId('night-chart').waitFor();
        await pickNight(page, locale === 'ar' ? 'ليلة يوم' : 'Nuit du', '2026-12-21');
        await checkPage(page, `lighting-schedules-${locale}-${desktop ? 1280 : 360}`, !desktop);
        // Local times from the server's tz database (Chromium's own data has Casablanca at +00 in December 2026).
        expect(await page.getByTestId('chart-dusk').textContent()).toContain('18:01');
        if (locale === 'ar') {
          // Right to left: dusk on the right of the chart, dawn on the left.
          const dusk = await page.getByTestId('chart-dusk').locator('line').getAttribute('x1');
          const dawn = await page.getByTestId('chart-dawn').locator('line').getAttribute('x1');
          expect(Number(dusk)).toBeGreaterThan(Number(dawn));
        }
      });
    }
  }
});
