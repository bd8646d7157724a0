import fs from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { multipart } from '../../../test/helpers/multipart.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';
import { withCommune } from '../../platform/db/tenant.js';

let t: TestApp;
let supervisor: Session;
let technician: Session;
let inspector: Session;
/** A point inside Berkane's real boundary, and one in a neighbouring commune. */
let inside: { lat: number; lon: number };
let outside: { lat: number; lon: number };

beforeAll(async () => {
  t = await createTestApp({ REPORT_RATE_LIMIT: '0', PUBLIC_URL: 'https://berkane.example' });
  supervisor = await loginAs(t, 'supervisor');
  technician = await loginAs(t, 'technician');
  inspector = await loginAs(t, 'inspector');
  const { rows } = await sql<{ lat: number; lon: number; olat: number; olon: number }>`
    SELECT ST_Y(ST_PointOnSurface(c.boundary)) AS lat, ST_X(ST_PointOnSurface(c.boundary)) AS lon,
           ST_Y(ST_PointOnSurface(a.boundary)) AS olat, ST_X(ST_PointOnSurface(a.boundary)) AS olon
      FROM platform.commune c, platform.admin_area a
     WHERE c.code = 'berkane' AND a.official_code <> c.official_code AND NOT ST_Intersects(a.boundary, c.boundary)
     LIMIT 1`.execute(t.database.db.kysely);
  inside = { lat: rows[0]!.lat, lon: rows[0]!.lon };
  outside = { lat: rows[0]!.olat, lon: rows[0]!.olon };
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);
/** A point `metres` north of `p` (1° of latitude ≈ 111.2 km). */
const north = (p: { lat: number; lon: number }, metres: number) => ({ lat: p.lat + metres / 111_200, lon: p.lon });

async function submit(payload: object, headers: Record<string, string> = {}) {
  const response = await inject({ method: 'POST', url: '/api/v1/reports', payload, headers: { 'accept-language': 'ar', ...headers } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as {
    report: { number: string; status: string; expectedBy: string; contact: { email: string | null } };
    token: string;
    trackingUrl: string;
  };
}

const lamp = (over: object = {}) => ({
  category: 'streetlight',
  location: inside,
  description: 'المصباح مطفأ منذ ثلاثة أيام <script>alert(1)</script>',
  attributes: { lamp_state: 'off' },
  contact: { name: 'Fatima', email: 'Fatima@Example.org', phone: '+212 600 000 000' },
  ...over,
});

/** Reports, history, photos, work orders and audit entries: a refused request must change none of them. */
async function snapshot() {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*)::int FROM reports.report) AS reports,
           (SELECT count(*)::int FROM reports.report_update) AS updates,
           (SELECT count(*)::int FROM reports.photo) AS photos,
           (SELECT count(*)::int FROM workorders.work_order) AS work_orders,
           (SELECT count(*)::int FROM platform.audit_event) AS audit,
           (SELECT count(*)::int FROM platform.job) AS jobs`.execute(t.database.db.kysely);
  return rows[0];
}

async function mailFolder() {
  await t.platform.jobs.drain();
  const dir = path.join(t.config.dataDir, 'mail');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    : [];
}

/** The text of an .eml file (quoted-printable or base64), decoded well enough to search it. */
function mailText(eml: string) {
  const split = eml.search(/\r?\n\r?\n/);
  const [head, body] = [eml.slice(0, split), eml.slice(split).trim()];
  if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

describe('categories', () => {
  it('lists the demo categories of Berkane with their questions, owned by departments', async () => {
    const { items } = (await inject({ url: '/api/v1/reports/categories' })).json();
    const codes = items.map((c: { code: string }) => c.code);
    for (const code of [
      'streetlight',
      'container_full',
      'illegal_dumping',
      'street_sweeping',
      'pothole',
      'unsanitary_establishment',
      'stray_animals',
      'pests',
      'green_space',
      'bus_stop',
    ]) {
      expect(codes).toContain(code);
    }
    const streetlight = items.find((c: { code: string }) => c.code === 'streetlight');
    expect(streetlight.name.ar).toBe('عمود إنارة معطل');
    expect(streetlight.attributes[0]).toMatchObject({ code: 'lamp_state', datatype: 'singlevaluelist', required: true });
    expect(items.find((c: { code: string }) => c.code === 'unsanitary_establishment').isPublic).toBe(false);
  });

  it('lists the districts of Berkane from the neighbourhood file', async () => {
    const { items } = (await inject({ url: '/api/v1/reports/districts' })).json();
    expect(items.length).toBe(66);
    expect(items.map((d: { name: { fr: string } }) => d.name.fr)).toContain('Bab el madina');
  });
});

describe('the demo', () => {
  it('has reports placed inside the real boundary of Berkane, marked as demonstration', async () => {
    const { rows } = await sql<{ n: number; inside: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE ST_Covers(c.boundary, r.location))::int AS inside
        FROM reports.report r JOIN platform.commune c ON c.id = r.commune_id WHERE r.is_demo`.execute(t.database.db.kysely);
    expect(rows[0]!.n).toBe(40);
    expect(rows[0]!.inside).toBe(40);
    const list = (await inject({ url: '/api/v1/reports?limit=200' })).json();
    const { rows: publicCount } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM reports.report r JOIN reports.category c ON c.id = r.category_id WHERE c.is_public`.execute(
      t.database.db.kysely,
    );
    // The total is right whether the page is full (counted) or not (read off the page).
    expect(list.page.total).toBe(publicCount[0]!.n);
    expect((await inject({ url: '/api/v1/reports?limit=5' })).json().page.total).toBe(publicCount[0]!.n);
    expect((await inject({ url: '/api/v1/reports?limit=5&offset=1000' })).json().page.total).toBe(publicCount[0]!.n);
    const demo = list.items.filter((r: { isDemo: boolean }) => r.isDemo);
    expect(demo.length).toBe(40);
    expect(new Set(demo.map((r: { status: string }) => r.status))).toEqual(
      new Set(['open', 'acknowledged', 'in_progress', 'fixed', 'closed']),
    );
  });
});

describe('filing a report', () => {
  it('gives a tracking number, a secret link and the expected date, and mails a confirmation', async () => {
    const before = Date.now();
    const { report, token, trackingUrl } = await submit(lamp());
    expect(report.number).toMatch(/^[0-9]+$/);
    expect(report.status).toBe('open');
    expect(trackingUrl).toBe(`https://berkane.example/reports/${report.number}#${token}`);
    // The category's target: 72 hours.
    expect(Date.parse(report.expectedBy) - before).toBeGreaterThanOrEqual(72 * 3600_000 - 5000);
    expect(report.contact.email).toBe('fatima@example.org');
    const mails = (await mailFolder()).filter((m) => m.includes('fatima@example.org'));
    const confirmation = mails.map(mailText).find((m) => m.includes(trackingUrl));
    expect(confirmation).toContain(report.number);
    expect(confirmation).toContain('عمود إنارة معطل');
    const sms = fs
      .readdirSync(path.join(t.config.dataDir, 'sms'))
      .filter((f) => f.endsWith('.txt'))
      .map((f) => fs.readFileSync(path.join(t.config.dataDir, 'sms', f), 'utf8'));
    expect(sms.some((m) => m.includes('+212 600 000 000') && m.includes(report.number))).toBe(true);
  });

  it('accepts an address instead of a place on the map, with a district from the list', async () => {
    const { items } = (await inject({ url: '/api/v1/reports/districts' })).json();
    const { report } = await submit({
      category: 'pothole',
      address: 'شارع محمد الخامس',
      districtId: items[0].id,
      description: 'Nid-de-poule profond',
    });
    const detail = (await inject({ url: `/api/v1/reports/${report.number}` })).json();
    expect(detail).toMatchObject({ location: null, address: 'شارع محمد الخامس', district: { id: items[0].id } });
  });

  it('stores text as given and the public sees no personal detail', async () => {
    const { report } = await submit(lamp());
    const response = await inject({ url: `/api/v1/reports/${report.number}` });
    const body = response.json();
    expect(body.description).toBe(lamp().description);
    expect(response.body).not.toContain('fatima');
    expect(response.body).not.toContain('Fatima');
    expect(response.body).not.toContain('600 000');
    expect(body.attributes).toBeUndefined();
  });

  it('makes one report of a submission retried with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'retry-0b5e6c1a-7f' };
    const first = await submit(lamp({ description: 'retried once' }), headers);
    const counts = await snapshot();
    const again = await inject({ method: 'POST', url: '/api/v1/reports', payload: lamp({ description: 'retried once' }), headers });
    expect(again.statusCode).toBe(200);
    expect(again.json().report.number).toBe(first.report.number);
    expect(again.json().token).toBe(first.token);
    expect(await snapshot()).toEqual(counts);
    const other = await inject({ method: 'POST', url: '/api/v1/reports', payload: lamp({ description: 'something else' }), headers });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    expect(await snapshot()).toEqual(counts);
  });
});

describe('bad input is refused and nothing is stored', () => {
  const cases: [string, () => object, number, string?][] = [
    ['a missing place', () => lamp({ location: undefined }), 400, '/body/location'],
    ['a latitude out of range', () => lamp({ location: { lat: 91, lon: inside.lon } }), 400, '/body/location/lat'],
    ['a longitude out of range', () => lamp({ location: { lat: inside.lat, lon: -181 } }), 400, '/body/location/lon'],
    ['a place outside the commune', () => lamp({ location: outside }), 422, '/body/location'],
    ['an unknown category', () => lamp({ category: 'no_such_thing' }), 400, '/body/category'],
    ['a missing required answer', () => lamp({ attributes: {} }), 400, '/body/attributes/lamp_state'],
    ['an answer not in its list', () => lamp({ attributes: { lamp_state: 'exploded' } }), 400, '/body/attributes/lamp_state'],
    ['an unknown question', () => lamp({ attributes: { lamp_state: 'off', colour: 'red' } }), 400, '/body/attributes/colour'],
    ['a description over 4,000 characters', () => lamp({ description: 'x'.repeat(4001) }), 400, '/body/description'],
    ['a description with control characters', () => lamp({ description: 'a\u0000b' }), 400, '/body/description'],
    ['an unknown field', () => ({ ...lamp(), priority: 'urgent' }), 400],
    ['a malformed email', () => lamp({ contact: { email: 'not-an-email' } }), 400, '/body/contact/email'],
    ['an unknown district', () => lamp({ districtId: '00000000-0000-4000-8000-000000000000' }), 400, '/body/districtId'],
  ];
  for (const [name, payload, status, pointer] of cases) {
    it(`refuses ${name}`, async () => {
      const counts = await snapshot();
      const response = await inject({ method: 'POST', url: '/api/v1/reports', payload: payload(), headers: { 'accept-language': 'fr' } });
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json();
      expect(problem.detail ?? problem.title).toBeTruthy();
      if (pointer) expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      expect(await snapshot()).toEqual(counts);
    });
  }

  it('says in the citizen’s language that the place is outside the commune', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: lamp({ location: outside }),
      headers: { 'accept-language': 'ar' },
    });
    expect(response.json().title).toBe('المكان خارج تراب الجماعة');
  });

  it('refuses a disabled category', async () => {
    const { items } = (await inject({ url: '/api/v1/triage/categories', headers: as(supervisor) })).json();
    const sweeping = items.find((c: { code: string }) => c.code === 'street_sweeping');
    const off = await inject({
      method: 'PATCH',
      url: `/api/v1/triage/categories/${sweeping.id}`,
      headers: as(supervisor),
      payload: { enabled: false },
    });
    expect(off.statusCode, off.body).toBe(200);
    const counts = await snapshot();
    const response = await inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { category: 'street_sweeping', location: inside, description: 'sale' },
    });
    expect(response.statusCode).toBe(400);
    expect(await snapshot()).toEqual(counts);
    await inject({ method: 'PATCH', url: `/api/v1/triage/categories/${sweeping.id}`, headers: as(supervisor), payload: { enabled: true } });
  });

  it('refuses a tampered secret link', async () => {
    const { report, token } = await submit(lamp());
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const response = await inject({ url: `/api/v1/reports/${report.number}/track`, headers: { 'x-report-token': tampered } });
    expect(response.statusCode).toBe(404);
    const counts = await snapshot();
    const edit = await inject({
      method: 'PATCH',
      url: `/api/v1/reports/${report.number}/track`,
      headers: { 'x-report-token': tampered },
      payload: { removeContact: true },
    });
    expect(edit.statusCode).toBe(404);
    expect(await snapshot()).toEqual(counts);
  });
});

describe('is it one of these?', () => {
  it('shows open reports of the same category within 50 m, not farther, not of another category', async () => {
    const here = north(inside, 2000);
    const { report } = await submit(lamp({ location: here }));
    await submit(lamp({ location: north(here, 120) }));
    const near = (await inject({ url: `/api/v1/reports/nearby?category=streetlight&lat=${north(here, 30).lat}&lon=${here.lon}` })).json();
    expect(near.radiusMetres).toBe(50);
    expect(near.items.map((r: { number: string }) => r.number)).toEqual([report.number]);
    expect(near.items[0].distanceMetres).toBeGreaterThan(25);
    expect(near.items[0].distanceMetres).toBeLessThan(35);
    const other = (await inject({ url: `/api/v1/reports/nearby?category=pothole&lat=${here.lat}&lon=${here.lon}` })).json();
    expect(other.items).toEqual([]);
    const far = await inject({
      url: `/api/v1/reports/nearby?category=streetlight&lat=${outside.lat}&lon=${outside.lon}`,
      headers: { 'accept-language': 'fr' },
    });
    expect(far.statusCode).toBe(422);
    expect(far.json().detail).toContain('hors des limites de la commune');
  });

  it("never shows another commune's reports, even asked with that commune's category", async () => {
    const saidia = await createCommuneFromArea(t.database.db, 'saidia', { hosts: [] }, { type: 'cli', id: null, label: 'test' });
    const foreign = await withCommune(t.database.db, saidia!, async (trx) => {
      const { rows: dept } = await sql<{ id: string }>`
        INSERT INTO platform.department (commune_id, code, name, path) VALUES (${saidia}, 'voirie', '{"fr":"Voirie"}', '/x/') RETURNING id`.execute(
        trx,
      );
      const { rows: cat } = await sql<{ id: string }>`
        INSERT INTO reports.category (commune_id, code, department_id, group_code, name, target_hours)
        VALUES (${saidia}, 'pothole', ${dept[0]!.id}, 'roads', '{"fr":"Nid-de-poule"}', 24) RETURNING id`.execute(trx);
      await sql`INSERT INTO reports.report (commune_id, category_id, location, description, secret_hash, source, due_at, editable_until)
        VALUES (${saidia}, ${cat[0]!.id}, ST_SetSRID(ST_MakePoint(${inside.lon}, ${inside.lat}), 4326), 'ailleurs', 'x', 'portal', now(), now())`.execute(
        trx,
      );
      return cat[0]!.id;
    });
    const { rows: mine } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(t.database.db.kysely);
    const seen = await withCommune(t.database.db, mine[0]!.id, (trx) =>
      sql<{
        reportId: string;
      }>`SELECT * FROM reports.nearby_open(${foreign}::uuid, ${inside.lon}::float8, ${inside.lat}::float8, 50::float8, 10)`.execute(trx),
    );
    expect(seen.rows).toEqual([]);
    const theirs = await withCommune(t.database.db, saidia!, (trx) =>
      sql<{
        reportId: string;
      }>`SELECT * FROM reports.nearby_open(${foreign}::uuid, ${inside.lon}::float8, ${inside.lat}::float8, 50::float8, 10)`.execute(trx),
    );
    expect(theirs.rows).toHaveLength(1);
  });

  it('lets a citizen follow an existing report instead of filing a duplicate', async () => {
    const { report } = await submit(lamp({ location: north(inside, 3000) }));
    const response = await inject({
      method: 'POST',
      url: `/api/v1/reports/${report.number}/follow`,
      payload: { email: 'voisin@example.org', locale: 'fr' },
    });
    expect(response.statusCode).toBe(204);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reports.follower WHERE email = 'voisin@example.org'`.execute(
      t.database.db.kysely,
    );
    expect(rows[0]!.n).toBe(1);
  });
});

describe('the citizen’s tracking link', () => {
  it('edits within the window, removes contact details at any time, and refuses edits once staff act', async () => {
    const { report, token } = await submit(lamp());
    const headers = { 'x-report-token': token };
    const edited = await inject({
      method: 'PATCH',
      url: `/api/v1/reports/${report.number}/track`,
      headers,
      payload: { description: 'Trois lampadaires éteints' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().description).toBe('Trois lampadaires éteints');
    const staffView = (await inject({ url: `/api/v1/triage/reports?limit=200`, headers: as(supervisor) })).json();
    const id = staffView.items.find((r: { number: string }) => r.number === report.number).id;
    expect(
      (
        await inject({
          method: 'POST',
          url: `/api/v1/triage/reports/${id}/status`,
          headers: as(supervisor),
          payload: { status: 'acknowledged' },
        })
      ).statusCode,
    ).toBe(200);
    const late = await inject({
      method: 'PATCH',
      url: `/api/v1/reports/${report.number}/track`,
      headers,
      payload: { description: 'encore' },
    });
    expect(late.statusCode).toBe(409);
    const removed = await inject({
      method: 'PATCH',
      url: `/api/v1/reports/${report.number}/track`,
      headers,
      payload: { removeContact: true },
    });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().contact).toEqual({ name: null, email: null, phone: null });
    const staff = (await inject({ url: `/api/v1/triage/reports/${id}`, headers: as(supervisor) })).json();
    expect(staff.contact).toEqual({ name: null, email: null, phone: null });
  });
});

describe('photos', () => {
  const jpeg = () =>
    sharp({ create: { width: 800, height: 600, channels: 3, background: '#c33' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneCo' } })
      .toBuffer();
  const upload = (number: string, token: string, files: { data: Buffer; filename: string; type: string }[]) => {
    const body = multipart(files.map((f) => ({ name: 'photo', ...f })));
    return inject({
      method: 'POST',
      url: `/api/v1/reports/${number}/track/photos`,
      payload: body.payload,
      headers: { ...body.headers, 'x-report-token': token },
    });
  };

  it('takes up to five photos, re-encoded without EXIF, public only once approved', async () => {
    const { report, token } = await submit(lamp());
    const response = await upload(report.number, token, [{ data: await jpeg(), filename: 'IMG_1.jpg', type: 'image/jpeg' }]);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().photosPending).toBe(1);
    const [photo] = response.json().photos;
    const own = await inject({ url: photo.url, headers: { 'x-report-token': token } });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(own.rawPayload).metadata()).exif).toBeUndefined();
    // Not public before approval.
    expect((await inject({ url: photo.url })).statusCode).toBe(404);
    expect((await inject({ url: `/api/v1/reports/${report.number}` })).json().photos).toEqual([]);
    const queue = (await inject({ url: '/api/v1/triage/reports?limit=200', headers: as(supervisor) })).json();
    const id = queue.items.find((r: { number: string }) => r.number === report.number).id;
    const approved = await inject({
      method: 'POST',
      url: `/api/v1/triage/reports/${id}/moderation`,
      headers: as(supervisor),
      payload: { photos: [{ id: photo.id, approved: true }] },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await inject({ url: photo.url })).statusCode).toBe(200);
    expect((await inject({ url: `/api/v1/reports/${report.number}` })).json().photos).toHaveLength(1);
  });

  it('refuses a file that is not an image whatever its name, and a sixth photo; stores nothing', async () => {
    const { report, token } = await submit(lamp());
    const counts = await snapshot();
    const fake = await upload(report.number, token, [
      { data: Buffer.from('%PDF-1.7\n1 0 obj\n'), filename: 'photo.jpg', type: 'image/jpeg' },
    ]);
    expect(fake.statusCode).toBe(415);
    const mixed = await upload(report.number, token, [
      { data: await jpeg(), filename: 'a.jpg', type: 'image/jpeg' },
      { data: Buffer.from('not an image'), filename: 'b.png', type: 'image/png' },
    ]);
    expect(mixed.statusCode).toBe(415);
    expect(await snapshot()).toEqual(counts);
    const photo = await jpeg();
    const six = await upload(
      report.number,
      token,
      Array.from({ length: 6 }, (_, i) => ({ data: photo, filename: `${i}.jpg`, type: 'image/jpeg' })),
    );
    expect(six.statusCode).toBe(422);
    expect(await snapshot()).toEqual(counts);
    const files = fs.readdirSync(path.join(t.config.dataDir, 'files'), { recursive: true }).filter((f) => String(f).endsWith('.jpg'));
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int * 2 AS n FROM reports.photo`.execute(t.database.db.kysely);
    expect(files.length).toBe(rows[0]!.n);
  });

  it('refuses an image over the size limit and a decompression bomb', async () => {
    const { report, token } = await submit(lamp());
    const counts = await snapshot();
    const big = Buffer.concat([await jpeg(), Buffer.alloc(11 * 1024 * 1024)]);
    const tooBig = await upload(report.number, token, [{ data: big, filename: 'big.jpg', type: 'image/jpeg' }]);
    expect(tooBig.statusCode).toBe(413);
    const bomb = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#fff' }, limitInputPixels: false })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const refused = await upload(report.number, token, [{ data: bomb, filename: 'bomb.png', type: 'image/png' }]);
    expect(refused.statusCode).toBe(422);
    expect(await snapshot()).toEqual(counts);
  });
});

describe('office triage and the work order that fixes it', () => {
  it('goes open → acknowledged (assigned) → in progress → fixed by completing the work order, and the citizen is told at each step', async () => {
    const { report, token } = await submit(lamp({ contact: { email: 'suivi@example.org' } }));
    const queue = (
      await inject({ url: '/api/v1/triage/reports?category=streetlight&status=unresolved&limit=200', headers: as(supervisor) })
    ).json();
    const item = queue.items.find((r: { number: string }) => r.number === report.number);
    expect(item.department.name.fr).toBe("Service de l'éclairage public");
    // Hygiene inspectors do not see lighting reports.
    expect((await inject({ url: `/api/v1/triage/reports/${item.id}`, headers: as(inspector) })).statusCode).toBe(404);

    const me = (await inject({ url: '/api/v1/me', headers: as(technician) })).json();
    const assigned = await inject({
      method: 'POST',
      url: `/api/v1/triage/reports/${item.id}/assign`,
      headers: as(supervisor),
      payload: { assigneeId: me.user?.id ?? me.id, priority: 'high' },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().status).toBe('acknowledged');
    const workOrderId = assigned.json().workOrder.id;

    const mine = (await inject({ url: '/api/v1/workorders?mine=true', headers: as(technician) })).json();
    expect(mine.items.map((w: { id: string }) => w.id)).toContain(workOrderId);
    const started = await inject({
      method: 'PATCH',
      url: `/api/v1/workorders/${workOrderId}`,
      headers: as(supervisor),
      payload: { status: 'in_progress' },
    });
    expect(started.statusCode, started.body).toBe(200);
    const done = await inject({
      method: 'POST',
      url: `/api/v1/workorders/${workOrderId}/complete`,
      headers: as(technician),
      payload: { note: 'Lampe remplacée', location: inside },
    });
    expect(done.statusCode, done.body).toBe(200);
    const tracked = (await inject({ url: `/api/v1/reports/${report.number}/track`, headers: { 'x-report-token': token } })).json();
    expect(tracked.status).toBe('fixed');
    expect(tracked.updates.map((u: { status: string | null }) => u.status)).toEqual(['open', 'acknowledged', 'in_progress', 'fixed']);
    expect(tracked.updates.at(-1).text).toBe('Lampe remplacée');
    expect(tracked.canReopen).toBe(true);

    const mails = (await mailFolder()).map(mailText).filter((m) => m.includes(`${report.number}`));
    const { rows: failed } = await sql<{
      kind: string;
      state: string;
    }>`SELECT kind, state, run_at FROM platform.job WHERE state <> 'done'`.execute(t.database.db.kysely);
    expect(failed).toEqual([]);
    expect(mails.length).toBeGreaterThanOrEqual(4);
    expect(mails.some((m) => m.includes('Lampe remplacée'))).toBe(true);

    // "Not fixed": the citizen reopens it.
    const reopened = await inject({
      method: 'POST',
      url: `/api/v1/reports/${report.number}/track/reopen`,
      headers: { 'x-report-token': token },
      payload: { reason: 'Toujours éteint' },
    });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json().status).toBe('open');
    const staff = (await inject({ url: `/api/v1/triage/reports/${item.id}`, headers: as(supervisor) })).json();
    expect(staff.reopenCount).toBe(1);

    const { rows } = await sql<{
      action: string;
    }>`SELECT action FROM platform.audit_event WHERE entity_id = ${item.id} ORDER BY id`.execute(t.database.db.kysely);
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'reports.report.create',
        'reports.report.acknowledged',
        'reports.report.in_progress',
        'reports.report.fixed',
        'reports.report.reopen',
      ]),
    );
  });

  it('closes as a duplicate, as another body’s job, without a fix — each with what it needs', async () => {
    const a = await submit(lamp());
    const b = await submit(lamp());
    const queue = (await inject({ url: '/api/v1/triage/reports?limit=200', headers: as(supervisor) })).json();
    const idOf = (n: string) => queue.items.find((r: { number: string }) => r.number === n).id;
    const post = (id: string, payload: object) =>
      inject({ method: 'POST', url: `/api/v1/triage/reports/${id}/status`, headers: as(supervisor), payload });
    expect((await post(idOf(b.report.number), { status: 'duplicate' })).statusCode).toBe(400);
    expect((await post(idOf(b.report.number), { status: 'duplicate', duplicateOf: b.report.number })).statusCode).toBe(400);
    const dup = await post(idOf(b.report.number), { status: 'duplicate', duplicateOf: a.report.number });
    expect(dup.statusCode, dup.body).toBe(200);
    expect(dup.json().resolution.duplicateOf).toBe(a.report.number);
    expect((await post(idOf(a.report.number), { status: 'not_responsible' })).statusCode).toBe(400);
    const other = await post(idOf(a.report.number), { status: 'not_responsible', responsibleBody: 'ONEE' });
    expect(other.json().resolution.responsibleBody).toBe('ONEE');
    expect((await post(idOf(a.report.number), { status: 'fixed' })).statusCode).toBe(409);
  });

  it('keeps non-public categories off the public map and list', async () => {
    const { report } = await submit({
      category: 'unsanitary_establishment',
      location: inside,
      description: 'Viande mal conservée',
      attributes: { establishment: 'Boucherie X' },
    });
    expect((await inject({ url: `/api/v1/reports/${report.number}` })).statusCode).toBe(404);
    const list = (await inject({ url: '/api/v1/reports?limit=200' })).json();
    expect(list.items.map((r: { number: string }) => r.number)).not.toContain(report.number);
    expect(list.items.length).toBeGreaterThan(0);
  });
});
