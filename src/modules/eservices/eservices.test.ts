import fs from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, login, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { multipart } from '../../../test/helpers/multipart.js';
import { buildPdf, TINY_PNG } from '../../../test/helpers/pdf-fixtures.js';
import { LIMITS } from '../../platform/limits.js';
import { purgeStaleDrafts, runClocks } from './clock-job.js';
import { verifyPdf } from './signing.js';

const BASE = '/api/v1/eservices';
const DAY = 86_400_000;
const links = { publicUrl: 'https://berkane.example' };
const URBANISM_EMAIL = 'urbanisme@berkane.example';

let t: TestApp;
let admin: Session;
let urbanism: Session;
let agent: Session;
let supervisor: Session;
let place: { lat: number; lon: number };

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: links.publicUrl });
  admin = await loginAs(t, 'admin');
  // An agent of the urban planning division, added as an admin would.
  const departments = (await t.app.inject({ url: '/api/v1/org/departments', headers: as(admin) })).json().items as {
    id: string;
    code: string;
  }[];
  const added = await t.app.inject({
    method: 'POST',
    url: '/api/v1/org/users',
    headers: as(admin),
    payload: {
      email: URBANISM_EMAIL,
      displayName: 'Agent urbanisme',
      role: 'agent',
      departmentId: departments.find((d) => d.code === 'urbanisme')!.id,
      password: 'urbanisme-test-2026',
    },
  });
  expect(added.statusCode, added.body).toBe(201);
  urbanism = await login(t, URBANISM_EMAIL, 'urbanisme-test-2026');
  // The bureau d'ordre: receives some procedures at its counter, processes none of them.
  agent = await loginAs(t, 'agent');
  // The technical division: another department than urban planning.
  supervisor = await loginAs(t, 'supervisor');
  const { rows } = await sql<{ lat: number; lon: number }>`
    SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lon FROM platform.commune WHERE code = 'berkane'`.execute(
    t.database.db.kysely,
  );
  place = rows[0]!;
});
afterAll(() => t?.close());

// Each citizen comes from an address of their own, so the per-address limits stay out of the way
// (except where a test is about them).
let addresses = 0;
const nextAddress = () => {
  addresses++;
  return `10.20.${Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
};
const inject = (options: InjectOptions) => t.app.inject({ remoteAddress: '10.0.0.1', ...options });

interface Fiche {
  code: string;
  fields: { key: string; type: string; required: boolean; options?: { key: string }[]; min?: number | string }[];
  citizenDocuments: { key: string; required: boolean; swornStatementAllowed: boolean }[];
  fetchedDocuments: { key: string }[];
  deadline: { days: number; kind: string };
}

const fiches = new Map<string, Fiche>();
async function fiche(code: string): Promise<Fiche> {
  if (!fiches.has(code)) {
    const res = await inject({ url: `${BASE}/procedures/${code}` });
    expect(res.statusCode, res.body).toBe(200);
    fiches.set(code, res.json());
  }
  return fiches.get(code)!;
}

/** Answers of the right type to every field of a fiche (the CIN as people type it). */
async function answersFor(code: string) {
  const answers: Record<string, unknown> = {};
  for (const f of (await fiche(code)).fields) {
    if (f.type === 'text' || f.type === 'textarea') answers[f.key] = 'نص تجريبي';
    if (f.type === 'number') answers[f.key] = typeof f.min === 'number' ? Math.max(f.min, 2) : 2;
    if (f.type === 'date') answers[f.key] = '2026-12-01';
    if (f.type === 'choice') answers[f.key] = f.options![0]!.key;
    if (f.type === 'cin') answers[f.key] = 'ab 123456';
    if (f.type === 'address') answers[f.key] = { ...place, text: 'حي الأندلس' };
  }
  return answers;
}

interface Created {
  number: string;
  token: string;
  ip: string;
  request: { id: string; status: string; channel: string; answers: Record<string, unknown> };
}

async function createDraft(code: string, over: Record<string, unknown> = {}): Promise<Created> {
  const f = await fiche(code);
  const ip = nextAddress();
  const res = await inject({
    method: 'POST',
    url: `${BASE}/requests`,
    remoteAddress: ip,
    payload: {
      procedureCode: code,
      language: 'ar',
      applicant: { name: 'Fatima Zahra', email: 'fatima@example.org', phone: '+212 600 000 001' },
      answers: await answersFor(code),
      consents: Object.fromEntries(f.fetchedDocuments.map((d) => [d.key, true])),
      ...over,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json(), ip };
}

const tracked = (c: Created, options: InjectOptions = {}) =>
  inject({ remoteAddress: c.ip, ...options, headers: { 'x-tracking-token': c.token, ...(options.headers ?? {}) } });

async function attach(
  c: Created,
  documentKey: string,
  data: Buffer = buildPdf(),
  filename = `${documentKey}.pdf`,
  type = 'application/pdf',
) {
  const form = multipart([
    { name: 'documentKey', data: documentKey },
    { name: 'file', filename, type, data },
  ]);
  return tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/attachments`, payload: form.payload, headers: form.headers });
}

async function submit(c: Created) {
  const res = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/submit` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const act = (session: Session, id: string, body: object) =>
  inject({ method: 'POST', url: `${BASE}/queue/${id}/actions`, headers: as(session), payload: body });

async function actOk(session: Session, id: string, body: object) {
  const res = await act(session, id, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A building permit whose complete file is deposited: status `submitted`, the clock running. */
async function depositedPermit(code = 'building_permit_small') {
  const c = await createDraft(code);
  for (const d of (await fiche(code)).citizenDocuments.filter((x) => x.required)) expect((await attach(c, d.key)).statusCode).toBe(201);
  const request = await submit(c);
  expect(request.status).toBe('submitted');
  return { ...c, request };
}

/** Requests, attachments, history, audit entries and queued jobs: a refused call changes none of them. */
async function snapshot() {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*)::int FROM eservices.request) AS requests,
           (SELECT count(*)::int FROM eservices.attachment) AS attachments,
           (SELECT count(*)::int FROM eservices.request_event) AS events,
           (SELECT count(*)::int FROM eservices.procedure) AS procedures,
           (SELECT count(*)::int FROM platform.audit_event) AS audit,
           (SELECT count(*)::int FROM platform.job) AS jobs`.execute(t.database.db.kysely);
  return rows[0];
}

const setColumn = (number: string, column: string, value: Date) =>
  sql`UPDATE eservices.request SET ${sql.ref(column)} = ${value} WHERE number = ${number}`.execute(t.database.db.kysely);

function storedFiles() {
  const dir = path.join(t.config.dataDir, 'files');
  const walk = (d: string): string[] =>
    fs.existsSync(d)
      ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [e.name]))
      : [];
  return walk(dir).filter((f) => !f.endsWith('.tmp'));
}

describe('catalog', () => {
  it('finds a procedure in Arabic whatever the hamza, tā’ marbūṭa, alif maqṣūra or diacritics typed', async () => {
    for (const q of ['رخصه البناء', 'رُخْصَةُ البِنَاء', 'رخصة الاصلاح', 'الهدم']) {
      const res = await inject({ url: `${BASE}/procedures?q=${encodeURIComponent(q)}` });
      expect(res.statusCode).toBe(200);
      const codes = res.json().items.map((p: { code: string }) => p.code);
      expect(codes.length, q).toBeGreaterThan(0);
      expect(
        codes.some((c: string) => /permit/.test(c)),
        q,
      ).toBe(true);
    }
    const res = await inject({ url: `${BASE}/procedures?q=${encodeURIComponent('رخصة الإصلاح')}` });
    expect(res.json().items[0].code).toBe('repair_permit');
  });

  it('lists the published catalog of Berkane, including the nine silence-as-approval decisions', async () => {
    const res = await inject({ url: `${BASE}/procedures?limit=200` });
    const items = res.json().items as { code: string; silence: string }[];
    expect(items.length).toBeGreaterThanOrEqual(13);
    expect(items.filter((p) => p.silence === 'approval').length).toBeGreaterThanOrEqual(9);
    const byCategory = await inject({ url: `${BASE}/procedures?category=urbanism` });
    expect(byCategory.json().items.every((p: { category: string }) => p.category === 'urbanism')).toBe(true);
  });

  it('refuses a fiche that asks for a legalized signature, a certified copy or two copies (art 7), with every problem', async () => {
    const before = await snapshot();
    const body = {
      code: 'bad_fiche',
      status: 'published',
      category: 'other',
      name: { fr: 'Fiche interdite' },
      summary: { fr: 'Test' },
      legalReferences: [],
      receivingDepartment: 'bureau_ordre',
      processingDepartment: 'urbanisme',
      citizenDocuments: [
        { key: 'id_copy', name: { fr: 'Copie certifiée conforme de la CIN' }, required: true, swornStatementAllowed: false },
        { key: 'contract', name: { fr: 'Contrat' }, required: true, swornStatementAllowed: false, legalizedSignature: true, copies: 2 },
      ],
      fetchedDocuments: [],
      fee: null,
      deadline: { days: 90, kind: 'calendar', investment: false },
      silence: 'approval',
      appeals: { fr: 'Recours' },
      extensionReasons: [],
      fields: [],
      issuedDocument: null,
      uncertain: null,
    };
    const res = await inject({ method: 'POST', url: `${BASE}/catalog`, headers: as(admin), payload: body });
    expect(res.statusCode).toBe(422);
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/citizenDocuments/0', '/body/citizenDocuments/1', '/body/deadline/days']));
    expect(await snapshot()).toEqual(before);
  });

  it('keeps a draft fiche off the portal until it is published, then archives it', async () => {
    const body = {
      code: 'test_certificate',
      status: 'draft',
      category: 'certification',
      name: { ar: 'شهادة تجريبية', fr: 'Attestation de test' },
      summary: { fr: 'Une attestation pour les tests.' },
      legalReferences: [{ reference: 'Loi n° 55-19', title: { fr: 'Simplification' } }],
      receivingDepartment: 'bureau_ordre',
      processingDepartment: 'urbanisme',
      citizenDocuments: [{ key: 'proof', name: { fr: 'Justificatif' }, required: true, swornStatementAllowed: true }],
      fetchedDocuments: [],
      fee: { amountMad: 20, legalReference: 'Arrêté fiscal' },
      deadline: { days: 10, kind: 'working', investment: false },
      silence: 'refusal',
      appeals: { fr: 'Recours gracieux' },
      extensionReasons: [],
      fields: [{ key: 'purpose', type: 'text', label: { fr: 'Objet' }, required: true }],
      issuedDocument: { title: { fr: 'Attestation' } },
      uncertain: null,
    };
    const created = await inject({ method: 'POST', url: `${BASE}/catalog`, headers: as(admin), payload: body });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect((await inject({ url: `${BASE}/procedures/test_certificate` })).statusCode).toBe(404);
    // A draft takes no request either.
    const draft = await inject({
      method: 'POST',
      url: `${BASE}/requests`,
      remoteAddress: nextAddress(),
      payload: { procedureCode: 'test_certificate', language: 'fr', applicant: { name: 'A' } },
    });
    expect(draft.statusCode).toBe(400);
    expect(draft.json().errors[0].pointer).toBe('/body/procedureCode');
    const published = await inject({
      method: 'PUT',
      url: `${BASE}/catalog/${id}`,
      headers: as(admin),
      payload: { ...body, status: 'published' },
    });
    expect(published.statusCode, published.body).toBe(200);
    expect((await inject({ url: `${BASE}/procedures/test_certificate` })).json().fee).toMatchObject({ amountMad: 20 });
    const duplicate = await inject({ method: 'POST', url: `${BASE}/catalog`, headers: as(admin), payload: body });
    expect(duplicate.statusCode).toBe(409);
    await inject({ method: 'PUT', url: `${BASE}/catalog/${id}`, headers: as(admin), payload: { ...body, status: 'archived' } });
    expect((await inject({ url: `${BASE}/procedures/test_certificate` })).statusCode).toBe(404);
  });

  it('takes every seeded fiche back as the editor sends it, unchanged', async () => {
    const { items } = (await inject({ url: `${BASE}/catalog`, headers: as(admin) })).json();
    for (const p of items.filter((x: { code: string }) => !x.code.startsWith('test_'))) {
      const { id, isDemo, updatedAt, processingDepartment, receivingDepartment, ...rest } = (
        await inject({ url: `${BASE}/catalog/${p.id}`, headers: as(admin) })
      ).json();
      const codes = await sql<{ code: string; id: string }>`SELECT code, id FROM platform.department`.execute(t.database.db.kysely);
      const code = (dep: { id: string }) => codes.rows.find((d) => d.id === dep.id)!.code;
      const body = { ...rest, processingDepartment: code(processingDepartment), receivingDepartment: code(receivingDepartment) };
      const res = await inject({ method: 'PUT', url: `${BASE}/catalog/${id}`, headers: as(admin), payload: body });
      expect(res.statusCode, `${p.code}: ${res.body}`).toBe(200);
      expect(res.json().updatedAt).not.toBe(updatedAt);
    }
  });

  it('lets only those who manage the catalog edit it, within their departments', async () => {
    expect((await inject({ url: `${BASE}/catalog`, headers: as(agent) })).statusCode).toBe(403);
    const list = await inject({ url: `${BASE}/catalog`, headers: as(supervisor) });
    expect(list.statusCode).toBe(200);
    const permit = list.json().items.find((p: { code: string }) => p.code === 'building_permit_small');
    const full = (await inject({ url: `${BASE}/catalog/${permit.id}`, headers: as(admin) })).json();
    const { id, isDemo, updatedAt, processingDepartment, receivingDepartment, ...rest } = full;
    const body = { ...rest, processingDepartment: 'urbanisme', receivingDepartment: 'urbanisme' };
    const res = await inject({ method: 'PUT', url: `${BASE}/catalog/${permit.id}`, headers: as(supervisor), payload: body });
    expect(res.statusCode).toBe(403);
  });
});

describe('a request refuses bad input and stores nothing', () => {
  it('refuses an unknown procedure', async () => {
    const before = await snapshot();
    const res = await inject({
      method: 'POST',
      url: `${BASE}/requests`,
      remoteAddress: nextAddress(),
      payload: { procedureCode: 'no_such_thing', language: 'ar', applicant: { name: 'A' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ pointer: '/body/procedureCode', detail: expect.any(String) }]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an answer of the wrong type and a malformed national ID number, naming each field', async () => {
    const before = await snapshot();
    const answers = { ...(await answersFor('building_permit_small')), applicant_cin: '12AB', floors: 'many', use: 'castle' };
    const res = await inject({
      method: 'POST',
      url: `${BASE}/requests`,
      remoteAddress: nextAddress(),
      headers: { 'accept-language': 'fr' },
      payload: { procedureCode: 'building_permit_small', language: 'fr', applicant: { name: 'A' }, answers },
    });
    expect(res.statusCode).toBe(422);
    const errors = res.json().errors as { pointer: string; detail: string }[];
    expect(errors.map((e) => e.pointer)).toEqual(['/body/answers/applicant_cin', '/body/answers/floors', '/body/answers/use']);
    expect(errors[0]!.detail).toContain('carte nationale');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an answer to a field the procedure does not have, and an unknown consent or sworn statement', async () => {
    const res = await inject({
      method: 'POST',
      url: `${BASE}/requests`,
      remoteAddress: nextAddress(),
      payload: {
        procedureCode: 'building_permit_small',
        language: 'ar',
        applicant: { name: 'A' },
        answers: { mother_name: 'X' },
        consents: { passport: true },
        swornStatements: ['architectural_plans'],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/answers/mother_name',
      '/body/consents/passport',
      '/body/swornStatements/0',
    ]);
  });

  it('refuses a deposit with a required field missing, and without consent to fetch a document', async () => {
    const c = await createDraft('building_permit_small', { answers: { applicant_cin: 'AB123456' }, consents: {} });
    await attach(c, 'architectural_plans');
    const before = await snapshot();
    const res = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/submit` });
    expect(res.statusCode).toBe(422);
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toContain('/body/answers/parcel_address');
    expect(pointers).toContain('/body/consents/land_title_certificate');
    expect(await snapshot()).toEqual(before);
    expect((await tracked(c, { url: `${BASE}/requests/${c.number}` })).json().status).toBe('draft');
  });

  it('refuses an attachment that is not what it claims, random bytes, and a PDF with JavaScript, keeping no file', async () => {
    const c = await createDraft('building_permit_small');
    const files = storedFiles().length;
    const before = await snapshot();
    const png = await attach(c, 'architectural_plans', TINY_PNG, 'plans.pdf', 'application/pdf');
    expect(png.statusCode).toBe(422);
    expect(png.json().code).toBe('attachment_mismatch');
    expect(
      (await attach(c, 'architectural_plans', Buffer.from('just some random bytes, not a document at all'), 'plans.pdf')).statusCode,
    ).toBe(415);
    const js = await attach(
      c,
      'architectural_plans',
      buildPdf({ catalogExtra: '/OpenAction 4 0 R', objects: ['<< /S /JavaScript /JS (app.alert(1)) >>'] }),
    );
    expect(js.statusCode).toBe(422);
    expect(js.json().code).toBe('pdf_active_content');
    const hidden = await attach(
      c,
      'architectural_plans',
      buildPdf({ catalogExtra: '/OpenAction 4 0 R', compressed: ['<< /S /JavaScript /JS (app.alert(1)) >>'] }),
    );
    expect(hidden.json().code).toBe('pdf_active_content');
    // A document the fiche does not ask for.
    const unknown = await attach(c, 'passport');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].pointer).toBe('/body/documentKey');
    expect(await snapshot()).toEqual(before);
    expect(storedFiles().length).toBe(files);
  });

  it('refuses a wrong tracking secret like an unknown number, then limits the guesses of an address', async () => {
    const c = await createDraft('building_permit_small');
    const guesser = { ...c, token: 'x'.repeat(32), ip: '10.99.0.1' };
    const wrong = await tracked(guesser, { url: `${BASE}/requests/${c.number}` });
    const unknown = await tracked(guesser, { url: `${BASE}/requests/ES-2026-999999` });
    expect(wrong.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(wrong.json().code).toBe(unknown.json().code);
    let last = wrong;
    for (let i = 0; i < 20; i++) last = await tracked(guesser, { url: `${BASE}/requests/${c.number}` });
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right secret waits, from that address: a guess that happened to be right teaches nothing.
    expect((await tracked({ ...c, ip: '10.99.0.1' }, { url: `${BASE}/requests/${c.number}` })).statusCode).toBe(429);
    expect((await tracked(c, { url: `${BASE}/requests/${c.number}` })).statusCode).toBe(200);
  });

  it('refuses a change to a request that is no longer a draft', async () => {
    const c = await depositedPermit();
    const res = await tracked(c, { method: 'PATCH', url: `${BASE}/requests/${c.number}`, payload: { answers: { floors: 3 } } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('not_editable');
  });
});

describe('the journey of a request', () => {
  it('finds a fiche in Arabic, files it, deposits an incomplete file, completes it, is approved and issued, verifies and is revoked', async () => {
    // Find.
    const found = await inject({ url: `${BASE}/procedures?q=${encodeURIComponent('رخصه البناء الصغرى')}` });
    expect(found.json().items[0].code).toBe('building_permit_small');
    // Draft, resumed with its secret.
    const c = await createDraft('building_permit_small', { answers: { applicant_cin: 'ab 123456' } });
    expect(c.number).toMatch(/^ES-\d{4}-\d{6}$/);
    expect(c.request.status).toBe('draft');
    expect(c.request.answers.applicant_cin).toBe('AB123456');
    const patched = await tracked(c, {
      method: 'PATCH',
      url: `${BASE}/requests/${c.number}`,
      payload: { answers: await answersFor('building_permit_small') },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    // One attachment, not the required one.
    const deed = await attach(c, 'ownership_deed', TINY_PNG, 'deed.png', 'image/png');
    expect(deed.statusCode, deed.body).toBe(201);
    expect(deed.json()).toMatchObject({
      documentKey: 'ownership_deed',
      contentType: 'image/png',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Deposit: a file being deposited, with what is missing, listed once.
    const incomplete = await submit(c);
    expect(incomplete.status).toBe('incomplete');
    expect(incomplete.missingDocuments.map((m: { key: string }) => m.key)).toEqual(['architectural_plans']);
    expect(incomplete.missingDocuments[0].name.ar).toBeTruthy();
    expect(Date.parse(incomplete.clocks.completionDueAt) - Date.parse(incomplete.clocks.depositedAt)).toBeGreaterThan(29 * DAY);
    expect(incomplete.clocks.deadlineAt).toBeNull();
    expect(incomplete.availableActions).toEqual(expect.arrayContaining(['attach', 'complete']));
    // A retried deposit answers the same.
    expect((await submit(c)).status).toBe('incomplete');
    const receipt = await tracked(c, { url: `${BASE}/requests/${c.number}/receipt.pdf?lang=ar` });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect(receipt.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Completing without the document is refused; with it, the file is deposited and the clock runs.
    const early = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/complete`, payload: {} });
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('documents_missing');
    expect((await attach(c, 'architectural_plans')).statusCode).toBe(201);
    const completed = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/complete`, payload: {} });
    expect(completed.statusCode, completed.body).toBe(200);
    const submitted = completed.json();
    expect(submitted.status).toBe('submitted');
    expect(Date.parse(submitted.clocks.deadlineAt) - Date.parse(submitted.clocks.completeAt)).toBeGreaterThan(14 * DAY);
    expect((await tracked(c, { url: `${BASE}/requests/${c.number}/receipt.pdf?lang=fr` })).statusCode).toBe(200);
    // The agent of the urban planning division reviews and approves.
    const queue = await inject({ url: `${BASE}/queue?status=submitted&q=${c.number}`, headers: as(urbanism) });
    expect(queue.json().items.map((r: { number: string }) => r.number)).toEqual([c.number]);
    const id = submitted.id;
    const seen = (await inject({ url: `${BASE}/queue/${id}`, headers: as(urbanism) })).json();
    // No extension for a building permit: its fiche names no reason (art 17).
    expect(seen.availableActions).toEqual(['start_review']);
    expect(seen.attachments).toHaveLength(2);
    const file = await inject({ url: `${BASE}/queue/${id}/attachments/${seen.attachments[0].id}`, headers: as(urbanism) });
    expect(file.statusCode).toBe(200);
    await actOk(urbanism, id, { action: 'start_review' });
    const approved = await actOk(urbanism, id, { action: 'approve', note: 'Conforme.' });
    expect(approved.decision).toMatchObject({ outcome: 'approved', reasons: null });
    // Issued: a signed PDF, verifiable online and offline.
    const issued = await actOk(urbanism, id, { action: 'issue', holderVisible: true });
    expect(issued.status).toBe('issued');
    const code = issued.documents[0].code as string;
    expect(code).toMatch(/^[A-Z2-7]{12}$/);
    const pdf = await tracked(c, { url: `${BASE}/requests/${c.number}/documents/${code}.pdf` });
    expect(pdf.statusCode).toBe(200);
    const keys = (await inject({ url: `${BASE}/signing-keys` })).json().items;
    const offline = verifyPdf(pdf.rawPayload, { fingerprint: keys[0].fingerprint });
    expect(offline.ok, offline.reason).toBe(true);
    expect(offline.claims?.code).toBe(code);
    const valid = await inject({ url: `${BASE}/verify/${code}` });
    expect(valid.statusCode).toBe(200);
    expect(valid.json()).toMatchObject({ code, status: 'valid', holder: 'Fatima Zahra', sha256: offline.sha256, revokedAt: null });
    expect(valid.body).not.toContain('AB123456');
    expect(valid.body).not.toContain('fatima@example.org');
    // Revoked: the page says so.
    expect(
      (await inject({ method: 'POST', url: `${BASE}/documents/${code}/revoke`, headers: as(agent), payload: { reason: 'Erreur' } }))
        .statusCode,
    ).toBe(403);
    const revoked = await inject({
      method: 'POST',
      url: `${BASE}/documents/${code}/revoke`,
      headers: as(admin),
      payload: { reason: 'Délivré par erreur.' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const after = (await inject({ url: `${BASE}/verify/${code}` })).json();
    expect(after).toMatchObject({ status: 'revoked', revocationReason: 'Délivré par erreur.' });
    expect(after.revokedAt).toBeTruthy();
    expect(
      (await inject({ method: 'POST', url: `${BASE}/documents/${code}/revoke`, headers: as(admin), payload: { reason: 'x' } })).statusCode,
    ).toBe(409);
    // The citizen was told at each step, by mail and SMS.
    await t.platform.jobs.drain();
    const mails = fs.readdirSync(path.join(t.config.dataDir, 'mail')).length;
    expect(mails).toBeGreaterThanOrEqual(5);
    expect(fs.readdirSync(path.join(t.config.dataDir, 'sms')).length).toBeGreaterThanOrEqual(4);
  });

  it('hides the holder on the verification page when the holder chose so, and says nothing of an unknown code', async () => {
    const c = await depositedPermit();
    const id = c.request.id;
    await actOk(admin, id, { action: 'start_review' });
    await actOk(admin, id, { action: 'approve' });
    const issued = await actOk(admin, id, { action: 'issue', holderVisible: false });
    const page = (await inject({ url: `${BASE}/verify/${issued.documents[0].code}` })).json();
    expect(page.holder).toBeNull();
    // The commune's private key is sealed in the database, never stored as a PEM.
    const keys = await sql<{ privateKeyPem: string }>`SELECT private_key_pem FROM eservices.signing_key`.execute(t.database.db.kysely);
    expect(keys.rows.length).toBeGreaterThan(0);
    for (const k of keys.rows) expect(k.privateKeyPem).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect((await inject({ url: `${BASE}/verify/AAAAAAAAAAAA` })).statusCode).toBe(404);
    expect((await inject({ url: `${BASE}/verify/not-a-code` })).statusCode).toBe(404);
  });

  it('a building permit left past its deadline becomes deemed approved when the clock job runs', async () => {
    const c = await depositedPermit();
    const deadline = Date.parse(c.request.clocks.deadlineAt);
    // Before the deadline, nothing moves.
    await runClocks(t.database.db, links, new Date(deadline - 60_000));
    expect((await tracked(c, { url: `${BASE}/requests/${c.number}` })).json().status).toBe('submitted');
    const moved = await runClocks(t.database.db, links, new Date(deadline + DAY));
    expect(moved.deemed_approved).toBeGreaterThanOrEqual(1);
    const r = (await tracked(c, { url: `${BASE}/requests/${c.number}` })).json();
    expect(r.status).toBe('deemed_approved');
    expect(r.decision).toMatchObject({ outcome: 'deemed_approved', at: c.request.clocks.deadlineAt });
    expect(Date.parse(r.clocks.deliveryDueAt) - deadline).toBeGreaterThan(6 * DAY);
    expect(r.history.map((h: { action: string }) => h.action)).toContain('deemed_approved');
    // Run again at the same time: nothing more happens.
    const events = (await snapshot())!.events;
    await runClocks(t.database.db, links, new Date(deadline + DAY));
    expect((await snapshot())!.events).toBe(events);
    // The decision is not delivered in time: the citizen asks for the certificate of silence.
    const tooEarly = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/silence-certificate` });
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().code).toBe('certificate_not_due');
    await setColumn(c.number, 'delivery_due_at', new Date(Date.now() - DAY));
    const asked = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/silence-certificate` });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(Date.parse(asked.json().clocks.certificateDueAt) - Date.now()).toBeGreaterThan(9 * DAY);
    expect((await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/silence-certificate` })).json().code).toBe(
      'certificate_already_requested',
    );
    // A deemed approval can still be issued as a document.
    const issued = await actOk(urbanism, r.id, { action: 'issue', holderVisible: true });
    expect(issued.status).toBe('issued');
  });

  it('returns an incomplete file not completed in time', async () => {
    const c = await createDraft('building_permit_small');
    const r = await submit(c);
    expect(r.status).toBe('incomplete');
    expect((await act(admin, r.id, { action: 'return' })).json().code).toBe('completion_not_due');
    await runClocks(t.database.db, links, new Date(Date.parse(r.clocks.completionDueAt) + 1000));
    expect((await tracked(c, { url: `${BASE}/requests/${c.number}` })).json().status).toBe('returned');
  });
});

describe('the state machine', () => {
  it('allows one completion request, in the first half of the deadline, and resumes the clock with the days left', async () => {
    const c = await depositedPermit('building_permit_large');
    const id = c.request.id;
    await actOk(urbanism, id, { action: 'start_review' });
    const paused = await actOk(urbanism, id, {
      action: 'request_completion',
      missingDocuments: ['structural_plans'],
      message: 'Merci de joindre les plans de structure.',
    });
    expect(paused.status).toBe('needs_completion');
    expect(paused.clocks.pausedAt).toBeTruthy();
    expect(paused.clocks.remainingDays).toBeGreaterThanOrEqual(29);
    expect(paused.missingDocuments.map((m: { key: string }) => m.key)).toEqual(['structural_plans']);
    // The citizen answers with the document; the clock resumes.
    expect((await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/complete`, payload: {} })).statusCode).toBe(422);
    expect((await attach(c, 'structural_plans')).statusCode).toBe(201);
    const resumed = await tracked(c, {
      method: 'POST',
      url: `${BASE}/requests/${c.number}/complete`,
      payload: { message: 'Voici les plans.' },
    });
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json().status).toBe('under_review');
    expect(resumed.json().clocks.pausedAt).toBeNull();
    // A second request for documents is refused.
    const second = await act(urbanism, id, { action: 'request_completion', missingDocuments: ['ownership_deed'], message: 'Encore.' });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('completion_already_requested');
  });

  it('refuses a completion request past the first half of the deadline', async () => {
    const c = await depositedPermit('building_permit_large');
    await actOk(urbanism, c.request.id, { action: 'start_review' });
    await setColumn(c.number, 'completion_request_until', new Date(Date.now() - 1000));
    const before = await snapshot();
    const res = await act(urbanism, c.request.id, {
      action: 'request_completion',
      missingDocuments: ['ownership_deed'],
      message: 'Trop tard.',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('completion_window_closed');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to issue a rejected request; a refusal needs reasons, shown to the citizen', async () => {
    const c = await depositedPermit();
    const id = c.request.id;
    await actOk(urbanism, id, { action: 'start_review' });
    expect((await act(urbanism, id, { action: 'reject' })).statusCode).toBe(400);
    const rejected = await actOk(urbanism, id, { action: 'reject', reasons: 'Le projet dépasse la hauteur autorisée.' });
    expect(rejected.decision).toMatchObject({ outcome: 'rejected', reasons: 'Le projet dépasse la hauteur autorisée.' });
    const issue = await act(urbanism, id, { action: 'issue', holderVisible: true });
    expect(issue.statusCode).toBe(409);
    expect(issue.json().code).toBe('invalid_transition');
    const citizen = (await tracked(c, { url: `${BASE}/requests/${c.number}` })).json();
    expect(citizen.decision.reasons).toBe('Le projet dépasse la hauteur autorisée.');
    expect(citizen.availableActions).toContain('appeal');
  });

  it('takes an appeal within 30 days of a refusal, escalates it unanswered, and refuses a second one', async () => {
    const c = await depositedPermit();
    const id = c.request.id;
    await actOk(urbanism, id, { action: 'start_review' });
    await actOk(urbanism, id, { action: 'reject', reasons: 'Dossier non conforme.' });
    const appealed = await tracked(c, {
      method: 'POST',
      url: `${BASE}/requests/${c.number}/appeal`,
      payload: { reason: 'Le projet est conforme.' },
    });
    expect(appealed.statusCode, appealed.body).toBe(200);
    const a = appealed.json();
    expect(a.status).toBe('appealed');
    expect(Date.parse(a.clocks.appealAnswerDueAt) - Date.now()).toBeGreaterThan(14 * DAY);
    await runClocks(t.database.db, links, new Date(Date.parse(a.clocks.appealAnswerDueAt) + 1000));
    const escalated = (await inject({ url: `${BASE}/queue/${id}`, headers: as(urbanism) })).json();
    expect(escalated.status).toBe('appeal_escalated');
    expect(escalated.appeal.status).toBe('escalated');
    expect(escalated.clocks.escalationDueAt).toBeTruthy();
    const answered = await actOk(urbanism, id, { action: 'answer_appeal', outcome: 'dismissed', answer: 'Refus confirmé.' });
    expect(answered.status).toBe('rejected');
    const again = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/appeal`, payload: { reason: 'Encore.' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('appeal_already_filed');
  });

  it('tells the citizen that silence means refusal past the deadline of such a procedure, and takes their appeal', async () => {
    const c = await createDraft('public_domain_occupation');
    for (const d of (await fiche('public_domain_occupation')).citizenDocuments.filter((x) => x.required)) await attach(c, d.key);
    const r = await submit(c);
    expect(r.procedure.silence).toBe('refusal');
    await setColumn(c.number, 'deadline_at', new Date(Date.now() - 1000));
    const moved = await runClocks(t.database.db, links, new Date());
    expect(moved.silence_refusal).toBeGreaterThanOrEqual(1);
    const after = (await tracked(c, { url: `${BASE}/requests/${c.number}` })).json();
    expect(after.status).toBe('submitted');
    expect(after.clocks.appealUntil).toBeTruthy();
    expect(after.availableActions).toContain('appeal');
    const appealed = await tracked(c, {
      method: 'POST',
      url: `${BASE}/requests/${c.number}/appeal`,
      payload: { reason: 'Pas de réponse.' },
    });
    expect(appealed.json().status).toBe('appealed');
    const upheld = await actOk(admin, r.id, { action: 'answer_appeal', outcome: 'upheld', answer: 'Accordé après réexamen.' });
    expect(upheld).toMatchObject({
      status: 'approved',
      decision: { outcome: 'approved' },
      appeal: { status: 'answered', outcome: 'upheld' },
    });
  });

  it('refuses an appeal filed after the 30 days', async () => {
    const c = await depositedPermit();
    await actOk(urbanism, c.request.id, { action: 'start_review' });
    await actOk(urbanism, c.request.id, { action: 'reject', reasons: 'Non conforme.' });
    await setColumn(c.number, 'appeal_until', new Date(Date.now() - DAY));
    const before = await snapshot();
    const res = await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/appeal`, payload: { reason: 'Trop tard ?' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('appeal_window_closed');
    expect(await snapshot()).toEqual(before);
  });

  it('extends a deadline once for a reason the fiche allows, and tells the citizen the new date', async () => {
    const c = await createDraft('establishment_class2');
    for (const d of (await fiche('establishment_class2')).citizenDocuments.filter((x) => x.required)) await attach(c, d.key);
    const r = await submit(c);
    expect(r.status).toBe('submitted');
    expect((await act(admin, r.id, { action: 'extend', reason: 'technical_study', days: 10 })).statusCode).toBe(400);
    const extended = await actOk(admin, r.id, { action: 'extend', reason: 'public_inquiry', days: 10 });
    // Ten local days later (Morocco's offset may change in between: ±1 hour).
    expect(Math.abs(Date.parse(extended.clocks.deadlineAt) - Date.parse(r.clocks.deadlineAt) - 10 * DAY)).toBeLessThanOrEqual(3_600_000);
    expect(extended.clocks).toMatchObject({ extendedTo: extended.clocks.deadlineAt, extensionReason: 'public_inquiry' });
    const again = await act(admin, r.id, { action: 'extend', reason: 'public_inquiry', days: 5 });
    expect(again.json().code).toBe('already_extended');
    const permit = await depositedPermit();
    expect((await act(urbanism, permit.request.id, { action: 'extend', reason: 'public_inquiry', days: 5 })).json().code).toBe(
      'extension_not_allowed',
    );
  });

  it('shows a staff member of another department the same "not found" as a request that does not exist', async () => {
    const c = await depositedPermit();
    const id = c.request.id;
    const other = await inject({ url: `${BASE}/queue/${id}`, headers: as(supervisor) });
    const missing = await inject({ url: `${BASE}/queue/00000000-0000-4000-8000-000000000000`, headers: as(admin) });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe(missing.json().code);
    expect(other.json().detail).toBe(missing.json().detail);
    expect((await act(supervisor, id, { action: 'start_review' })).statusCode).toBe(404);
    const queue = await inject({ url: `${BASE}/queue?limit=200`, headers: as(supervisor) });
    expect(queue.json().items.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('records every staff read of a request, so an admin sees who accessed the file', async () => {
    const c = await depositedPermit();
    await inject({ url: `${BASE}/queue/${c.request.id}`, headers: as(urbanism) });
    const audit = await inject({ url: `/api/v1/audit/events?entityType=eservice_request&entityId=${c.request.id}`, headers: as(admin) });
    const views = audit.json().items.filter((e: { action: string }) => e.action === 'eservices.request.viewed');
    expect(views.map((e: { actorLabel: string }) => e.actorLabel)).toContain(URBANISM_EMAIL);
  });

  it('keeps the national ID number out of the audit log and the notifications', async () => {
    await depositedPermit();
    const { rows } = await sql<{ n: number }>`
      SELECT (SELECT count(*)::int FROM platform.audit_event WHERE coalesce(before::text, '') || coalesce(after::text, '') LIKE '%AB123456%')
           + (SELECT count(*)::int FROM platform.job WHERE payload::text LIKE '%AB123456%') AS n`.execute(t.database.db.kysely);
    expect(rows[0]!.n).toBe(0);
  });
});

describe('counter mode', () => {
  it('lets an agent file a request for a citizen at the counter, attach what they brought and deposit it', async () => {
    const answers = await answersFor('shop_operation');
    const created = await inject({
      method: 'POST',
      url: `${BASE}/counter`,
      headers: as(agent),
      payload: {
        procedureCode: 'shop_operation',
        language: 'fr',
        applicant: { name: 'Ahmed Benali', phone: '0600000002' },
        answers,
        consents: { trade_register_certificate: true },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { number, request } = created.json();
    expect(request.channel).toBe('counter');
    const form = multipart([
      { name: 'documentKey', data: 'premises_right' },
      { name: 'file', filename: 'bail.pdf', type: 'application/pdf', data: buildPdf() },
    ]);
    const attached = await inject({
      method: 'POST',
      url: `${BASE}/queue/${request.id}/attachments`,
      headers: { ...as(agent), ...form.headers },
      payload: form.payload,
    });
    expect(attached.statusCode, attached.body).toBe(201);
    const deposited = await inject({ method: 'POST', url: `${BASE}/queue/${request.id}/submit`, headers: as(agent) });
    expect(deposited.statusCode, deposited.body).toBe(200);
    expect(deposited.json()).toMatchObject({ number, status: 'submitted' });
    const receipt = await inject({ url: `${BASE}/queue/${request.id}/receipt.pdf?lang=fr`, headers: as(agent) });
    expect(receipt.statusCode).toBe(200);
    // The bureau d'ordre received it; the economic affairs service processes it.
    expect((await act(agent, request.id, { action: 'start_review' })).statusCode).toBe(404);
    expect((await act(admin, request.id, { action: 'start_review' })).statusCode).toBe(200);
  });

  it('refuses counter filing to staff without the right', async () => {
    const technician = await loginAs(t, 'technician');
    const res = await inject({
      method: 'POST',
      url: `${BASE}/counter`,
      headers: as(technician),
      payload: { procedureCode: 'shop_operation', language: 'fr', applicant: { name: 'A' } },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('indicators, settings and holidays', () => {
  it('counts the requests per procedure as JSON and CSV, and publishes them only when the commune chooses', async () => {
    const json = await inject({ url: `${BASE}/indicators`, headers: as(admin) });
    expect(json.statusCode).toBe(200);
    const permit = json.json().items.find((i: { procedure: { code: string } }) => i.procedure.code === 'building_permit_small');
    expect(permit.received).toBeGreaterThan(0);
    expect(permit.completeAtDeposit + permit.incompleteAtDeposit).toBe(permit.received);
    const csv = await inject({ url: `${BASE}/indicators?format=csv`, headers: as(admin) });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('procedure_code,procedure_name_ar');
    expect(csv.body).toContain('building_permit_small');
    expect((await inject({ url: `${BASE}/indicators/public` })).statusCode).toBe(404);
    const settings = (await inject({ url: `${BASE}/settings`, headers: as(admin) })).json();
    expect(settings).toMatchObject({
      completionDays: 30,
      appealDays: 30,
      appealAnswerDays: 15,
      escalationDays: 10,
      deliveryDays: 7,
      certificateDays: 10,
    });
    expect(
      (await inject({ method: 'PUT', url: `${BASE}/settings`, headers: as(urbanism), payload: { ...settings, publishIndicators: true } }))
        .statusCode,
    ).toBe(403);
    const put = await inject({
      method: 'PUT',
      url: `${BASE}/settings`,
      headers: as(admin),
      payload: { ...settings, publishIndicators: true },
    });
    expect(put.statusCode, put.body).toBe(200);
    const pub = await inject({ url: `${BASE}/indicators/public` });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().items.length).toBeGreaterThan(0);
    await inject({ method: 'PUT', url: `${BASE}/settings`, headers: as(admin), payload: settings });
  });

  it('lists the holidays of a year and moves an Islamic one to its official date', async () => {
    const list = (await inject({ url: `${BASE}/holidays?year=2026`, headers: as(admin) })).json().items as {
      id: string;
      date: string;
      hijriYear?: number;
      adjusted: boolean;
    }[];
    const fitr = list.find((h) => h.id === 'eid_al_fitr')!;
    expect(fitr).toBeTruthy();
    const moved = new Date(Date.parse(`${fitr.date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
    const res = await inject({
      method: 'PUT',
      url: `${BASE}/holidays/adjustments`,
      headers: as(admin),
      payload: { holiday: 'eid_al_fitr', hijriYear: fitr.hijriYear, date: moved },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.find((h: { id: string; adjusted: boolean }) => h.id === 'eid_al_fitr' && h.adjusted)?.date).toBe(moved);
    const far = await inject({
      method: 'PUT',
      url: `${BASE}/holidays/adjustments`,
      headers: as(admin),
      payload: { holiday: 'eid_al_fitr', hijriYear: fitr.hijriYear, date: '2026-12-25' },
    });
    expect(far.statusCode).toBe(422);
    expect(
      (
        await inject({
          method: 'PUT',
          url: `${BASE}/holidays/adjustments`,
          headers: as(urbanism),
          payload: { holiday: 'eid_al_fitr', hijriYear: 1447, date: moved },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('retries, assignment, settings and the demo', () => {
  it('creates one request for a retried creation with the same Idempotency-Key, and refuses the key for another one', async () => {
    const payload = { procedureCode: 'building_permit_small', language: 'fr', applicant: { name: 'Karim' } };
    const headers = { 'idempotency-key': 'retry-key-0001' };
    const ip = nextAddress();
    const first = await inject({ method: 'POST', url: `${BASE}/requests`, remoteAddress: ip, headers, payload });
    const again = await inject({ method: 'POST', url: `${BASE}/requests`, remoteAddress: ip, headers, payload });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ number: first.json().number, token: first.json().token });
    const other = await inject({
      method: 'POST',
      url: `${BASE}/requests`,
      remoteAddress: ip,
      headers,
      payload: { ...payload, language: 'ar' },
    });
    expect(other.statusCode).toBe(422);
    expect((await inject({ method: 'POST', url: `${BASE}/requests`, headers: { 'idempotency-key': 'x' }, payload })).statusCode).toBe(400);
  });

  it('assigns a request to a member of its department only', async () => {
    const c = await depositedPermit();
    const users = await sql<{ id: string; email: string }>`SELECT id, email FROM platform.user_account`.execute(t.database.db.kysely);
    const idOf = (email: string) => users.rows.find((u) => u.email === email)!.id;
    const assigned = await inject({
      method: 'POST',
      url: `${BASE}/queue/${c.request.id}/assign`,
      headers: as(urbanism),
      payload: { userId: idOf(URBANISM_EMAIL) },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assignee).toMatchObject({ id: idOf(URBANISM_EMAIL) });
    const mine = await inject({ url: `${BASE}/queue?assigned=me`, headers: as(urbanism) });
    expect(mine.json().items.map((r: { id: string }) => r.id)).toContain(c.request.id);
    const outsider = await inject({
      method: 'POST',
      url: `${BASE}/queue/${c.request.id}/assign`,
      headers: as(urbanism),
      payload: { userId: idOf('technician@berkane.example') },
    });
    expect(outsider.statusCode).toBe(400);
    expect(outsider.json().errors[0].pointer).toBe('/body/userId');
    // The citizen does not see who handles the file.
    expect((await tracked(c, { url: `${BASE}/requests/${c.number}` })).json().assignee).toBeNull();
  });

  it('counts the deadline from the first deposit when the commune reads the law so', async () => {
    const settings = (await inject({ url: `${BASE}/settings`, headers: as(admin) })).json();
    await inject({ method: 'PUT', url: `${BASE}/settings`, headers: as(admin), payload: { ...settings, silenceStartsAt: 'deposit' } });
    try {
      const c = await createDraft('building_permit_small');
      const incomplete = await submit(c);
      await setColumn(c.number, 'deposited_at', new Date(Date.now() - 5 * DAY));
      await attach(c, 'architectural_plans');
      const r = (await tracked(c, { method: 'POST', url: `${BASE}/requests/${c.number}/complete`, payload: {} })).json();
      expect(incomplete.status).toBe('incomplete');
      expect(r.status).toBe('submitted');
      // 15 days from five days ago, not from today.
      expect(Date.parse(r.clocks.deadlineAt) - Date.now()).toBeLessThan(11 * DAY);
    } finally {
      await inject({ method: 'PUT', url: `${BASE}/settings`, headers: as(admin), payload: settings });
    }
  });

  it('seeds demo requests in several states, opened with the published demo secret', async () => {
    const { items } = (await inject({ url: `${BASE}/queue?limit=200`, headers: as(admin) })).json();
    const { rows } = await sql<{ number: string; status: string }>`SELECT number, status FROM eservices.request WHERE is_demo`.execute(
      t.database.db.kysely,
    );
    // Seeded as submitted, incomplete, under review, rejected, deemed approved and approved (the
    // clock job run by earlier tests at later times may have moved the first two since).
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.status)).toEqual(expect.arrayContaining(['under_review', 'rejected', 'deemed_approved', 'approved']));
    expect(items.filter((r: { number: string }) => rows.some((d) => d.number === r.number)).length).toBe(rows.length);
    const demo = await inject({
      url: `${BASE}/requests/${rows[0]!.number}`,
      headers: { 'x-tracking-token': 'berkane-demo-tracking-2026' },
    });
    expect(demo.statusCode).toBe(200);
    expect(demo.json().isDemo).toBe(true);
  });
});

describe('attachments of a draft', () => {
  it('deletes a draft untouched for the set days with its files, in the audit log, and keeps recent drafts and deposited files', async () => {
    const stale = await createDraft('building_permit_small');
    await attach(stale, 'ownership_deed');
    const recent = await createDraft('building_permit_small');
    const deposited = await depositedPermit();
    const files = storedFiles().length;
    const now = Date.now();
    const old = new Date(now - (LIMITS.eservicesDraftDays + 1) * DAY);
    await setColumn(stale.number, 'updated_at', old);
    // A deposited request is never a draft, however old.
    await setColumn(deposited.number, 'updated_at', old);
    expect(await purgeStaleDrafts(t.database.db, t.platform.files, new Date(now))).toBe(1);
    expect((await tracked(stale, { url: `${BASE}/requests/${stale.number}` })).statusCode).toBe(404);
    expect((await tracked(recent, { url: `${BASE}/requests/${recent.number}` })).json().status).toBe('draft');
    expect((await tracked(deposited, { url: `${BASE}/requests/${deposited.number}` })).json().status).toBe('submitted');
    expect(storedFiles().length).toBe(files - 1);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM platform.audit_event
       WHERE action = 'eservices.request.draft_purged' AND entity_id = ${stale.request.id}`.execute(t.database.db.kysely);
    expect(rows[0]?.n).toBe(1);
    // Again at the same time: nothing more to delete.
    expect(await purgeStaleDrafts(t.database.db, t.platform.files, new Date(now))).toBe(0);
  });

  it('removes an attachment from a draft, and none from a deposited file', async () => {
    const c = await createDraft('building_permit_small');
    const a = (await attach(c, 'ownership_deed')).json();
    const files = storedFiles().length;
    const removed = await tracked(c, { method: 'DELETE', url: `${BASE}/requests/${c.number}/attachments/${a.id}` });
    expect(removed.statusCode).toBe(204);
    expect(storedFiles().length).toBe(files - 1);
    expect((await tracked(c, { method: 'DELETE', url: `${BASE}/requests/${c.number}/attachments/${a.id}` })).statusCode).toBe(404);
    const kept = (await attach(c, 'architectural_plans')).json();
    await submit(c);
    const refused = await tracked(c, { method: 'DELETE', url: `${BASE}/requests/${c.number}/attachments/${kept.id}` });
    expect(refused.statusCode).toBe(409);
    const file = await tracked(c, { url: `${BASE}/requests/${c.number}/attachments/${kept.id}` });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
  });
});
