import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createCommuneFromArea(t.database.db, 'saidia', { hosts: ['saidia.localhost'] }, { type: 'cli', id: null, label: 'test' });
});
afterAll(() => t.close());

describe('communes', () => {
  it('describes the commune with its real boundary, census figures and the attribution they require', async () => {
    const response = await t.app.inject({ url: '/api/v1/communes/current' });
    expect(response.statusCode).toBe(200);
    const c = response.json();
    expect(c).toMatchObject({
      code: 'berkane',
      officialCode: '02.113.01.09',
      name: { ar: 'بركان', fr: 'Berkane' },
      kind: 'urban',
      defaultLocale: 'ar',
      timeZone: 'Africa/Casablanca',
      isDemo: true,
    });
    expect(c.census).toMatchObject({ population2024: 99069, source: 'HCP, RGPH 2024 et RGPH 2014' });
    expect(c.attribution).toContain('OpenStreetMap');
    expect(c.attribution).toContain('HCP');
    expect(c.boundary.type).toBe('MultiPolygon');
    // The bbox given by the data's SOURCES.md: lon −2.3646..−2.2853, lat 34.8906..34.9572.
    const points = c.boundary.coordinates.flat(2) as [number, number][];
    expect(Math.min(...points.map((p) => p[0]))).toBeCloseTo(-2.3646, 3);
    expect(Math.max(...points.map((p) => p[1]))).toBeCloseTo(34.9572, 3);
  });

  it('draws the base map from its own data: the commune and its neighbours as GeoJSON', async () => {
    const response = await t.app.inject({ url: '/api/v1/communes/current/map' });
    expect(response.statusCode).toBe(200);
    const map = response.json();
    expect(map.type).toBe('FeatureCollection');
    expect(map.attribution).toContain('OpenStreetMap');
    const self = map.features.filter((f: { properties: { role: string } }) => f.properties.role === 'self');
    expect(self.map((f: { properties: { slug: string } }) => f.properties.slug)).toEqual(['berkane']);
    expect(self[0].geometry.type).toBe('MultiPolygon');
    const neighbours = map.features
      .filter((f: { properties: { role: string } }) => f.properties.role === 'neighbour')
      .map((f: { properties: { slug: string } }) => f.properties.slug);
    // Communes that touch Berkane are among its neighbours; Tafoughalt, 14 km south, is too.
    expect(neighbours).toEqual(expect.arrayContaining(['sidi-slimane-echcharaa', 'fezouane', 'ain-erreggada', 'tafoughalt']));
    expect(neighbours).not.toContain('berkane');
  });

  it('serves another commune on its own host name, with none of Berkane in it', async () => {
    const saidia = await t.app.inject({ url: '/api/v1/communes/current', headers: { host: 'saidia.localhost:8080' } });
    expect(saidia.json()).toMatchObject({ code: 'saidia', name: { ar: 'السعيدية' }, census: { population2024: 10514 } });
    const list = await t.app.inject({ url: '/api/v1/communes' });
    expect(list.json().items.map((c: { code: string }) => c.code)).toEqual(['berkane', 'saidia']);

    // A Berkane session means nothing on Saidia's host, and Berkane's accounts do not exist there.
    const berkaneAdmin = await loginAs(t, 'admin');
    expect((await t.app.inject({ url: '/api/v1/me', headers: { ...as(berkaneAdmin), host: 'saidia.localhost' } })).statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { host: 'saidia.localhost' },
      payload: { email: 'admin@berkane.example', password: 'berkane-demo-2026' },
    });
    expect(login.statusCode).toBe(401);
  });
});
