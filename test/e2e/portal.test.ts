// The citizens' portal in a real browser: languages and direction, the commune map drawn from
// Madina's own data with no third-party request, the localized 404 and a lost connection.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type E2E,
  E2E_TIMEOUT,
  ENDONYM,
  e2eSkipReason,
  foreignRequests,
  htmlLangDir,
  keepFailureArtifacts,
  languageButton,
  openTab,
  screenshot,
  settle,
  startE2E,
  type Tab,
} from './harness.js';

interface MapFeature {
  properties: Record<string, unknown>;
}
interface MapLike {
  loaded(): boolean;
  isSourceLoaded(id: string): boolean;
  querySourceFeatures(source: string): MapFeature[];
  queryRenderedFeatures(options?: { layers?: string[] }): MapFeature[];
}

describe.skipIf(e2eSkipReason !== null)('portal in the browser', { timeout: E2E_TIMEOUT }, () => {
  let e2e: E2E;
  const tabs: Tab[] = [];
  const tab = async (options?: Parameters<typeof openTab>[1]) => {
    const t = await openTab(e2e, options);
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

  it('loads in Arabic (rtl) with the commune name, then switches to French and Tamazight', async () => {
    const { page } = await tab();
    await page.goto('/');
    await expect.poll(() => htmlLangDir(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 30_000 }).toContain('بركان');
    await expect(page.getByRole('heading', { level: 2, name: 'الخدمات' }).isVisible()).resolves.toBe(true);

    await languageButton(page, ENDONYM.fr).click();
    await expect.poll(() => htmlLangDir(page)).toEqual({ lang: 'fr', dir: 'ltr' });
    await page.getByRole('heading', { level: 2, name: 'Services' }).waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/Portail de la commune de /);
    await expect(page.getByRole('link', { name: 'Accueil' }).isVisible()).resolves.toBe(true);

    await languageButton(page, ENDONYM.zgh).click();
    await expect.poll(async () => (await htmlLangDir(page)).lang).toMatch(/^zgh/);
    expect((await htmlLangDir(page)).dir).toBe('ltr');
    // Tifinagh text of its own (the page's title: ⵎⴰⴷⵉⵏⴰ), and the untranslated texts shown in
    // Arabic, each tagged lang="ar" and visibly marked (data-i18n-fallback, dotted underline).
    await expect.poll(() => page.title()).toMatch(/[\u2D30-\u2D7F]/);
    const fallbacks = page.locator('main [data-i18n-fallback="ar"][lang="ar"]');
    await expect.poll(() => fallbacks.count(), { message: 'untranslated Tamazight texts are marked as fallbacks' }).toBeGreaterThan(0);
    await expect(page.getByText('الترجمة إلى الأمازيغية قيد الإنجاز', { exact: false }).isVisible()).resolves.toBe(true);

    // The choice is remembered on the next visit.
    await page.reload();
    await expect.poll(async () => (await htmlLangDir(page)).lang).toMatch(/^zgh/);
  });

  it("draws the commune's boundary on the map, with no request to another host", async () => {
    const { page, requests } = await tab();
    await page.goto('/map');
    await page.getByRole('heading', { level: 1, name: 'خريطة الجماعة' }).waitFor();
    await page.waitForFunction(
      () => {
        const map = (globalThis as unknown as { __madinaMap?: MapLike }).__madinaMap;
        return !!map && map.loaded() && map.isSourceLoaded('communes');
      },
      undefined,
      { timeout: 60_000 },
    );
    const drawn = await page.evaluate(() => {
      const map = (globalThis as unknown as { __madinaMap: MapLike }).__madinaMap;
      const pick = (features: MapFeature[]) => features.map((f) => ({ role: f.properties.role, slug: f.properties.slug }));
      return {
        source: pick(map.querySourceFeatures('communes')),
        rendered: pick(map.queryRenderedFeatures({ layers: ['commune-fill', 'commune-line'] })),
      };
    });
    expect(drawn.source).toContainEqual({ role: 'self', slug: 'berkane' });
    expect(drawn.rendered, 'the boundary of the commune is rendered on screen').toContainEqual({ role: 'self', slug: 'berkane' });
    expect(drawn.source.some((f) => f.role === 'neighbour')).toBe(true);
    // The names listed beside the map, as text.
    await expect(page.getByRole('heading', { level: 2 }).first().isVisible()).resolves.toBe(true);
    await settle(page);
    await screenshot(page, 'map-drawn-ar');
    expect(foreignRequests(requests), 'requests to a host other than this server').toEqual([]);
    expect(requests.length).toBeGreaterThan(3);
  });

  it('finds a place by name typed without its hamza and brings the map to it', async () => {
    const { page } = await tab();
    await page.goto('/map');
    await page.waitForFunction(() => (globalThis as unknown as { __madinaMap?: MapLike }).__madinaMap?.loaded() === true, undefined, {
      timeout: 60_000,
    });
    await page.getByRole('searchbox', { name: 'ابحث عن مكان' }).fill('احفير');
    await page.getByRole('button', { name: 'بحث', exact: true }).click();
    const result = page.getByRole('button', { name: /أحفير/ }).first();
    await result.waitFor();
    await result.click();
    // The map flies to Ahfir's label point (from ../shared/data/morocco), east of Berkane.
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const map = (globalThis as unknown as { __madinaMap: { getCenter(): { lng: number; lat: number }; isMoving(): boolean } })
              .__madinaMap;
            return map.isMoving() ? null : map.getCenter();
          }),
        { timeout: 20_000 },
      )
      .toMatchObject({ lng: expect.closeTo(-2.101643, 3), lat: expect.closeTo(34.951532, 3) });
    await page.getByRole('searchbox').fill('zzqqxx');
    await page.getByRole('button', { name: 'بحث', exact: true }).click();
    await page.getByText('لم يُعثر على أي مكان باسم «zzqqxx».').waitFor();
    await settle(page);
    await screenshot(page, 'map-search-ar');
  });

  it('shows a localized 404 page for an unknown path', async () => {
    const { page } = await tab();
    const response = await page.goto('/no-such-page/here');
    expect(response?.status()).toBe(200); // the web app's router answers, not a bare server 404
    await page.getByRole('heading', { level: 1, name: 'الصفحة غير موجودة' }).waitFor();
    await expect(page.getByRole('link', { name: 'العودة إلى الصفحة الرئيسية' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'not-found-ar');

    await languageButton(page, ENDONYM.fr).click();
    await page.getByRole('heading', { level: 1, name: 'Page introuvable' }).waitFor();
    await screenshot(page, 'not-found-fr');
    await page.getByRole('link', { name: "Revenir à l'accueil" }).click();
    await page.getByRole('heading', { level: 2, name: 'Services' }).waitFor();

    const office = await tab({ locale: 'fr' });
    await office.page.goto('/office/no-such-tool');
    // Signed out, the office shows its sign-in page for any of its paths.
    await office.page.getByRole('heading', { level: 1 }).first().waitFor();
  });

  it('shows a retry, not a blank page, when the connection is lost', async () => {
    const { page, context } = await tab();
    await page.goto('/');
    await page.getByRole('heading', { level: 2, name: 'الخدمات' }).waitFor();
    await settle(page);

    await context.setOffline(true);
    // The map page needs its data (and its lazy chunk) from the server.
    await page.getByRole('navigation', { name: 'التنقل الرئيسي' }).getByRole('link', { name: 'الخريطة' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'انقطع الاتصال' }).first();
    await alert.waitFor({ timeout: 60_000 });
    const retry = alert.getByRole('button', { name: 'إعادة المحاولة' });
    await expect(retry.isVisible()).resolves.toBe(true);
    // The frame of the page stays: heading, navigation, footer.
    await expect(page.getByRole('heading', { level: 1, name: 'خريطة الجماعة' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('contentinfo').isVisible()).resolves.toBe(true);
    await screenshot(page, 'offline-ar');

    await context.setOffline(false);
    await retry.click();
    // One retry, once the connection is back, brings the map (data and chunk) back.
    await page.waitForFunction(() => !!(globalThis as unknown as { __madinaMap?: MapLike }).__madinaMap, undefined, { timeout: 60_000 });
    await screenshot(page, 'offline-recovered-ar');
    await expect(page.getByRole('alert').filter({ hasText: 'انقطع الاتصال' }).count()).resolves.toBe(0);
  });

  it('shows a retry when a part of the app (the office) cannot be downloaded, and recovers with it', async () => {
    const { page, context } = await tab();
    await page.goto('/');
    await page.getByRole('heading', { level: 2, name: 'الخدمات' }).waitFor();
    await settle(page);

    await context.setOffline(true);
    // The office is a lazy chunk (and its messages) that the portal never downloaded.
    await page.getByRole('contentinfo').getByRole('link', { name: 'فضاء الموظفين' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'انقطع الاتصال' }).first();
    await alert.waitFor({ timeout: 60_000 });
    await screenshot(page, 'offline-office-chunk-ar');

    await context.setOffline(false);
    await alert.getByRole('button', { name: 'إعادة المحاولة' }).click();
    await page.getByRole('heading', { level: 1, name: 'تسجيل الدخول إلى فضاء الموظفين' }).waitFor({ timeout: 60_000 });
  });
});
