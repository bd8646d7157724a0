// Citizen reports on the portal, in a real browser on a 360-px phone: filing a report (a place on
// the map or an address, a category's question, a photo), the confirmation, the tracking page
// opened from the secret link, a place outside the commune, "is it one of these?", a retried
// submission after a lost answer, the public list and "my reports"; axe-core on every step, and
// screenshots of each in Arabic and French under test/e2e/artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
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
  screenshot,
  startE2E,
  type Tab,
  waitForMap,
} from './harness.js';

const CATALOG = (locale: 'ar' | 'fr'): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, `../../web/i18n/${locale}/portal.json`), 'utf8'));
const AR = CATALOG('ar');
const FR = CATALOG('fr');

/** Slow: a real server, a real browser and MapLibre on two shared cores. */
const LONG = 300_000;

interface MapLike {
  loaded(): boolean;
  jumpTo(options: { center: [number, number]; zoom: number }): void;
  project(lngLat: [number, number]): { x: number; y: number };
  querySourceFeatures(source: string): { properties: Record<string, unknown> }[];
}

/** Brings the map to a point and taps it there (a phone's finger on the map canvas). */
async function tapMapAt(page: Page, point: { lat: number; lon: number }) {
  const pixel = await page.evaluate(({ lat, lon }) => {
    const map = (globalThis as unknown as { __madinaMap: MapLike }).__madinaMap;
    map.jumpTo({ center: [lon, lat], zoom: 16 });
    return map.project([lon, lat]);
  }, point);
  await page.waitForTimeout(300);
  await page.locator('[data-testid="commune-map"] canvas').tap({ position: { x: pixel.x, y: pixel.y } });
}

const stepHeading = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });

describe.skipIf(e2eSkipReason !== null)('citizen reports on the portal', () => {
  let e2e: E2E;
  let photo: Buffer;
  /** A place inside the commune: where one of the demo reports is (they are generated inside its boundary). */
  let inside: { lat: number; lon: number };
  const tabs: Tab[] = [];
  const tab = async (locale: Locale) => {
    const t = await openTab(e2e, { locale, bypassCSP: true });
    tabs.push(t);
    return t;
  };

  beforeAll(async () => {
    e2e = await startE2E();
    // A real JPEG (the server checks content, not names): a street-light-ish picture.
    photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 40, b: 70 } } })
      .composite([{ input: Buffer.from('<svg width="640" height="480"><rect x="300" y="60" width="24" height="400" fill="#999"/></svg>') }])
      .jpeg({ quality: 80 })
      .toBuffer();
    const list = (await (await e2e.server.fetch('/api/v1/reports?limit=50')).json()) as {
      items: { category: { code: string }; location: { lat: number; lon: number } | null }[];
    };
    const demo = list.items.find((r) => r.location && r.category.code !== 'streetlight' && r.category.code !== 'illegal_dumping');
    if (!demo?.location) throw new Error('no demo report with a place to borrow a point inside the commune from');
    inside = demo.location;
  }, 400_000);

  /** A member of staff (the demo admin, through the API) changes a report's status. */
  const staffSetsStatus = async (number: string, status: string, note: string) => {
    const login = await e2e.server.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEMO),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const queue = (await (await e2e.server.fetch('/api/v1/triage/reports?limit=200', { headers: { cookie } })).json()) as {
      items: { id: string; number: string }[];
    };
    const id = queue.items.find((r) => r.number === number)?.id;
    expect(id, `report ${number} in the staff queue`).toBeDefined();
    const changed = await e2e.server.fetch(`/api/v1/triage/reports/${id}/status`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ status, note }),
    });
    expect(changed.status).toBe(200);
  };

  beforeEach((context) => keepFailureArtifacts(context, tabs));

  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => {});
    await e2e?.stop();
  });

  it('files a report in Arabic on a phone (place on the map, a question, a photo), and the tracking link shows it with its pending photo', {
    timeout: LONG,
  }, async () => {
    const { page, requests } = await tab('ar');
    await page.goto('/');
    await expect.poll(() => htmlLangDir(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    await page.getByRole('link', { name: new RegExp(AR['portal.services.report.name']!) }).click();

    // 1. The category: grouped, searchable. The first screen does not load MapLibre.
    await stepHeading(page, AR['portal.reports.category.title']!).waitFor({ timeout: 60_000 });
    await checkPage(page, 'report-1-category-ar');
    expect(
      requests.some((r) => /maplibre|PlacePicker/i.test(r.url())),
      'MapLibre on the first step',
    ).toBe(false);
    await page.getByRole('searchbox', { name: AR['portal.reports.category.search'] }).fill('انارة');
    await page.getByRole('button', { name: /عمود إنارة معطل/ }).click();

    // 2. The place: a tap on the map.
    await stepHeading(page, AR['portal.reports.place.title']!).waitFor();
    await waitForMap(page);
    await tapMapAt(page, inside);
    await page.getByText(/تم اختيار المكان/).waitFor();
    await page.getByRole('textbox', { name: new RegExp(AR['portal.reports.place.landmark']!) }).fill('قرب المدرسة الابتدائية');
    await checkPage(page, 'report-2-place-ar');
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();

    // 3. Description, the category's required question, a photo. "Next" first checks, as the server would.
    await stepHeading(page, AR['portal.reports.details.title']!).waitFor();
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    await page.getByText(AR['portal.reports.error.required']!).first().waitFor();
    await page
      .getByRole('textbox', { name: new RegExp(AR['portal.reports.details.description']!) })
      .fill('العمود مطفأ منذ ثلاثة أيام، والشارع مظلم تمامًا ليلًا. <b>نص</b> يبقى نصًا.');
    await page.getByRole('radio', { name: 'مطفأ ليلًا' }).check();
    await page.locator('input[type="file"]').setInputFiles({ name: 'lamp.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByRole('img', { name: /الصورة 1/ }).waitFor();
    await checkPage(page, 'report-3-details-ar');
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();

    // 4. Contact (optional, never public), the summary, send.
    await stepHeading(page, AR['portal.reports.contact.title']!).waitFor();
    await expect(page.getByText(AR['portal.reports.contact.privacyTitle']!).isVisible()).resolves.toBe(true);
    await page.getByRole('textbox', { name: new RegExp(AR['portal.reports.contact.email']!) }).fill('citoyen@example.ma');
    await checkPage(page, 'report-4-contact-ar');
    await page.getByRole('button', { name: AR['portal.reports.contact.send'], exact: true }).click();

    // The confirmation: number, expected date (Moroccan month names), the link to keep; the photo goes up.
    await page.getByRole('heading', { level: 1, name: AR['portal.reports.sent.title'] }).waitFor({ timeout: 60_000 });
    const number = (await page.locator('.tracking-number').textContent())?.trim() ?? '';
    expect(number).toMatch(/^[1-9][0-9]*$/);
    await expect(page.locator('.sent-facts').textContent()).resolves.toMatch(
      /(يناير|فبراير|مارس|أبريل|ماي|يونيو|يوليوز|غشت|شتنبر|أكتوبر|نونبر|دجنبر) \d{4}/,
    );
    await page.locator('.photo-uploads .notice-success').waitFor({ timeout: 60_000 });
    const link = (await page.locator('.link-box a').getAttribute('href')) ?? '';
    expect(link).toMatch(new RegExp(`/reports/${number}#[A-Za-z0-9_-]{16,}$`));
    await checkPage(page, 'report-5-sent-ar');
    // The secret never travelled in a URL the server saw.
    expect(requests.map((r) => r.url()).filter((u) => u.includes(link.split('#')[1] ?? '#'))).toEqual([]);

    // The tracking link, opened on a fresh browser (nothing kept yet): the report, its question, its pending photo.
    const other = await tab('ar');
    await other.page.goto(link);
    await other.page.getByRole('heading', { level: 1, name: 'عمود إنارة معطل' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => other.page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('');
    await other.page.getByRole('heading', { level: 2, name: AR['portal.reports.own.title'] }).waitFor();
    await expect(other.page.locator('.report-text').textContent()).resolves.toContain('<b>نص</b>');
    await other.page.getByText('مطفأ ليلًا').waitFor();
    const own = other.page.getByRole('img', { name: /الصورة 1/ });
    await own.waitFor();
    await expect.poll(() => own.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await expect(own.getAttribute('src')).resolves.toMatch(/^blob:/);
    await other.page.getByText(/في انتظار مراجعة الجماعة/).waitFor();
    await expect(other.page.locator('.own-section').textContent()).resolves.toContain('citoyen@example.ma');
    await checkPage(other.page, 'report-6-tracking-ar');

    // The public sees neither the contact details nor the photo waiting for approval.
    const pub = (await (await e2e.server.fetch(`/api/v1/reports/${number}`)).json()) as { photos: unknown[] };
    expect(pub.photos).toEqual([]);
    const anonymous = await tab('ar');
    await anonymous.page.goto(`/reports/${number}`);
    await anonymous.page.getByRole('heading', { level: 1, name: 'عمود إنارة معطل' }).waitFor({ timeout: 60_000 });
    await expect(anonymous.page.locator('main').textContent()).resolves.not.toContain('citoyen@example.ma');
    await expect(anonymous.page.locator('.own-section').count()).resolves.toBe(0);

    // "My reports" on the first browser lists it.
    await page.goto('/reports/mine');
    await page.getByRole('link', { name: 'عمود إنارة معطل' }).waitFor({ timeout: 60_000 });
    await checkPage(page, 'report-7-mine-ar');
  });

  it('files a report in French by address and district, without the map; the citizen edits it, removes their details, and reopens it once marked fixed', {
    timeout: LONG,
  }, async () => {
    const { page, requests } = await tab('fr');
    await page.goto('/reports/new');
    await stepHeading(page, FR['portal.reports.category.title']!).waitFor({ timeout: 60_000 });
    await checkPage(page, 'report-1-category-fr');
    await page.getByRole('button', { name: /Dépôt sauvage de déchets/ }).click();

    await stepHeading(page, FR['portal.reports.place.title']!).waitFor();
    await page.getByRole('radio', { name: FR['portal.reports.place.mode.address'] }).check();
    await page.getByRole('button', { name: FR['portal.reports.new.next'], exact: true }).click();
    await page.getByText(FR['portal.reports.error.placeRequired']!).waitFor();
    await page
      .getByRole('textbox', { name: new RegExp(FR['portal.reports.place.address']!) })
      .fill('Boulevard Mohammed V, devant la pharmacie');
    const district = page.getByRole('combobox', { name: new RegExp(FR['portal.reports.place.district']!) });
    await expect.poll(() => district.locator('option').count()).toBeGreaterThan(1);
    await district.selectOption({ index: 1 });
    await checkPage(page, 'report-2-address-fr');
    await page.getByRole('button', { name: FR['portal.reports.new.next'], exact: true }).click();

    await stepHeading(page, FR['portal.reports.details.title']!).waitFor();
    await page
      .getByRole('textbox', { name: new RegExp(FR['portal.reports.details.description']!) })
      .fill('Gravats et encombrants déposés depuis une semaine.');
    await page.getByRole('checkbox', { name: 'Gravats' }).check();
    await page.getByRole('checkbox', { name: 'Encombrants' }).check();
    await checkPage(page, 'report-3-details-fr');
    await page.getByRole('button', { name: FR['portal.reports.new.next'], exact: true }).click();

    await stepHeading(page, FR['portal.reports.contact.title']!).waitFor();
    await page.getByRole('textbox', { name: new RegExp(FR['portal.reports.contact.name']!) }).fill('Samira');
    await page.getByRole('textbox', { name: new RegExp(`^${FR['portal.reports.contact.phone']}`) }).fill('06 12 34 56 78');
    await checkPage(page, 'report-4-contact-fr');
    await page.getByRole('button', { name: FR['portal.reports.contact.send'], exact: true }).click();

    await page.getByRole('heading', { level: 1, name: FR['portal.reports.sent.title'] }).waitFor({ timeout: 60_000 });
    await expect(page.locator('.sent-facts').textContent()).resolves.toMatch(
      /(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}/,
    );
    await checkPage(page, 'report-5-sent-fr');
    const number = (await page.locator('.tracking-number').textContent())?.trim() ?? '';
    // No map was needed: MapLibre never downloaded.
    expect(requests.some((r) => /maplibre/i.test(r.url()))).toBe(false);

    await page.getByRole('link', { name: FR['portal.reports.sent.see'] }).click();
    await page.getByRole('heading', { level: 2, name: FR['portal.reports.own.title'] }).waitFor({ timeout: 60_000 });
    await expect(page.locator('.facts').first().textContent()).resolves.toContain('Boulevard Mohammed V');
    // Edit while the window is open.
    await page.getByRole('button', { name: FR['portal.reports.own.edit'] }).click();
    const description = page.getByRole('textbox', { name: new RegExp(FR['portal.reports.details.description']!) });
    await description.fill('Gravats, encombrants et déchets verts déposés depuis une semaine.');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText(FR['portal.reports.own.saved']!).waitFor();
    await expect(page.locator('.report-text').textContent()).resolves.toContain('déchets verts');
    await checkPage(page, 'report-6-tracking-fr');
    // Remove my details, after a confirmation.
    await page.getByRole('button', { name: FR['portal.reports.own.remove'] }).click();
    await page.getByRole('button', { name: FR['portal.reports.own.removeConfirm'] }).click();
    await page.getByText(FR['portal.reports.own.removed']!).waitFor();
    await expect(page.locator('.own-section').textContent()).resolves.not.toContain('Samira');

    // The department marks it fixed; the citizen says it is not, and it opens again.
    await staffSetsStatus(number, 'fixed', 'Les gravats ont été enlevés.');
    await page.reload();
    await page.getByRole('heading', { level: 3, name: FR['portal.reports.own.reopenTitle'] }).waitFor({ timeout: 60_000 });
    await page.locator('.timeline').getByText('Les gravats ont été enlevés.').waitFor();
    await checkPage(page, 'report-8-fixed-fr');
    await page.getByRole('textbox', { name: new RegExp(FR['portal.reports.own.reopenReason']!) }).fill('Les encombrants sont toujours là.');
    await page.getByRole('button', { name: FR['portal.reports.own.reopen'] }).click();
    await page.locator('.timeline').getByText('Les encombrants sont toujours là.').waitFor();
    await expect(page.locator('.report-meta').first().textContent()).resolves.toContain(FR['portal.reports.status.open']);
    await expect(page.getByRole('heading', { level: 3, name: FR['portal.reports.own.reopenTitle'] }).count()).resolves.toBe(0);

    await page.goto('/reports/mine');
    await page.getByRole('link', { name: 'Dépôt sauvage de déchets' }).waitFor({ timeout: 60_000 });
    await checkPage(page, 'report-7-mine-fr');
  });

  it("shows the server's message on the place step for a place outside the commune, and sends once it is moved inside", {
    timeout: LONG,
  }, async () => {
    const { page } = await tab('ar');
    await page.goto('/reports/new');
    await page.getByRole('button', { name: /حفرة في الطريق/ }).click({ timeout: 60_000 });
    await stepHeading(page, AR['portal.reports.place.title']!).waitFor();
    await waitForMap(page);
    // A neighbouring commune, where its name is drawn.
    const neighbour = await page.evaluate(() => {
      const map = (globalThis as unknown as { __madinaMap: MapLike }).__madinaMap;
      const f = map.querySourceFeatures('communes').find((x) => x.properties.role === 'neighbour' && x.properties.labelLat != null);
      return f ? { lat: Number(f.properties.labelLat), lon: Number(f.properties.labelLon) } : null;
    });
    expect(neighbour).not.toBeNull();
    await tapMapAt(page, neighbour!);
    await page.getByText(/تم اختيار المكان/).waitFor();
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    await stepHeading(page, AR['portal.reports.details.title']!).waitFor();
    await page.getByRole('textbox', { name: new RegExp(AR['portal.reports.details.description']!) }).fill('حفرة كبيرة وسط الطريق.');
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    await stepHeading(page, AR['portal.reports.contact.title']!).waitFor();
    await page.getByRole('button', { name: AR['portal.reports.contact.send'], exact: true }).click();

    // Back on the place step, the server's own words (src/platform/i18n/messages/ar.json).
    await stepHeading(page, AR['portal.reports.place.title']!).waitFor({ timeout: 60_000 });
    const alert = page.getByRole('alert').filter({ hasText: 'المكان خارج تراب الجماعة' });
    await alert.waitFor();
    // Without the JSON pointer the problem's detail carries; and what to do about it.
    await expect(alert.textContent()).resolves.not.toContain('/body/');
    await page.getByText(AR['portal.reports.place.outsideHint']!).waitFor();
    await waitForMap(page);
    await checkPage(page, 'report-outside-ar');

    // Moved inside, the same report goes through (a new submission: a new Idempotency-Key).
    await tapMapAt(page, inside);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'المكان خارج تراب الجماعة' }).count()).toBe(0);
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    const details = stepHeading(page, AR['portal.reports.details.title']!);
    const nearby = stepHeading(page, AR['portal.reports.nearby.title']!);
    await details.or(nearby).waitFor();
    if (await nearby.isVisible()) await page.getByRole('button', { name: AR['portal.reports.nearby.none'] }).click();
    await details.waitFor();
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    await page.getByRole('button', { name: AR['portal.reports.contact.send'], exact: true }).click();
    await page.getByRole('heading', { level: 1, name: AR['portal.reports.sent.title'] }).waitFor({ timeout: 60_000 });
  });

  it('offers the open reports of the category close by ("is it one of these?"), and following one instead', { timeout: LONG }, async () => {
    // Someone already reported a pothole right there.
    const spot = { lat: inside.lat + 0.0002, lon: inside.lon };
    const first = await e2e.server.fetch('/api/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'ar' },
      body: JSON.stringify({ category: 'pothole', location: spot, description: 'حفرة عميقة أمام المخبزة.', attributes: { size: 'large' } }),
    });
    expect(first.status).toBe(201);
    const { report } = (await first.json()) as { report: { number: string } };

    const { page } = await tab('ar');
    await page.goto('/reports/new');
    await page.getByRole('button', { name: /حفرة في الطريق/ }).click({ timeout: 60_000 });
    await waitForMap(page);
    await tapMapAt(page, { lat: spot.lat + 0.0001, lon: spot.lon });
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    await stepHeading(page, AR['portal.reports.nearby.title']!).waitFor({ timeout: 60_000 });
    const item = page.getByRole('article').filter({ hasText: `رقم ${report.number}` });
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('حفرة عميقة أمام المخبزة.');
    await checkPage(page, 'report-nearby-ar');

    await item.getByRole('button', { name: AR['portal.reports.follow.action'] }).click();
    await item.getByRole('textbox', { name: new RegExp(AR['portal.reports.follow.email']!) }).fill('jar@example.ma');
    await item.getByRole('button', { name: new RegExp(report.number) }).click();
    await item.getByText(AR['portal.reports.follow.done']!).waitFor();
    await checkPage(page, 'report-nearby-followed-ar');
  });

  it('a submission retried after its answer was lost creates one report (same Idempotency-Key)', { timeout: LONG }, async () => {
    const { page } = await tab('ar');
    const keys: string[] = [];
    let firstNumber = '';
    let lost = false;
    await page.route('**/api/v1/reports', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!lost) {
        // The server files it; the phone never hears back.
        lost = true;
        const response = await route.fetch();
        firstNumber = ((await response.json()) as { report: { number: string } }).report.number;
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.goto('/reports/new');
    await page.getByRole('button', { name: /شارع غير منظف/ }).click({ timeout: 60_000 });
    await page.getByRole('radio', { name: AR['portal.reports.place.mode.address'] }).check();
    await page.getByRole('textbox', { name: new RegExp(AR['portal.reports.place.address']!) }).fill('زنقة 12، حي السلام');
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    await page.getByRole('textbox', { name: new RegExp(AR['portal.reports.details.description']!) }).fill('الزنقة لم تُنظف منذ أسبوعين.');
    await page.getByRole('button', { name: AR['portal.reports.new.next'], exact: true }).click();
    const send = page.getByRole('button', { name: AR['portal.reports.contact.send'], exact: true });
    await send.click();
    const offline = page.getByRole('alert').filter({ hasText: 'انقطع الاتصال' });
    await offline.waitFor({ timeout: 60_000 });
    await screenshot(page, 'report-retry-lost-ar');
    await send.click();
    await page.getByRole('heading', { level: 1, name: AR['portal.reports.sent.title'] }).waitFor({ timeout: 60_000 });
    await expect(page.locator('.tracking-number').textContent()).resolves.toBe(firstNumber);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[A-Za-z0-9_.:-]{8,128}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  for (const locale of ['ar', 'fr'] as const) {
    it(`lists public reports with their states, filters and pages, and no personal data (${locale})`, { timeout: LONG }, async () => {
      const text = locale === 'ar' ? AR : FR;
      const { page } = await tab(locale);
      await page.goto('/reports');
      await page.getByRole('heading', { level: 1, name: text['portal.reports.list.title'] }).waitFor({ timeout: 60_000 });
      const results = page.getByRole('list').filter({ has: page.getByRole('article') });
      await expect.poll(() => results.getByRole('article').count(), { timeout: 30_000 }).toBe(20);
      await waitForMap(page);
      await checkPage(page, `reports-list-${locale}`);
      await expect(page.locator('main').textContent()).resolves.not.toMatch(/@example\.ma|06 12 34 56 78/);

      // Resolved only: the address says so, the list follows.
      await page.getByText(text['portal.reports.list.filters']!, { exact: true }).click();
      await page.getByRole('combobox', { name: text['portal.reports.list.status'] }).selectOption('resolved');
      await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('resolved');
      const openLabel = text['portal.reports.status.open']!;
      await expect.poll(async () => (await results.textContent()) ?? '').not.toContain(openLabel);
      await checkPage(page, `reports-list-resolved-${locale}`);

      // A report from the list: its public page with its history.
      await results.getByRole('article').first().getByRole('link').click();
      await page.getByRole('heading', { level: 2, name: text['portal.reports.detail.history'] }).waitFor({ timeout: 60_000 });
      await checkPage(page, `report-public-${locale}`);
    });
  }
});
