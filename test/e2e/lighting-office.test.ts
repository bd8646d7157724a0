// Public lighting in the office, in a real browser: a few demo controllers publish readings over
// MQTT to the server's embedded broker (on, dimmed, off, a lamp failure), the energy rollup runs,
// and the supervisor finds each lamp's live state on the map (legend counts, a lamp's panel), in
// the list, and the month's energy chart and table; then each page in Arabic and French, on a
// phone and at desktop width: axe-core and screenshots.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectDevice, waitUntil } from '../helpers/telemetry.js';
import {
  checkPage,
  DEMO,
  type E2E,
  E2E_TIMEOUT,
  e2eSkipReason,
  keepFailureArtifacts,
  openTab,
  startE2E,
  type Tab,
  waitForMap,
} from './harness.js';

const DESKTOP = { width: 1280, height: 900 };
const SIGN_IN = {
  ar: { email: 'البريد الإلكتروني', password: 'كلمة المرور', submit: 'تسجيل الدخول', hello: /^مرحبًا،/ },
  fr: { email: 'Adresse électronique', password: 'Mot de passe', submit: 'Se connecter', hello: /^Bonjour,/ },
} as const;

/** The demo lamps that report, and the state each one's last reading gives it. */
const LAMPS = [
  { id: 'berkane-l-00001', code: 'L-00001', last: { powerState: 'on', dimLevel: 100, powerConsumption: 118 } },
  { id: 'berkane-l-00002', code: 'L-00002', last: { powerState: 'on', dimLevel: 50, powerConsumption: 60 } },
  { id: 'berkane-l-00003', code: 'L-00003', last: { powerState: 'off', dimLevel: 0, powerConsumption: 0.6 } },
  { id: 'berkane-l-00004', code: 'L-00004', last: { powerState: 'on', dimLevel: 100, powerConsumption: 1.5, faults: ['lamp_failure'] } },
] as const;

async function signIn(page: Page, locale: 'ar' | 'fr') {
  const text = SIGN_IN[locale];
  await page.goto('/office');
  await page.getByRole('textbox', { name: text.email }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: text.email }).fill('supervisor@berkane.example');
  await page.getByLabel(text.password, { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: text.submit, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: text.hello }).waitFor();
}

const localDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca', dateStyle: 'short' }).format(at);

describe.skipIf(e2eSkipReason !== null)('public lighting in the office', { timeout: E2E_TIMEOUT }, () => {
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
    // The embedded broker listens on a port of its own in tests: /ready says which.
    const ready = (await (await fetch(`${e2e.url}/ready`)).json()) as { mqtt?: { listener?: { port?: number } } };
    const port = ready.mqtt?.listener?.port;
    if (!port) throw new Error(`no MQTT listener in /ready: ${JSON.stringify(ready)}`);
    // The admin gives the reporting controllers their secrets, as staff provision real ones.
    const login = await fetch(`${e2e.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const admin = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
    const now = Date.now();
    for (const lamp of LAMPS) {
      const renewed = await fetch(`${e2e.url}/api/v1/lighting/devices/${lamp.id}/secret`, { method: 'POST', headers: admin, body: '{}' });
      expect(renewed.status, await renewed.clone().text()).toBe(200);
      const { secret, mqtt } = (await renewed.json()) as { secret: string; mqtt: { telemetryTopic: string } };
      const client = await connectDevice(`mqtt://127.0.0.1:${port}`, lamp.id, secret);
      // Three hours at about 100 W, then the state this lamp is in now.
      for (const [i, minutesAgo] of [180, 120, 60, 1].entries()) {
        const state = minutesAgo === 1 ? lamp.last : { powerState: 'on', dimLevel: 100, powerConsumption: 100 };
        const reading = {
          deviceId: lamp.id,
          observationDateTime: new Date(now - minutesAgo * 60_000).toISOString(),
          energyConsumed: 500 + i * 0.1,
          faults: [],
          ...state,
        };
        await client.publishAsync(mqtt.telemetryTopic, JSON.stringify(reading), { qos: 1 });
      }
      await client.endAsync();
    }
    await waitUntil('the four lamps’ states', async () => {
      const facets = await fetch(`${e2e.url}/api/v1/lighting/inventory/facets`, { headers: { cookie } });
      const { states } = (await facets.json()) as { states: { state: string; count: number }[] };
      return ['on', 'dimmed', 'off', 'fault'].every((s) => states.some((x) => x.state === s && x.count === 1));
    });
    const rollup = await fetch(`${e2e.url}/api/v1/lighting/energy/rollup`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ from: localDate(new Date(now - 86_400_000)), to: localDate(new Date(now)) }),
    });
    expect(rollup.status, await rollup.clone().text()).toBe(200);
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

  it('the map shows every lamp by its live state; a lamp opens its panel; the list filters by state', async () => {
    const { page } = await tab('fr', true);
    await signIn(page, 'fr');
    await page
      .getByRole('navigation', { name: "Outils de l'espace du personnel" })
      .getByRole('link', { name: 'Éclairage public', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Éclairage public : carte' }).waitFor();
    await waitForMap(page);
    const legend = page.getByTestId('lighting-legend');
    // French as written in Morocco (fr-MA): a point between thousands, a comma before decimals.
    for (const [state, text] of [
      ['on', 'Allumé : 1'],
      ['dimmed', 'Abaissé : 1'],
      ['off', 'Éteint : 1'],
      ['fault', 'En panne : 1'],
      ['silent', 'Muet (sans message) : 2.996'],
    ] as const) {
      await expect.poll(() => legend.locator(`[data-state="${state}"]`).textContent()).toContain(text);
    }
    // Every lamp is a point of the map's source, with its state's colour.
    const drawn = await page.evaluate(() => {
      const map = (globalThis as unknown as { __madinaMap: { querySourceFeatures(s: string): { properties: { color: string } }[] } })
        .__madinaMap;
      const colors: Record<string, number> = {};
      for (const f of map.querySourceFeatures('points')) colors[f.properties.color] = (colors[f.properties.color] ?? 0) + 1;
      return colors;
    });
    expect(Object.values(drawn).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3000);
    expect(drawn['#b42318']).toBeGreaterThanOrEqual(1);

    // The failed lamp, from the list filtered by state, opens on the map with its readings.
    await page.goto('/office/lighting/list?state=fault');
    const list = page.getByTestId('lamp-list');
    await list.getByRole('link', { name: 'L-00004' }).click();
    const panel = page.getByTestId('lamp-panel');
    await panel.getByRole('heading', { name: 'L-00004' }).waitFor();
    await expect(panel.textContent()).resolves.toContain('En panne');
    await expect(panel.textContent()).resolves.toContain('lamp_failure');
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(4);
  });

  it('the energy page shows the month chart, its table, the totals and the retrofit simulator', async () => {
    const { page } = await tab('fr', true);
    await signIn(page, 'fr');
    await page.goto('/office/lighting/energy');
    await page.getByRole('heading', { level: 1, name: 'Éclairage public : énergie' }).waitFor();
    const chart = page.getByTestId('energy-chart');
    await chart.waitFor();
    // Four lamps, 0.3 kWh each over three hours, on their cabinets: bars for each cabinet.
    const bars = await chart.locator('rect.bar').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('width'))));
    expect(bars.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...bars)).toBeGreaterThan(0);
    const table = page.getByTestId('energy-table');
    await expect(table.locator('tbody tr').count()).resolves.toBe(bars.length);
    await expect(page.getByTestId('energy-totals').textContent()).resolves.toContain('1,2');
    await page.getByTestId('tariff-example').waitFor();
    await page.getByRole('textbox', { name: 'Prix d’une lampe posée (MAD)' }).fill('2500');
    await page.getByRole('textbox', { name: 'Heures de fonctionnement par an' }).fill('4000');
    await page.getByRole('button', { name: 'Calculer' }).click();
    const result = page.getByTestId('retrofit-result');
    await result.waitFor();
    await expect(result.textContent()).resolves.toContain('60.000');
  });

  for (const locale of ['ar', 'fr'] as const) {
    for (const desktop of [false, true]) {
      it(`the lighting pages pass axe in ${locale} at ${desktop ? 1280 : 360} px`, async () => {
        const { page } = await tab(locale, desktop);
        await signIn(page, locale);
        const size = desktop ? 'desktop' : 'phone';
        await page.goto(`/office/lighting?lamp=${await lampId(e2e, 'L-00004')}`);
        await waitForMap(page);
        await page.getByTestId('lamp-panel').waitFor();
        await checkPage(page, `lighting-map-${locale}-${size}`, !desktop);
        await page.goto('/office/lighting/list');
        await page.getByTestId('lamp-list').waitFor();
        await checkPage(page, `lighting-list-${locale}-${size}`, !desktop);
        await page.goto('/office/lighting/energy');
        await page.getByTestId('energy-chart').waitFor();
        await checkPage(page, `lighting-energy-${locale}-${size}`, !desktop);
      });
    }
  }
});

async function lampId(e2e: E2E, code: string): Promise<string> {
  const login = await fetch(`${e2e.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const res = await fetch(`${e2e.url}/api/v1/lighting/luminaires?state=fault`, { headers: { cookie } });
  const { items } = (await res.json()) as { items: { id: string; code: string }[] };
  const found = items.find((i) => i.code === code);
  if (!found) throw new Error(`no lamp ${code}`);
  return found.id;
}
