// Reports in the office, in a real browser: a citizen's report (filed through the API, at a point
// inside Berkane's real boundary) is found by the technical division's supervisor in the queue,
// assigned to the lighting technician, who completes its work order on a 360-px phone with a site
// photo and a note; the citizen's tracking shows each step and the admin's outbox the mails.
// Then every new page, in Arabic and French, on a phone and at desktop width: axe-core and screenshots.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.js';
import {
  checkPage,
  DEMO,
  type E2E,
  E2E_TIMEOUT,
  e2eSkipReason,
  htmlLangDir,
  keepFailureArtifacts,
  type Locale,
  openTab,
  screenshot,
  startE2E,
  type Tab,
  waitForMap,
} from './harness.js';

const DESKTOP = { width: 1280, height: 900 };

const TEXT = {
  ar: {
    form: { email: 'البريد الإلكتروني', password: 'كلمة المرور', submit: 'تسجيل الدخول' },
    signin: 'تسجيل الدخول إلى فضاء الموظفين',
    hello: /^مرحبًا،/,
    nav: 'أدوات فضاء الموظفين',
    reports: 'البلاغات',
    workorders: 'أوامر الأشغال',
    categories: 'فئات البلاغات',
    outbox: 'الرسائل المرسلة',
    report: (n: string) => `البلاغ رقم ${n}`,
    workOrder: (n: string) => `أمر الأشغال رقم ${n}`,
  },
  fr: {
    form: { email: 'Adresse électronique', password: 'Mot de passe', submit: 'Se connecter' },
    signin: "Connexion à l'espace du personnel",
    hello: /^Bonjour,/,
    nav: "Outils de l'espace du personnel",
    reports: 'Signalements',
    workorders: 'Bons de travaux',
    categories: 'Catégories de signalements',
    outbox: "Boîte d'envoi",
    report: (n: string) => `Signalement n° ${n}`,
    workOrder: (n: string) => `Bon de travaux n° ${n}`,
  },
} as const;

async function signIn(page: Page, locale: 'ar' | 'fr', email: string) {
  const text = TEXT[locale];
  await page.goto('/office');
  await page.getByRole('heading', { level: 1, name: text.signin }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: text.form.email }).fill(email);
  await page.getByLabel(text.form.password, { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: text.form.submit, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: text.hello }).waitFor();
}

describe.skipIf(e2eSkipReason !== null)('reports and work orders in the office', { timeout: E2E_TIMEOUT }, () => {
  let e2e: E2E;
  const tabs: Tab[] = [];
  let point: { lat: number; lon: number };
  const stamp = Date.now().toString(36);
  const citizenEmail = `citoyen-${stamp}@example.org`;
  // Markup in a citizen's text stays text: the office must show the angle brackets, not bold type.
  const description = `المصباح مطفأ ليلًا قرب المدرسة ${stamp} <b>ليس بالخط العريض</b>`;
  const note = `تم تغيير المصباح والمصهر ${stamp}.`;
  const filed: { number: string; token: string; id: string; workOrderId: string; workOrderNumber: string } = {
    number: '',
    token: '',
    id: '',
    workOrderId: '',
    workOrderNumber: '',
  };

  const tab = async (options: { locale?: Locale; desktop?: boolean; axe?: boolean } = {}) => {
    const t = await openTab(e2e, { bypassCSP: options.axe ?? false, ...(options.locale ? { locale: options.locale } : {}) });
    if (options.desktop) await t.page.setViewportSize(DESKTOP);
    tabs.push(t);
    return t;
  };

  beforeAll(async () => {
    // A point inside Berkane's real boundary, from the same seeded data the server runs on.
    const database = await createTestDatabase();
    try {
      const { rows } = await sql<{ lat: number; lon: number }>`
        SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lon
        FROM platform.commune WHERE code = 'berkane'`.execute(database.db.kysely);
      point = rows[0]!;
    } finally {
      await database.drop();
    }
    e2e = await startE2E();
  }, 400_000);

  beforeEach((context) => {
    keepFailureArtifacts(context, tabs);
    // A server that stopped explains every failure after it: say so, with its last words.
    context.onTestFailed(() => {
      if (e2e && !e2e.server.alive()) console.log(`[e2e] the server exited:\n${e2e.server.output().slice(-3000)}`);
    });
  });

  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => {});
    await e2e?.stop();
  });

  it('a citizen reports a street light; the supervisor triages and assigns it; the technician completes it on a phone; the citizen sees each step', async () => {
    // The citizen files the report (the portal's own pages are another journey), with an email.
    const response = await fetch(`${e2e.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'ar' },
      body: JSON.stringify({
        category: 'streetlight',
        location: point,
        description,
        attributes: { lamp_state: 'off' },
        contact: { email: citizenEmail },
        locale: 'ar',
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const submitted = (await response.json()) as { report: { number: string }; token: string };
    filed.number = submitted.report.number;
    filed.token = submitted.token;

    // The supervisor of the technical division, at a desk, in Arabic.
    const supervisor = await tab({ desktop: true });
    const { page } = supervisor;
    await signIn(page, 'ar', 'supervisor@berkane.example');
    await expect.poll(() => htmlLangDir(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    await page.getByRole('navigation', { name: TEXT.ar.nav }).getByRole('link', { name: TEXT.ar.reports, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: TEXT.ar.reports }).waitFor();
    const row = page.getByRole('link', { name: new RegExp(`رقم ${filed.number}\\b`) });
    await row.waitFor();
    await screenshot(page, 'reports-office-queue-supervisor-ar-desktop');
    await row.click();

    await page.getByRole('heading', { level: 1, name: TEXT.ar.report(filed.number) }).waitFor();
    filed.id = page.url().split('/').at(-1) ?? '';
    // The text as the citizen typed it, angle brackets included: never read as HTML.
    await expect(page.locator('.report-text').first().textContent()).resolves.toBe(description);
    await expect(page.locator('.report-text b').count()).resolves.toBe(0);
    // The answer to the category's question, named in Arabic; the contact (the supervisor may read it).
    await page.getByText('مطفأ ليلًا', { exact: true }).waitFor();
    await page.getByRole('link', { name: citizenEmail }).waitFor();

    // An internal note first: the history shows it apart from public updates.
    await page.getByRole('textbox', { name: 'النص' }).fill(`يجب فحص علبة المصهرات ${stamp}`);
    await page.getByRole('button', { name: 'حفظ الملاحظة الداخلية' }).click();
    await page.getByRole('status').filter({ hasText: 'تم حفظ الملاحظة الداخلية.' }).waitFor();
    const internal = page.locator('.history-internal').filter({ hasText: `يجب فحص علبة المصهرات ${stamp}` });
    await expect(internal.getByText('داخلي', { exact: true }).count()).resolves.toBe(1);

    // Assign to the lighting technician: a work order is created and the report is acknowledged.
    await page.getByRole('button', { name: /الموظف المكلف/ }).click();
    await page.getByRole('option', { name: /Technicien éclairage \(démo\)/ }).click();
    await page.getByRole('button', { name: 'إسناد', exact: true }).click();
    await page.getByText('تم حفظ الإسناد.', { exact: true }).waitFor();
    await page.locator('.page-head').getByText('تم الاطلاع عليه', { exact: true }).waitFor();
    const workOrderLink = page.getByRole('link', { name: /^أمر الأشغال رقم \d+$/ });
    await workOrderLink.waitFor();
    filed.workOrderNumber = ((await workOrderLink.textContent()) ?? '').replace(/\D/g, '');
    filed.workOrderId = ((await workOrderLink.getAttribute('href')) ?? '').split('/').at(-1) ?? '';
    expect(filed.workOrderId).toMatch(/^[0-9a-f-]{36}$/);
    await page.locator('.history-public').getByText('تم الاطلاع عليه', { exact: true }).first().waitFor();
    await screenshot(page, 'reports-office-report-assigned-ar-desktop');

    // The technician, in the street, on a 360-px phone that knows where it is.
    const technician = await tab();
    await technician.context.grantPermissions(['geolocation']);
    await technician.context.setGeolocation({ latitude: point.lat, longitude: point.lon, accuracy: 8 });
    const phone = technician.page;
    await signIn(phone, 'ar', 'technician@berkane.example');
    await phone.getByRole('navigation', { name: TEXT.ar.nav }).getByRole('link', { name: TEXT.ar.workorders, exact: true }).click();
    await phone.getByRole('heading', { level: 1, name: TEXT.ar.workorders }).waitFor();
    const card = phone.getByRole('link', { name: new RegExp(`أمر الأشغال رقم ${filed.workOrderNumber}\\b`) });
    await card.waitFor();
    await screenshot(phone, 'reports-office-workorders-technician-ar-phone');
    await card.click();
    await phone.getByRole('heading', { level: 1, name: TEXT.ar.workOrder(filed.workOrderNumber) }).waitFor();
    // What it fixes: the report, linked.
    await phone.getByRole('link', { name: new RegExp(`رقم ${filed.number}`) }).waitFor();

    // A site photo from the camera (a JPEG made here), as the phone's file input hands it over.
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 40, g: 90, b: 150 } } })
      .jpeg({ quality: 80 })
      .toBuffer();
    const camera = phone.locator('input[type="file"][capture="environment"]');
    await expect(camera.getAttribute('accept')).resolves.toBe('image/*');
    await expect(camera.getAttribute('multiple')).resolves.not.toBeNull();
    await camera.setInputFiles({ name: 'site.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await phone.getByRole('img', { name: `صورة الورش 1 لأمر الأشغال رقم ${filed.workOrderNumber}` }).waitFor();
    await screenshot(phone, 'reports-office-workorder-technician-ar-phone');

    // Complete with a note, where the phone is, after a confirmation.
    await phone.getByRole('textbox', { name: 'ملاحظة الإنجاز' }).fill(note);
    await expect(phone.getByRole('radio', { name: /موقعي الحالي/ }).isChecked()).resolves.toBe(true);
    await phone.getByRole('button', { name: 'إنجاز أمر الأشغال…' }).click();
    const dialog = phone.getByRole('dialog', { name: `إنجاز أمر الأشغال رقم ${filed.workOrderNumber}؟` });
    await dialog.waitFor();
    await dialog.getByText(point.lat.toFixed(6), { exact: false }).waitFor();
    await screenshot(phone, 'reports-office-complete-confirm-ar-phone');
    await dialog.getByRole('button', { name: 'تأكيد الإنجاز' }).click();
    await dialog.waitFor({ state: 'detached' });
    await phone.locator('.page-head').getByText('منجز', { exact: true }).waitFor();
    await phone.getByRole('heading', { name: /^أُنجز يوم/ }).waitFor();
    await phone.getByText(note).first().waitFor();
    await screenshot(phone, 'reports-office-workorder-done-ar-phone');

    // The report is fixed, with the technician's note as its public update.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: TEXT.ar.report(filed.number) }).waitFor();
    await page.locator('.page-head').getByText('تم الإصلاح', { exact: true }).waitFor();
    await page.locator('.history-public').filter({ hasText: note }).waitFor();

    // The citizen's tracking (the secret link's API) shows each step. The work order went from
    // open straight to done (a technician may complete a work order but not start it), so the
    // report went open → acknowledged → fixed, without in_progress.
    const tracked = await fetch(`${e2e.url}/api/v1/reports/${filed.number}/track`, {
      headers: { 'x-report-token': filed.token, 'accept-language': 'ar' },
    });
    expect(tracked.status).toBe(200);
    const report = (await tracked.json()) as { status: string; updates: { status: string | null; text: string | null }[] };
    expect(report.status).toBe('fixed');
    expect(report.updates.map((u) => u.status)).toEqual(['open', 'acknowledged', 'fixed']);
    expect(report.updates.at(-1)?.text).toBe(note);
    // The internal note never reaches the citizen.
    expect(JSON.stringify(report)).not.toContain('علبة المصهرات');

    // The admin's outbox: the confirmation and one mail per public step, to the citizen.
    const admin = await tab({ desktop: true });
    await signIn(admin.page, 'ar', DEMO.email);
    await admin.page.getByRole('navigation', { name: TEXT.ar.nav }).getByRole('link', { name: TEXT.ar.outbox, exact: true }).click();
    await admin.page.getByRole('heading', { level: 1, name: TEXT.ar.outbox }).waitFor();
    const mails = admin.page.getByRole('article').filter({ hasText: citizenEmail });
    // The mails are written by the job queue shortly after each step.
    await expect
      .poll(
        async () => {
          await admin.page.reload();
          await admin.page.getByRole('heading', { level: 1, name: TEXT.ar.outbox }).waitFor();
          await admin.page
            .getByRole('status')
            .waitFor({ state: 'detached' })
            .catch(() => {});
          return mails.count();
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(3);
    for (const mail of await mails.all()) {
      await expect(mail.textContent()).resolves.toContain(filed.number);
      await expect(mail.locator('.outbox-text').getAttribute('dir')).resolves.toBe('rtl');
    }
    await expect(mails.filter({ hasText: note }).count()).resolves.toBe(1);
    await screenshot(admin.page, 'reports-office-outbox-ar-desktop');
  });

  const tours = [
    { locale: 'ar', desktop: false },
    { locale: 'fr', desktop: false },
    { locale: 'ar', desktop: true },
    { locale: 'fr', desktop: true },
  ] as const;
  for (const { locale, desktop } of tours) {
    const size = desktop ? 'desktop' : 'phone';
    it(`every new page in ${locale} on a ${size}: axe-core and screenshots`, { timeout: 300_000 }, async () => {
      expect(filed.workOrderId, 'the journey above ran first').not.toBe('');
      const text = TEXT[locale];
      const { page } = await tab({ locale, desktop, axe: true });
      await signIn(page, locale, DEMO.email);
      const name = (what: string) => `reports-office-${what}-${locale}-${size}`;
      await checkPage(page, name('home'), !desktop);

      await page.goto('/office/reports');
      await page.getByRole('heading', { level: 1, name: text.reports }).waitFor();
      await page.locator('.report-list .report-row').first().waitFor();
      await checkPage(page, name('queue'), !desktop);

      await page.goto('/office/reports?view=map&status=all');
      await page.getByRole('heading', { level: 1, name: text.reports }).waitFor();
      await waitForMap(page);
      await checkPage(page, name('queue-map'), !desktop);

      await page.goto(`/office/reports/${filed.id}`);
      await page.getByRole('heading', { level: 1, name: text.report(filed.number) }).waitFor();
      await waitForMap(page);
      await checkPage(page, name('report'), !desktop);

      await page.goto('/office/workorders');
      await page.getByRole('heading', { level: 1, name: text.workorders }).waitFor();
      await page.locator('.wo-card').first().waitFor();
      await checkPage(page, name('workorders'), !desktop);

      await page.goto(`/office/workorders/${filed.workOrderId}`);
      await page.getByRole('heading', { level: 1, name: text.workOrder(filed.workOrderNumber) }).waitFor();
      await waitForMap(page);
      await checkPage(page, name('workorder'), !desktop);

      await page.goto('/office/categories');
      await page.getByRole('heading', { level: 1, name: text.categories }).waitFor();
      await page.locator('.record-list .record').first().waitFor();
      await checkPage(page, name('categories'), !desktop);

      await page
        .getByRole('link', { name: locale === 'ar' ? 'تعديل فئة «عمود إنارة معطل»' : 'Modifier la catégorie « Lampadaire en panne »' })
        .click();
      await page
        .getByRole('heading', { level: 1 })
        .filter({ hasText: locale === 'ar' ? 'عمود إنارة معطل' : 'Lampadaire en panne' })
        .waitFor();
      await checkPage(page, name('category-editor'), !desktop);

      await page.goto('/office/outbox');
      await page.getByRole('heading', { level: 1, name: text.outbox }).waitFor();
      await page.getByRole('article').first().waitFor();
      await checkPage(page, name('outbox'), !desktop);
    });
  }
});
