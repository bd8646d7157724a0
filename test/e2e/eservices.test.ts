// Administrative e-services (issue #5), in a real browser. A citizen on a 360-px phone, in Arabic,
// finds the building permit by typing its name without hamza nor ta marbuta, reads its fiche,
// fills the form (a point on the map, the national ID number…), attaches a PDF for one document
// and leaves the required one missing, submits and gets a "file being deposited" receipt listing
// it; completes the file from the tracking page. Staff sign in to the office, start the review,
// approve and issue the permit; the citizen's tracking page offers it; its verification page says
// it is authentic; staff revoke it and the page says so. Screenshots
// of each page in Arabic and French (the office at desktop width) and axe-core on each.
import fs from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkPage,
  DEMO,
  type E2E,
  e2eSkipReason,
  htmlLangDir,
  keepFailureArtifacts,
  type Locale,
  openTab,
  startE2E,
  type Tab,
  waitForMap,
} from './harness.js';

const I18N = path.resolve(import.meta.dirname, '../../web/i18n');
const catalog = (locale: 'ar' | 'fr', area: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(I18N, locale, `${area}.json`), 'utf8'));
const S = { ar: catalog('ar', 'services'), fr: catalog('fr', 'services') };
const P = { ar: catalog('ar', 'portal'), fr: catalog('fr', 'portal') };
const O = { ar: catalog('ar', 'office'), fr: catalog('fr', 'office') };
const s = (locale: 'ar' | 'fr', key: string) => {
  const text = S[locale][key];
  if (text === undefined) throw new Error(`no message ${key}`);
  return text;
};

/** Slow: a real server, a real browser, MapLibre and PDFs on two shared cores. */
const LONG = 600_000;
const DESKTOP = { width: 1280, height: 900 };

const PERMIT = {
  code: 'building_permit_small',
  ar: 'رخصة البناء – مسطرة المشاريع الصغرى',
  fr: 'Permis de construire – procédure des petits projets',
  // Typed as people do: ة as ه, no final hamza, ى as ي.
  query: 'رخصه البنا الصغري',
  plans: { ar: 'التصاميم المعمارية للمشروع (تصميم الموقع، التصاميم، الواجهات، المقاطع)' },
  deed: { ar: 'سند الملكية بالنسبة للعقار غير المحفظ' },
};

/** A small, valid PDF (the server checks attachments by content). */
function pdf(title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', info: { Title: title } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(18).text(title, 72, 72);
    doc.end();
  });
}

async function signIn(page: Page, email: string) {
  await page.goto('/office');
  await page.getByRole('heading', { level: 1, name: 'تسجيل الدخول إلى فضاء الموظفين' }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: 'البريد الإلكتروني' }).fill(email);
  await page.getByLabel('كلمة المرور', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'تسجيل الدخول', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: /^مرحبًا،/ }).waitFor();
}

describe.skipIf(e2eSkipReason !== null)('administrative e-services', () => {
  let e2e: E2E;
  const tabs: Tab[] = [];
  const tab = async (options: { locale?: Locale; desktop?: boolean } = {}) => {
    const t = await openTab(e2e, { bypassCSP: true, ...(options.locale ? { locale: options.locale } : {}) });
    if (options.desktop) await t.page.setViewportSize(DESKTOP);
    tabs.push(t);
    return t;
  };
  const filed = { number: '', token: '', id: '', code: '' };
  let plansPdf: Buffer;
  let deedPdf: Buffer;

  beforeAll(async () => {
    [plansPdf, deedPdf] = await Promise.all([pdf('Plans architecturaux'), pdf('Titre de propriete')]);
    e2e = await startE2E();
  }, 400_000);

  beforeEach((context) => {
    keepFailureArtifacts(context, tabs);
    context.onTestFailed(() => {
      if (e2e && !e2e.server.alive()) console.log(`[e2e] the server exited:\n${e2e.server.output().slice(-3000)}`);
      else if (e2e) console.log(`[e2e] the server's last words:\n${e2e.server.output().slice(-2500)}`);
    });
  });

  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => {});
    await e2e?.stop();
  });

  it('a citizen finds the building permit in Arabic, files it with a document missing and gets a "file being deposited" receipt; completes it', {
    timeout: LONG,
  }, async () => {
    const { page } = await tab({ locale: 'ar' });
    await page.goto('/');
    await expect.poll(() => htmlLangDir(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    await page.getByRole('link', { name: new RegExp(P.ar['portal.services.procedures.name']!) }).click();

    // The catalog, searched in Arabic as people type it.
    await page.getByRole('heading', { level: 1, name: s('ar', 'services.catalog.title') }).waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: PERMIT.ar }).waitFor();
    await checkPage(page, 'eservices-catalog-ar');
    await page.getByRole('searchbox', { name: s('ar', 'services.catalog.search') }).fill(PERMIT.query);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(PERMIT.query);
    // The server folds the query like the names (procedure.ts searchFold): the permit comes first.
    await expect.poll(() => page.locator('.procedure-card h3').first().textContent(), { timeout: 30_000 }).toBe(PERMIT.ar);
    await expect(page.locator('ul.procedure-list').getAttribute('aria-busy')).resolves.toBeNull();
    await page.getByRole('link', { name: PERMIT.ar }).click();

    // The fiche: documents, what the commune obtains itself, silence means approval, the uncertain part.
    await page.getByRole('heading', { level: 1, name: PERMIT.ar }).waitFor();
    await page.getByText(s('ar', 'services.silence.approval')).waitFor();
    await page.getByText(PERMIT.plans.ar).first().waitFor();
    await page.getByRole('heading', { name: s('ar', 'services.fiche.fetched') }).waitFor();
    await page.getByText(s('ar', 'services.fiche.uncertain')).first().waitFor();
    await checkPage(page, 'eservices-fiche-ar');
    await page
      .getByRole('link', { name: s('ar', 'services.fiche.apply') })
      .first()
      .click();

    // Step 1: the applicant and the procedure's questions, checked here as the server checks them.
    await page.getByRole('heading', { level: 2, name: s('ar', 'services.apply.details') }).waitFor();
    await page.getByRole('button', { name: s('ar', 'services.apply.next') }).click();
    await expect.poll(() => page.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
    await page.getByText(s('ar', 'services.problem.field_required')).first().waitFor();
    await page.getByRole('textbox', { name: s('ar', 'services.apply.name') }).fill('سعاد الإدريسي');
    await page.getByRole('textbox', { name: s('ar', 'services.apply.email') }).fill('souad@example.org');
    const cin = page.getByRole('textbox', { name: 'رقم البطاقة الوطنية للتعريف الإلكترونية لصاحب الطلب' });
    await cin.fill('12345');
    await page.getByRole('button', { name: s('ar', 'services.apply.next') }).click();
    await page.getByText(s('ar', 'services.problem.field_cin')).waitFor();
    await cin.fill('fa ١٢٣٤٥٦');
    // The place on the map: the map's centre (the keyboard's way), then words about it.
    await waitForMap(page);
    await page.getByRole('button', { name: P.ar['portal.reports.place.useCentre']! }).click();
    await page.getByRole('textbox', { name: s('ar', 'services.form.addressText') }).fill('حي السلام، قرب المسجد');
    await page.getByRole('textbox', { name: 'مساحة العقار' }).fill('٢٠٠');
    await page.getByRole('textbox', { name: 'المساحة المبنية الإجمالية' }).fill('150');
    await page.getByRole('textbox', { name: 'عدد الطوابق فوق سطح الأرض' }).fill('2');
    await page.getByRole('radio', { name: 'سكن', exact: true }).check();
    await checkPage(page, 'eservices-form-ar');
    await page.getByRole('button', { name: s('ar', 'services.apply.next') }).click();

    // Step 2: documents. The draft is on the server now, kept on this device.
    await page.getByRole('heading', { level: 2, name: s('ar', 'services.apply.documents') }).waitFor();
    const kept = await page.evaluate(() =>
      (globalThis as unknown as { localStorage: Storage }).localStorage.getItem('madina.eservices.requests'),
    );
    const draft = (JSON.parse(kept ?? '[]') as { number: string; token: string; draft: boolean }[])[0];
    expect(draft?.draft).toBe(true);
    filed.number = draft?.number ?? '';
    filed.token = draft?.token ?? '';
    expect(filed.number).toMatch(/^ES-\d{4}-\d+$/);
    const deedSlot = page.locator('article.slot', { has: page.getByRole('heading', { name: PERMIT.deed.ar }) });
    await deedSlot.locator('input[type="file"]').setInputFiles({ name: 'titre.pdf', mimeType: 'application/pdf', buffer: deedPdf });
    await deedSlot.locator('bdi', { hasText: 'titre.pdf' }).waitFor();
    await page.getByRole('checkbox', { name: /شهادة الملكية الخاصة بالعقار المحفظ/ }).check();
    await checkPage(page, 'eservices-documents-ar');
    await page.getByRole('button', { name: s('ar', 'services.apply.next') }).click();

    // Step 3: review, with the missing document said plainly; submit.
    await page.getByRole('heading', { level: 2, name: s('ar', 'services.apply.review') }).waitFor();
    await page.locator('.notice-warning').getByText(PERMIT.plans.ar).waitFor();
    await checkPage(page, 'eservices-review-ar');
    await page.getByRole('button', { name: s('ar', 'services.apply.submit') }).click();

    // The receipt: "file being deposited", listing what is missing.
    await page.getByRole('heading', { level: 1, name: s('ar', 'services.receipt.incompleteTitle') }).waitFor({ timeout: 60_000 });
    await expect(page.locator('.tracking-number').textContent()).resolves.toBe(filed.number);
    await page.locator('.missing-list').getByText(PERMIT.plans.ar).waitFor();
    await checkPage(page, 'eservices-receipt-ar');

    // Completing the file: the missing plans, then "I have completed my file".
    await page.getByRole('link', { name: s('ar', 'services.receipt.completeNow') }).click();
    await page.getByRole('heading', { level: 1, name: PERMIT.ar }).waitFor();
    const plansSlot = page.locator('.missing-section article.slot', { has: page.getByRole('heading', { name: PERMIT.plans.ar }) });
    await plansSlot.locator('input[type="file"]').setInputFiles({ name: 'plans.pdf', mimeType: 'application/pdf', buffer: plansPdf });
    await plansSlot.locator('bdi', { hasText: 'plans.pdf' }).waitFor();
    await checkPage(page, 'eservices-tracking-incomplete-ar');
    await page.getByRole('button', { name: s('ar', 'services.missing.complete') }).click();
    await page.locator('.report-meta').getByText(s('ar', 'services.status.submitted'), { exact: true }).waitFor();
    await page.getByText(s('ar', 'services.clock.deadlineAt')).first().waitFor();
    await checkPage(page, 'eservices-tracking-ar');
  });

  it('staff review, approve and issue the permit in the office; the citizen downloads it; its QR page says authentic, then revoked', {
    timeout: LONG,
  }, async () => {
    expect(filed.number, 'the first test filed a request').not.toBe('');
    // The demo's admin (the demo has no account in the urban planning division that processes permits).
    const agent = await tab({ desktop: true });
    await signIn(agent.page, DEMO.email);
    const office = agent.page;
    await office
      .getByRole('navigation', { name: O.ar['office.nav.label']! })
      .getByRole('link', { name: O.ar['office.nav.eservices']! })
      .click();
    await office.getByRole('heading', { level: 1, name: s('ar', 'services.office.queue') }).waitFor();
    const row = office.getByRole('link', { name: new RegExp(filed.number) });
    await row.waitFor();
    await checkPage(office, 'eservices-office-queue-ar-desktop', false);
    await row.click();
    await office.getByRole('heading', { level: 1, name: `الطلب رقم ${filed.number}` }).waitFor();
    filed.id = office.url().split('/').at(-1) ?? '';

    const act = async (action: string, fill?: () => Promise<void>) => {
      const radio = office.getByRole('radio', { name: s('ar', `services.office.action.${action}`), exact: true });
      if (await radio.count()) await radio.check();
      if (fill) await fill();
      await office
        .locator('.action-form')
        .getByRole('button', { name: s('ar', `services.office.action.${action}`), exact: true })
        .click();
    };
    await act('start_review');
    await office.locator('.page-head').getByText(s('ar', 'services.status.under_review'), { exact: true }).waitFor();
    await checkPage(office, 'eservices-office-request-ar-desktop', false);
    await act('approve');
    await office.locator('.page-head').getByText(s('ar', 'services.status.approved'), { exact: true }).waitFor();
    await act('issue', async () => {
      await office.locator('label.checkbox', { hasText: s('ar', 'services.office.holderVisible') }).click();
      await expect(office.getByRole('checkbox', { name: s('ar', 'services.office.holderVisible') }).isChecked()).resolves.toBe(true);
    });
    await office.locator('.page-head').getByText(s('ar', 'services.status.issued'), { exact: true }).waitFor({ timeout: 60_000 });
    filed.code = (await office.locator('.issued code').first().textContent()) ?? '';
    expect(filed.code).toMatch(/^[A-Z2-7]{12}$/);
    await checkPage(office, 'eservices-office-issued-ar-desktop', false);

    // The same page in French at desktop width.
    const agentFr = await tab({ desktop: true, locale: 'fr' });
    await agentFr.context.addCookies(await agent.context.cookies());
    await agentFr.page.goto(`/office/eservices/${filed.id}`);
    await agentFr.page.getByRole('heading', { level: 1, name: `Demande n° ${filed.number}` }).waitFor({ timeout: 60_000 });
    await checkPage(agentFr.page, 'eservices-office-request-fr-desktop', false);

    // The citizen's tracking page offers the document; it downloads as a PDF.
    const citizen = await tab({ locale: 'ar' });
    await citizen.page.goto(`/services/requests/${filed.number}#${filed.token}`);
    await citizen.page.getByRole('heading', { level: 2, name: s('ar', 'services.documents.title') }).waitFor({ timeout: 60_000 });
    await citizen.page.getByText(s('ar', 'services.status.issued'), { exact: true }).first().waitFor();
    const [download] = await Promise.all([
      citizen.page.waitForEvent('download'),
      citizen.page.getByRole('button', { name: s('ar', 'services.documents.download') }).click(),
    ]);
    expect(
      fs
        .readFileSync(await download.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await checkPage(citizen.page, 'eservices-tracking-issued-ar');

    // Its QR URL: authentic.
    await citizen.page.getByRole('link', { name: s('ar', 'services.documents.verify') }).click();
    await citizen.page.getByText(s('ar', 'services.verify.valid'), { exact: true }).waitFor();
    await citizen.page.getByText('سعاد الإدريسي').waitFor();
    await checkPage(citizen.page, 'eservices-verify-valid-ar');
    const verifyFr = await tab({ locale: 'fr' });
    await verifyFr.page.goto(`/verify/${filed.code}`);
    await verifyFr.page.getByText(s('fr', 'services.verify.valid'), { exact: true }).waitFor({ timeout: 60_000 });
    await checkPage(verifyFr.page, 'eservices-verify-valid-fr');

    // Revoked; the page says so, unmistakably.
    await office.getByRole('button', { name: s('ar', 'services.office.revoke'), exact: true }).click();
    await office.getByRole('textbox', { name: s('ar', 'services.office.revokeReason') }).fill('خطأ في مساحة البناء المرخص بها');
    await office.getByRole('button', { name: s('ar', 'services.office.revokeConfirm') }).click();
    await office.locator('.issued-revoked').waitFor();
    await checkPage(office, 'eservices-office-revoked-ar-desktop', false);

    await citizen.page.reload();
    await citizen.page.getByText(s('ar', 'services.verify.revoked'), { exact: true }).waitFor({ timeout: 60_000 });
    await citizen.page.getByText('خطأ في مساحة البناء المرخص بها', { exact: false }).waitFor();
    await expect(citizen.page.locator('.verdict').getAttribute('data-status')).resolves.toBe('revoked');
    await checkPage(citizen.page, 'eservices-verify-revoked-ar');
    await verifyFr.page.reload();
    await verifyFr.page.getByText(s('fr', 'services.verify.revoked'), { exact: true }).waitFor({ timeout: 60_000 });
    await checkPage(verifyFr.page, 'eservices-verify-revoked-fr');

    // An unknown code is not "authentic".
    await verifyFr.page.goto('/verify/AAAAAAAAAAAA');
    await verifyFr.page.getByText(s('fr', 'services.verify.unknown'), { exact: true }).waitFor({ timeout: 60_000 });
  });

  it('the portal pages in French on a phone: catalog, fiche, form, tracking and "my requests"', { timeout: LONG }, async () => {
    const { page } = await tab({ locale: 'fr' });
    await page.goto('/services');
    await page.getByRole('heading', { level: 1, name: s('fr', 'services.catalog.title') }).waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: PERMIT.fr }).waitFor();
    await checkPage(page, 'eservices-catalog-fr');
    await page.getByRole('link', { name: PERMIT.fr }).click();
    await page.getByRole('heading', { level: 1, name: PERMIT.fr }).waitFor();
    await checkPage(page, 'eservices-fiche-fr');
    await page
      .getByRole('link', { name: s('fr', 'services.fiche.apply') })
      .first()
      .click();
    await page.getByRole('heading', { level: 2, name: s('fr', 'services.apply.details') }).waitFor();
    await waitForMap(page);
    await checkPage(page, 'eservices-form-fr');
    if (filed.number && filed.token) {
      await page.goto(`/services/requests/${filed.number}#${filed.token}`);
      await page.getByRole('heading', { level: 1, name: PERMIT.fr }).waitFor({ timeout: 60_000 });
      await checkPage(page, 'eservices-tracking-fr');
      await page.goto(`/services/requests/${filed.number}/receipt`);
      await page.locator('.tracking-number').waitFor({ timeout: 60_000 });
      await checkPage(page, 'eservices-receipt-fr');
      await page.goto('/services/mine');
      await page.getByRole('link', { name: PERMIT.fr }).waitFor({ timeout: 60_000 });
      await checkPage(page, 'eservices-mine-fr');
    }
  });

  it('the office: the catalog editor refuses what art. 7 forbids beside the field; a request filed at the counter; indicators (with CSV) and holidays', {
    timeout: LONG,
  }, async () => {
    const admin = await tab({ desktop: true });
    const { page } = admin;
    await signIn(page, DEMO.email);

    // The catalog and one fiche's editor: a certified copy asked of the citizen is refused here, beside the document.
    await page.goto('/office/eservices/catalog');
    await page.getByRole('heading', { level: 1, name: s('ar', 'services.office.catalog.title') }).waitFor({ timeout: 60_000 });
    await checkPage(page, 'eservices-office-catalog-ar-desktop', false);
    await page.getByRole('link', { name: s('ar', 'services.office.catalog.editNamed').replace('{name}', PERMIT.ar) }).click();
    await page
      .getByRole('heading', { level: 1, name: s('ar', 'services.office.catalog.editNamed').replace('{name}', PERMIT.ar) })
      .waitFor();
    await page.getByRole('button', { name: s('ar', 'services.office.editor.addDocument'), exact: true }).click();
    const item = page.locator('.editor-item').filter({ hasText: s('ar', 'services.office.editor.documentN').replace('{n}', '3') });
    await item.getByRole('textbox', { name: s('ar', 'services.office.editor.key') }).fill('cin_copy');
    await item.getByRole('textbox', { name: 'العربية' }).first().fill('نسخة مطابقة للأصل من البطاقة الوطنية');
    await page.getByRole('button', { name: 'حفظ', exact: true }).click();
    await item.getByText(s('ar', 'services.problem.procedure_certified_copy')).waitFor();
    await checkPage(page, 'eservices-office-editor-ar-desktop', false);

    // The counter: a citizen in person asks for a signature legalization; the agent files it with the scanned document.
    await page.goto('/office/eservices/counter');
    await page.getByRole('heading', { level: 1, name: s('ar', 'services.office.counter.title') }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: new RegExp(s('ar', 'services.office.counter.procedure')) }).click();
    await page.getByRole('option', { name: 'الإشهاد على صحة الإمضاء (تصحيح الإمضاء)' }).click();
    await page.getByRole('textbox', { name: s('ar', 'services.apply.name') }).fill('محمد البركاني');
    await page.getByRole('textbox', { name: 'رقم البطاقة الوطنية للتعريف الإلكترونية لصاحب الطلب' }).fill('F654321');
    await page.getByRole('radio', { name: 'وكالة', exact: true }).check();
    await page.getByRole('textbox', { name: 'عدد الإمضاءات المطلوب الإشهاد عليها' }).fill('1');
    await checkPage(page, 'eservices-office-counter-ar-desktop', false);
    await page.getByRole('button', { name: s('ar', 'services.office.counter.create') }).click();
    const slot = page.locator('article.slot', { has: page.getByRole('heading', { name: 'الوثيقة المراد توقيعها' }) });
    await slot.locator('input[type="file"]').setInputFiles({ name: 'procuration.pdf', mimeType: 'application/pdf', buffer: deedPdf });
    await slot.locator('bdi', { hasText: 'procuration.pdf' }).waitFor();
    await page.getByRole('button', { name: s('ar', 'services.office.counter.deposit') }).click();
    await page.getByRole('heading', { level: 2, name: s('ar', 'services.receipt.completeTitle') }).waitFor();
    await expect(page.locator('.tracking-number').textContent()).resolves.toMatch(/^ES-\d{4}-\d+$/);
    await checkPage(page, 'eservices-office-counter-done-ar-desktop', false);

    await page.goto('/office/eservices/indicators');
    await page.getByRole('heading', { level: 1, name: s('ar', 'services.office.indicators.title') }).waitFor({ timeout: 60_000 });
    await page.locator('table.data-table').waitFor();
    await checkPage(page, 'eservices-office-indicators-ar-desktop', false);
    const href = await page.getByRole('link', { name: s('ar', 'services.office.indicators.csv') }).getAttribute('href');
    const csv = await page.request.get(href ?? '');
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);

    await page.goto('/office/eservices/holidays');
    await page.getByRole('heading', { level: 1, name: s('ar', 'services.office.holidays.title') }).waitFor({ timeout: 60_000 });
    await page
      .getByRole('button', { name: new RegExp(s('ar', 'services.office.holidays.adjust')) })
      .first()
      .waitFor();
    await checkPage(page, 'eservices-office-holidays-ar-desktop', false);
  });
});
