// The office's GIS pages in a real browser: a supervisor creates a public layer with a typed
// attribute schema, draws a point and a polygon inside Berkane's real boundary with the mouse (and a
// point from the keyboard), edits an attribute, undoes the edit, and the layer's OGC API items and
// vector tiles show each state at once. Then every page, in Arabic and French, on a phone and at
// desktop width: axe-core and screenshots.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { sql } from 'kysely';
import Protobuf from 'pbf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
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
  settle,
  startE2E,
  type Tab,
  waitForMap,
} from './harness.js';

const DESKTOP = { width: 1280, height: 900 };
/** Points in the imported shapefile: several batches of the job, so that its progress moves. */
const IMPORTED = 1800;

const TEXT = {
  ar: {
    form: { email: 'البريد الإلكتروني', password: 'كلمة المرور', submit: 'تسجيل الدخول' },
    signin: 'تسجيل الدخول إلى فضاء الموظفين',
    hello: /^مرحبًا،/,
    nav: 'أدوات فضاء الموظفين',
    gis: 'نظام المعلومات الجغرافية',
    layers: 'الطبقات الجغرافية',
    create: 'طبقة جديدة',
    layer: (title: string) => `الطبقة: ${title}`,
    pick: 'اختيار عنصر ظاهر',
  },
  fr: {
    form: { email: 'Adresse électronique', password: 'Mot de passe', submit: 'Se connecter' },
    signin: "Connexion à l'espace du personnel",
    hello: /^Bonjour,/,
    nav: "Outils de l'espace du personnel",
    gis: 'Information géographique (SIG)',
    layers: 'Couches géographiques',
    create: 'Nouvelle couche',
    layer: (title: string) => `Couche : ${title}`,
    pick: 'Choisir un objet visible',
  },
} as const;

type Xy = { x: number; y: number };
interface TestMap {
  loaded(): boolean;
  jumpTo(options: { center: [number, number]; zoom: number }): void;
  project(lngLat: [number, number]): Xy;
  getCanvas(): { getBoundingClientRect(): { left: number; top: number } };
  once(event: string, fn: () => void): void;
  queryRenderedFeatures(geometry: undefined, options: { layers: string[] }): { properties: Record<string, unknown> }[];
}

async function signIn(page: Page, locale: 'ar' | 'fr', email: string) {
  const text = TEXT[locale];
  await page.goto('/office');
  await page.getByRole('heading', { level: 1, name: text.signin }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: text.form.email }).fill(email);
  await page.getByLabel(text.form.password, { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: text.form.submit, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: text.hello }).waitFor();
}

/** Looks at a place (through the test hook) and waits until the map has drawn it. */
async function lookAt(page: Page, center: [number, number], zoom: number) {
  await page.locator('.gis-map').scrollIntoViewIfNeeded();
  await page.evaluate(
    ([lon, lat, z]) =>
      new Promise<void>((resolve) => {
        const map = (globalThis as unknown as { __madinaMap: TestMap }).__madinaMap;
        map.once('idle', () => resolve());
        map.jumpTo({ center: [lon as number, lat as number], zoom: z as number });
      }),
    [center[0], center[1], zoom],
  );
  await settle(page, 300);
}

/** Where a longitude/latitude is on the screen (the page's coordinates, for the mouse). */
async function screenPoint(page: Page, lonLat: [number, number]): Promise<Xy> {
  return page.evaluate(([lon, lat]) => {
    const map = (globalThis as unknown as { __madinaMap: TestMap }).__madinaMap;
    const p = map.project([lon as number, lat as number]);
    const box = map.getCanvas().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, lonLat);
}

async function clickMap(page: Page, lonLat: [number, number]) {
  const { x, y } = await screenPoint(page, lonLat);
  await page.mouse.move(x, y, { steps: 4 });
  await page.mouse.click(x, y);
}

interface OgcItems {
  numberMatched: number;
  features: { id: number; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[];
}

/** The tile (x, y) holding a point at zoom z (Web Mercator, as the server cuts them). */
function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return {
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  };
}

/**
 * A zipped shapefile in Lambert Nord Maroc (EPSG:26191, with its .prj) of `count` named points on
 * a grid around `center` (test data, inside the commune), written by GDAL's ogr2ogr.
 */
async function lambertShapefile(dir: string, center: [number, number], count: number): Promise<string> {
  const side = Math.ceil(Math.sqrt(count));
  const features = Array.from({ length: count }, (_, i) => ({
    type: 'Feature',
    properties: { name: `point ${i + 1}` },
    geometry: {
      type: 'Point',
      coordinates: [center[0] - 0.004 + (0.008 * (i % side)) / side, center[1] - 0.004 + (0.008 * Math.floor(i / side)) / side],
    },
  }));
  const source = path.join(dir, 'points.geojson');
  fs.writeFileSync(source, JSON.stringify({ type: 'FeatureCollection', features }));
  execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:26191', path.join(dir, 'lambert.shp'), source]);
  const zip = new yazl.ZipFile();
  for (const ext of ['shp', 'shx', 'dbf', 'prj']) zip.addFile(path.join(dir, `lambert.${ext}`), `lambert.${ext}`);
  zip.end();
  const file = path.join(dir, 'lambert-nord-maroc.zip');
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject);
  });
  return file;
}

describe.skipIf(e2eSkipReason !== null)('the GIS pages of the office', { timeout: E2E_TIMEOUT }, () => {
  let e2e: E2E;
  const tabs: Tab[] = [];
  let inside: [number, number];
  const stamp = Date.now().toString(36);
  const code = `parcs-${stamp}`;
  const title = { ar: `الحدائق ${stamp}`, fr: `Parcs ${stamp}` };

  const tab = async (options: { locale?: Locale; desktop?: boolean; axe?: boolean } = {}) => {
    const t = await openTab(e2e, { bypassCSP: options.axe ?? false, ...(options.locale ? { locale: options.locale } : {}) });
    if (options.desktop) await t.page.setViewportSize(DESKTOP);
    tabs.push(t);
    return t;
  };
  const items = async (): Promise<OgcItems> => {
    const response = await fetch(`${e2e.url}/ogc/collections/${code}/items?f=json&limit=100`);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as OgcItems;
  };
  /** The names in the layer's tile around `at` (the portal's map reads these tiles). */
  const namesInTile = async (at: [number, number]) => {
    const z = 15;
    const { x, y } = tileOf(at[0], at[1], z);
    const response = await fetch(`${e2e.url}/tiles/${code}/${z}/${x}/${y}.mvt`);
    if (response.status === 204) return [];
    expect(response.status).toBe(200);
    const tile = new VectorTile(new Protobuf(new Uint8Array(await response.arrayBuffer())));
    const layer = Object.values(tile.layers)[0];
    return layer ? Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties.name) : [];
  };

  beforeAll(async () => {
    // A point inside Berkane's real boundary, from the same seeded data the server runs on.
    const database = await createTestDatabase();
    try {
      const { rows } = await sql<{ lat: number; lon: number }>`
        SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lon
        FROM platform.commune WHERE code = 'berkane'`.execute(database.db.kysely);
      const point = rows[0]!;
      inside = [point.lon, point.lat];
    } finally {
      await database.drop();
    }
    e2e = await startE2E();
  }, 400_000);

  beforeEach((context) => {
    keepFailureArtifacts(context, tabs);
    context.onTestFailed(() => {
      if (e2e && !e2e.server.alive()) console.log(`[e2e] the server exited:\n${e2e.server.output().slice(-3000)}`);
    });
  });

  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => {});
    await e2e?.stop();
  });

  it('a supervisor creates a public layer, draws a point and a polygon, edits, undoes; OGC API and the tiles follow', async () => {
    const { page } = await tab({ desktop: true });
    await signIn(page, 'ar', 'supervisor@berkane.example');
    await expect.poll(() => htmlLangDir(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    await page.getByRole('navigation', { name: TEXT.ar.nav }).getByRole('link', { name: TEXT.ar.gis, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: TEXT.ar.layers }).waitFor();

    // The layer: any geometry (points and polygons), a required name and an optional area.
    await page.getByRole('link', { name: TEXT.ar.create }).click();
    await page.getByRole('heading', { level: 1, name: TEXT.ar.create }).waitFor();
    await page.getByRole('textbox', { name: 'الرمز' }).fill(code);
    const layerTitle = page.getByRole('group', { name: 'اسم الطبقة' });
    await layerTitle.getByRole('textbox', { name: 'العربية' }).fill(title.ar);
    await layerTitle.getByRole('textbox', { name: 'Français' }).fill(title.fr);
    await page.getByRole('button', { name: /نوع الأشكال/ }).click();
    await page.getByRole('option', { name: 'أشكال من كل نوع' }).click();
    await page.getByRole('button', { name: 'إضافة خاصية' }).click();
    await page.getByRole('textbox', { name: 'الاسم التقني' }).nth(0).fill('name');
    const nameTitle = page.getByRole('group', { name: 'عنوان «name»' });
    await nameTitle.getByRole('textbox', { name: 'العربية' }).fill('الاسم');
    await nameTitle.getByRole('textbox', { name: 'Français' }).fill('Nom');
    await page.locator('label.checkbox', { hasText: 'إلزامية' }).first().click();
    await page.getByRole('button', { name: 'إضافة خاصية' }).click();
    await page.getByRole('textbox', { name: 'الاسم التقني' }).nth(1).fill('area_ha');
    await page.getByRole('button', { name: /النوع/ }).nth(1).click();
    await page.getByRole('option', { name: 'عدد', exact: true }).click();
    const areaTitle = page.getByRole('group', { name: 'عنوان «area_ha»' });
    await areaTitle.getByRole('textbox', { name: 'العربية' }).fill('المساحة (هكتار)');
    await areaTitle.getByRole('textbox', { name: 'Français' }).fill('Surface (ha)');
    await page.locator('label.checkbox', { hasText: 'طبقة عمومية' }).click();
    await page.getByRole('button', { name: 'إنشاء الطبقة' }).click();

    await page.getByRole('heading', { level: 1, name: TEXT.ar.layer(title.ar) }).waitFor();
    await waitForMap(page);
    await lookAt(page, inside, 16);

    // A point, clicked on the map: its form asks for the name (required by the schema).
    await page.getByRole('radio', { name: 'نقطة', exact: true }).click();
    const pointAt: [number, number] = [inside[0] - 0.0008, inside[1] + 0.0006];
    await clickMap(page, pointAt);
    await page.getByRole('heading', { level: 2, name: 'عنصر جديد (غير محفوظ)' }).waitFor();
    // Saved without its required name: the server's refusal shows beside the field, nothing stored.
    await page.getByRole('button', { name: 'حفظ', exact: true }).click();
    await page.locator('.gis-feature-form input[aria-invalid="true"]').first().waitFor();
    expect((await items()).numberMatched).toBe(0);
    await page.getByRole('textbox', { name: 'الاسم' }).fill(`نافورة ${stamp}`);
    await page.getByRole('button', { name: 'حفظ', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /حُفظ العنصر رقم/ })
      .waitFor();

    // A point far from the commune, typed from the keyboard: the server's refusal shows beside the form.
    await page.getByText('الرسم بلوحة المفاتيح').click();
    await page.getByRole('textbox', { name: 'خط الطول' }).fill('-5.0');
    await page.getByRole('textbox', { name: 'خط العرض' }).fill('34.0');
    await page.getByRole('button', { name: 'وضع النقطة في هذه الإحداثيات' }).click();
    await page.getByRole('heading', { level: 2, name: 'عنصر جديد (غير محفوظ)' }).waitFor();
    await page.getByRole('textbox', { name: 'الاسم' }).fill(`بعيد ${stamp}`);
    await page.getByRole('button', { name: 'حفظ', exact: true }).click();
    await page.locator('.gis-editor-form .form-problem').waitFor();
    expect((await items()).numberMatched).toBe(1);
    await page.getByRole('button', { name: 'التخلي عن التغيير' }).click();
    await page.getByRole('heading', { level: 2, name: 'لا عنصر محدد' }).waitFor();

    // A polygon around the centre: four corners, then the first again to close it.
    await page.getByRole('radio', { name: 'مضلع', exact: true }).click();
    const d = 0.0004;
    const corners: [number, number][] = [
      [inside[0] - d, inside[1] - d],
      [inside[0] + d, inside[1] - d],
      [inside[0] + d, inside[1] + d],
      [inside[0] - d, inside[1] + d],
    ];
    for (const corner of corners) await clickMap(page, corner);
    await clickMap(page, corners[0]!);
    await page.getByRole('heading', { level: 2, name: 'عنصر جديد (غير محفوظ)' }).waitFor();
    await page.getByRole('textbox', { name: 'الاسم' }).fill(`حديقة ${stamp}`);
    await page.getByRole('spinbutton', { name: 'المساحة (هكتار)' }).fill('0.8');
    await page.getByRole('button', { name: 'حفظ', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /حُفظ العنصر رقم/ })
      .waitFor();
    await screenshot(page, 'gis-office-editor-polygon-ar-desktop');

    let saved = await items();
    expect(saved.numberMatched).toBe(2);
    const polygon = saved.features.find((f) => f.geometry.type === 'Polygon');
    expect(polygon?.properties).toMatchObject({ name: `حديقة ${stamp}`, area_ha: 0.8 });
    expect(saved.features.find((f) => f.geometry.type === 'Point')?.properties.name).toBe(`نافورة ${stamp}`);
    // A public layer: the portal map's tiles have the new features at once.
    await expect(namesInTile(inside)).resolves.toContain(`حديقة ${stamp}`);
    await expect(namesInTile(pointAt)).resolves.toContain(`نافورة ${stamp}`);
    // The portal's map draws them (anonymous visitor), with a box to hide the layer.
    const portal = await tab({ locale: 'ar', desktop: true });
    await portal.page.goto('/map');
    await waitForMap(portal.page);
    const layerBox = portal.page.getByRole('checkbox', { name: title.ar });
    await expect(layerBox.isChecked()).resolves.toBe(true);
    const drawnNames = () =>
      portal.page.evaluate(
        ([lon, lat, c]) =>
          new Promise<string[]>((resolve) => {
            const map = (globalThis as unknown as { __madinaMap: TestMap }).__madinaMap;
            map.once('idle', () =>
              resolve(
                map.queryRenderedFeatures(undefined, { layers: [`gis-${c}-fill`, `gis-${c}-point`] }).map((f) => String(f.properties.name)),
              ),
            );
            map.jumpTo({ center: [lon as number, lat as number], zoom: 16 });
          }),
        [inside[0], inside[1], code] as const,
      );
    await expect.poll(drawnNames, { timeout: 30_000 }).toEqual(expect.arrayContaining([`حديقة ${stamp}`, `نافورة ${stamp}`]));
    await screenshot(portal.page, 'gis-portal-layer-ar-desktop');
    await layerBox.uncheck();
    await expect.poll(drawnNames, { timeout: 30_000 }).toEqual([]);

    // An attribute edited, then undone: the inverse request puts the old value back.
    await page.getByRole('textbox', { name: 'الاسم' }).fill(`حديقة النخيل ${stamp}`);
    await page.getByRole('button', { name: 'حفظ', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /حُفظ العنصر رقم/ })
      .waitFor();
    saved = await items();
    expect(saved.features.find((f) => f.id === polygon?.id)?.properties.name).toBe(`حديقة النخيل ${stamp}`);
    await expect(namesInTile(inside)).resolves.toContain(`حديقة النخيل ${stamp}`);
    await page.getByRole('button', { name: `تراجع: تعديل العنصر ${polygon?.id}` }).click();
    await page.getByRole('status').filter({ hasText: 'استُرجعت الحالة السابقة' }).waitFor();
    await expect(page.getByRole('textbox', { name: 'الاسم' }).inputValue()).resolves.toBe(`حديقة ${stamp}`);
    saved = await items();
    expect(saved.features.find((f) => f.id === polygon?.id)?.properties.name).toBe(`حديقة ${stamp}`);

    // A point from the keyboard, at the map's centre; then undoing its creation deletes it.
    await page.getByRole('button', { name: 'وضع النقطة في مركز الخريطة' }).click();
    await page.getByRole('heading', { level: 2, name: 'عنصر جديد (غير محفوظ)' }).waitFor();
    await page.getByRole('textbox', { name: 'الاسم' }).fill(`مقعد ${stamp}`);
    await page.getByRole('button', { name: 'حفظ', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /حُفظ العنصر رقم/ })
      .waitFor();
    expect((await items()).numberMatched).toBe(3);
    await page.getByRole('button', { name: /^تراجع: إلغاء إضافة العنصر/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /أُلغيت إضافة العنصر/ })
      .waitFor();
    saved = await items();
    expect(saved.numberMatched).toBe(2);
    expect(saved.features.map((f) => f.properties.name)).not.toContain(`مقعد ${stamp}`);

    // A Lambert Nord Maroc shapefile (CRS read from its .prj), imported as a background job.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gis-office-'));
    try {
      const zip = await lambertShapefile(dir, inside, IMPORTED);
      // As bytes: the browser reads a file given by its path only when it sends it.
      await page
        .locator('input[type="file"]')
        .setInputFiles({ name: path.basename(zip), mimeType: 'application/zip', buffer: fs.readFileSync(zip) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await page.getByRole('button', { name: 'بدء الاستيراد' }).click();
    // The progress bar shows from the moment the job is queued, then the result replaces it.
    await page.locator('.gis-job progress').waitFor();
    await screenshot(page, 'gis-office-import-running-ar-desktop');
    await page.locator('.gis-job').getByText('اكتمل الاستيراد.', { exact: true }).waitFor({ timeout: 120_000 });
    await page.locator('.gis-job progress').waitFor({ state: 'detached' });
    await expect(page.locator('.gis-result').textContent()).resolves.toContain('EPSG:26191');
    await screenshot(page, 'gis-office-import-done-ar-desktop');
    saved = await items();
    expect(saved.numberMatched).toBe(2 + IMPORTED);
    // Reprojected from Lambert to WGS 84: the first point back where it was generated (to the centimetre).
    const first = saved.features.find((f) => f.properties.name === 'point 1');
    expect(first?.geometry.type).toBe('Point');
    const [lon, lat] = (first?.geometry.coordinates ?? []) as number[];
    expect(lon).toBeCloseTo(inside[0] - 0.004, 6);
    expect(lat).toBeCloseTo(inside[1] - 0.004, 6);
  });

  const tours = [
    { locale: 'ar', desktop: false },
    { locale: 'fr', desktop: false },
    { locale: 'ar', desktop: true },
    { locale: 'fr', desktop: true },
  ] as const;
  for (const { locale, desktop } of tours) {
    const size = desktop ? 'desktop' : 'phone';
    it(`every GIS page in ${locale} on a ${size}: axe-core and screenshots`, { timeout: 300_000 }, async () => {
      expect((await items()).numberMatched, 'the journey above ran first').toBe(2 + IMPORTED);
      const text = TEXT[locale];
      const { page } = await tab({ locale, desktop, axe: true });
      await signIn(page, locale, 'supervisor@berkane.example');
      const name = (what: string) => `gis-office-${what}-${locale}-${size}`;

      await page.goto('/office/gis');
      await page.getByRole('heading', { level: 1, name: text.layers }).waitFor();
      await page.getByRole('link', { name: title[locale] }).first().waitFor();
      await checkPage(page, name('layers'), !desktop);

      await page.goto('/office/gis/new');
      await page.getByRole('heading', { level: 1, name: text.create }).waitFor();
      await page.getByRole('button', { name: locale === 'ar' ? 'إضافة خاصية' : 'Ajouter un attribut' }).click();
      await checkPage(page, name('create'), !desktop);

      await page.goto(`/office/gis/layers/${code}`);
      await page.getByRole('heading', { level: 1, name: text.layer(title[locale]) }).waitFor();
      await waitForMap(page);
      await lookAt(page, inside, 16);
      // The polygon, chosen from the list of features in view (the keyboard's way to select).
      await page.getByRole('button', { name: new RegExp(text.pick) }).click();
      await page.getByRole('option', { name: new RegExp(`^${locale === 'ar' ? 'حديقة' : 'حديقة'} ${stamp}`) }).click();
      await page.getByRole('textbox', { name: locale === 'ar' ? 'الاسم' : 'Nom' }).waitFor();
      await checkPage(page, name('editor'), !desktop);
    });
  }
});
