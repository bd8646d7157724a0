import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
let inside: { lat: number; lon: number };
beforeAll(async () => {
  t = await createTestApp({ REPORT_RATE_LIMIT: '3' });
  const { rows } = await sql<{ lat: number; lon: number }>`
    SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lon FROM platform.commune WHERE code = 'berkane'`.execute(
    t.database.db.kysely,
  );
  inside = rows[0]!;
});
afterAll(() => t.close());

const file = (headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: { category: 'pothole', location: inside, description: 'Trou' },
    headers,
  });
const reports = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM reports.report`.execute(t.database.db.kysely)).rows[0]!.n;

describe('anonymous submission limits', () => {
  it('refuses past the hourly limit per device with a localized 429 and Retry-After, storing nothing', async () => {
    const device = { 'x-device-id': 'device-aaaaaaaa' };
    for (let i = 0; i < 3; i++) expect((await file(device)).statusCode).toBe(201);
    const before = await reports();
    const refused = await file({ ...device, 'accept-language': 'fr' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().detail).toMatch(/Réessayez|réessayer|Trop/);
    const arabic = await file({ ...device, 'accept-language': 'ar' });
    expect(arabic.statusCode).toBe(429);
    expect(arabic.json().title).not.toBe(refused.json().title);
    expect(await reports()).toBe(before);
  });

  it('counts per address too: another device from the same address is refused', async () => {
    expect((await file({ 'x-device-id': 'device-bbbbbbbb' })).statusCode).toBe(429);
  });

  it('does not limit signed-in staff filing on a citizen’s behalf', async () => {
    const agent = await loginAs(t, 'agent');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: as(agent),
      payload: { category: 'pothole', location: inside, description: 'Signalé au guichet' },
    });
    expect(response.statusCode, response.body).toBe(201);
  });
});
