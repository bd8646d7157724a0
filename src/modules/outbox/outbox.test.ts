import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
let admin: Session;
let supervisor: Session;
beforeAll(async () => {
  t = await createTestApp({ REPORT_RATE_LIMIT: '0' });
  admin = await loginAs(t, 'admin');
  supervisor = await loginAs(t, 'supervisor');
});
afterAll(() => t.close());

describe('the outbox', () => {
  it("shows an admin the commune's mail and SMS written to the data folder, newest first, and nothing of other communes", async () => {
    const { rows } = await sql<{ lat: number; lon: number }>`
      SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lon FROM platform.commune WHERE code = 'berkane'`.execute(
      t.database.db.kysely,
    );
    const filed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'accept-language': 'fr' },
      payload: { category: 'pothole', location: rows[0], description: 'Trou', contact: { email: 'a@example.org', phone: '0600000000' } },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    await t.platform.jobs.drain();
    // A message of another commune in the same folder.
    const foreign = {
      id: 'x',
      channel: 'mail',
      communeId: '00000000-0000-4000-8000-000000000000',
      to: 'b@example.org',
      subject: 'other',
      text: 'other',
      language: 'fr',
      at: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(t.config.dataDir, 'mail', 'foreign.json'), JSON.stringify(foreign));

    const response = await t.app.inject({ url: '/api/v1/outbox', headers: as(admin) });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.gateway).toEqual({ mail: false, sms: false });
    expect(body.items.map((m: { channel: string; to: string }) => `${m.channel}:${m.to}`).sort()).toEqual([
      'mail:a@example.org',
      'sms:0600000000',
    ]);
    const mail = body.items.find((m: { channel: string }) => m.channel === 'mail');
    expect(mail.subject).toBe(`Signalement n° ${filed.json().report.number} reçu`);
    expect(mail.text).toContain(filed.json().trackingUrl);
    expect((await t.app.inject({ url: '/api/v1/outbox?channel=sms', headers: as(admin) })).json().items).toHaveLength(1);
  });

  it('is for admins only', async () => {
    expect((await t.app.inject({ url: '/api/v1/outbox', headers: as(supervisor) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/outbox' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/outbox?channel=fax', headers: as(admin) })).statusCode).toBe(400);
  });
});
