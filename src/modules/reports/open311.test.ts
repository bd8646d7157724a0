import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { multipart } from '../../../test/helpers/multipart.js';
import { createCommuneFromArea } from '../../platform/communes/communes.service.js';
import { createApiKey } from '../org/index.js';
import { w3cDateTime, XML_ITEMS } from './open311.presenters.js';
import * as schemas from './open311.schemas.js';
import { escapeXml, toXml } from './open311.xml.js';

let t: TestApp;
let supervisor: Session;
let admin: Session;
let berkaneId: string;
let key: string;
let keyId: string;
/** A key of another commune (Saidia). */
let saidiaKey: string;
/** A point inside Berkane's real boundary, and one in a neighbouring commune. */
let inside: { lat: number; lon: number };
let outside: { lat: number; lon: number };
const cli = { type: 'cli' as const, id: null, label: 'test' };

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://berkane.example' });
  supervisor = await loginAs(t, 'supervisor');
  admin = await loginAs(t, 'admin');
  const { rows } = await sql<{ id: string; lat: number; lon: number; olat: number; olon: number }>`
    SELECT c.id, ST_Y(ST_PointOnSurface(c.boundary)) AS lat, ST_X(ST_PointOnSurface(c.boundary)) AS lon,
           ST_Y(ST_PointOnSurface(a.boundary)) AS olat, ST_X(ST_PointOnSurface(a.boundary)) AS olon
      FROM platform.commune c, platform.admin_area a
     WHERE c.code = 'berkane' AND a.official_code <> c.official_code AND NOT ST_Intersects(a.boundary, c.boundary)
     LIMIT 1`.execute(t.database.db.kysely);
  berkaneId = rows[0]!.id;
  inside = { lat: rows[0]!.lat, lon: rows[0]!.lon };
  outside = { lat: rows[0]!.olat, lon: rows[0]!.olon };
  const created = await createApiKey(t.database.db, berkaneId, cli, 'fixmystreet', []);
  key = created.key;
  keyId = created.id;
  const saidia = await createCommuneFromArea(t.database.db, 'saidia', { hosts: ['saidia.localhost'] }, cli);
  saidiaKey = (await createApiKey(t.database.db, saidia!, cli, 'saidia client', [])).key;
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);
const get = (path: string, headers: Record<string, string> = {}) => inject({ url: `/open311/v2/${path}`, headers });

// ---------------------------------------------------------------------------------------------
// Both formats: JSON as the spec shows it, XML parsed and compared field by field with it.

const xmlParser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => (Object.values(XML_ITEMS) as string[]).includes(name),
});

function json(response: LightMyRequestResponse) {
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  return response.json();
}

function xml(response: LightMyRequestResponse, root: string) {
  expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(response.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(XMLValidator.validate(response.body)).toBe(true);
  const document = xmlParser.parse(response.body);
  expect(Object.keys(document)).toEqual([root]);
  return document[root];
}

/** A JSON answer as its XML document reads: text everywhere, empty elements for null, lists named by their items. */
function asXml(value: unknown, name?: string): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '';
    const item = XML_ITEMS[name as keyof typeof XML_ITEMS];
    return { [item]: value.map((v) => asXml(v, item)) };
  }
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asXml(v, k)]));
  return String(value);
}

// The JSON answers must be what the OpenAPI description says they are.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false }));
const documented = {
  discovery: ajv.compile(schemas.DiscoveryResponse),
  services: ajv.compile(schemas.ServiceList),
  service_definition: ajv.compile(schemas.ServiceDefinition),
  service_requests: ajv.compile(schemas.RequestList),
  created: ajv.compile(schemas.RequestCreated),
  service_request_updates: ajv.compile(schemas.UpdateList),
  errors: ajv.compile(schemas.Open311Errors),
};
function expectDocumented(root: keyof typeof documented, body: unknown) {
  const check = documented[root];
  expect(check(body), JSON.stringify(check.errors)).toBe(true);
}

/** GETs `path` (with `{format}`) in both formats, checks they say the same as documented, and returns the JSON. */
async function both(path: string, root: Exclude<keyof typeof documented, 'created'>, status = 200, headers: Record<string, string> = {}) {
  const j = await get(path.replace('{format}', 'json'), headers);
  const x = await get(path.replace('{format}', 'xml'), headers);
  expect(j.statusCode, j.body).toBe(status);
  expect(x.statusCode, x.body).toBe(status);
  const body = json(j);
  expectDocumented(root, body);
  expect(xml(x, root)).toEqual(asXml(body, root));
  return body;
}

// ---------------------------------------------------------------------------------------------
// Posting.

type Fields = Record<string, string | string[]>;

function form(fields: Fields) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return body.toString();
}

const post = (fields: Fields, format = 'json', headers: Record<string, string> = {}) =>
  inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    payload: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
  });

const postMultipart = (fields: Fields, media: { data: Buffer; filename: string; type: string; name?: string }[], format = 'json') => {
  const parts = [
    ...Object.entries(fields).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((data) => ({ name, data }))),
    ...media.map((m) => ({ name: m.name ?? 'media', data: m.data, filename: m.filename, type: m.type })),
  ];
  const body = multipart(parts);
  return inject({ method: 'POST', url: `/open311/v2/requests.${format}`, payload: body.payload, headers: body.headers });
};

const lamp = (over: Fields = {}): Fields => ({
  api_key: key,
  service_code: 'streetlight',
  lat: String(inside.lat),
  long: String(inside.lon),
  description: 'Lampadaire éteint <b>&</b> "depuis" trois jours',
  'attribute[lamp_state]': 'off',
  ...over,
});

async function created(response: LightMyRequestResponse): Promise<string> {
  expect(response.statusCode, response.body).toBe(201);
  const body = json(response);
  expectDocumented('created', body);
  expect(body).toHaveLength(1);
  expect(Object.keys(body[0]).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
  expect(body[0].service_request_id).toMatch(/^[1-9][0-9]*$/);
  return body[0].service_request_id;
}

const rowOf = async (number: string) =>
  (
    await sql<{
      id: string;
      source: string;
      apiKeyId: string | null;
      attributesJson: string;
      address: string | null;
      hasLocation: boolean;
      districtId: string | null;
      contactName: string | null;
      contactEmail: string | null;
      contactPhone: string | null;
      description: string;
    }>`SELECT id, source, api_key_id, attributes::text AS attributes_json, address, location IS NOT NULL AS has_location, district_id,
              contact_name, contact_email, contact_phone, description
         FROM reports.report WHERE number = ${number}::bigint`.execute(t.database.db.kysely)
  ).rows[0]!;

/** Reports, their history and photos, audit entries and jobs: a refused request changes none of them. */
async function snapshot() {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*)::int FROM reports.report) AS reports,
           (SELECT count(*)::int FROM reports.report_update) AS updates,
           (SELECT count(*)::int FROM reports.photo) AS photos,
           (SELECT count(*)::int FROM platform.audit_event) AS audit,
           (SELECT count(*)::int FROM platform.job) AS jobs`.execute(t.database.db.kysely);
  return rows[0];
}

const jpeg = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: '#36c' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneCo' } })
    .toBuffer();

async function transition(number: string, payload: object, session = supervisor) {
  const { id } = await rowOf(number);
  const response = await inject({ method: 'POST', url: `/api/v1/triage/reports/${id}/status`, headers: as(session), payload });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** A report placed in the past directly in the database (the API files reports now). */
async function insertOld(category: string, daysAgo: number) {
  const { rows } = await sql<{ number: string }>`
    INSERT INTO reports.report (commune_id, category_id, location, description, secret_hash, source, due_at, editable_until, created_at, updated_at)
    SELECT ${berkaneId}, c.id, ST_SetSRID(ST_MakePoint(${inside.lon}::float8, ${inside.lat}::float8), 4326), 'ancien', 'x', 'portal',
           now() - make_interval(days => ${daysAgo}) + interval '3 days', now() - make_interval(days => ${daysAgo}),
           now() - make_interval(days => ${daysAgo}), now() - make_interval(days => ${daysAgo})
      FROM reports.category c WHERE c.commune_id = ${berkaneId} AND c.code = ${category}
    RETURNING number::text AS number`.execute(t.database.db.kysely);
  return rows[0]!.number;
}

const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

// ---------------------------------------------------------------------------------------------

describe('discovery and services', () => {
  it('describes the endpoint: GeoReport v2, production, both formats, how to get a key', async () => {
    const discovery = await both('discovery.{format}', 'discovery');
    expect(discovery.changeset).toMatch(W3C);
    expect(discovery.contact).toContain('https://berkane.example');
    expect(discovery.key_service).toBeTruthy();
    expect(discovery.endpoints).toEqual([
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'https://berkane.example/open311/v2',
        changeset: discovery.changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ]);
  });

  it('lists the enabled categories as services, in Arabic by default and in the caller’s language', async () => {
    const services = await both('services.{format}', 'services');
    const streetlight = services.find((x: { service_code: string }) => x.service_code === 'streetlight');
    expect(streetlight).toEqual({
      service_code: 'streetlight',
      service_name: 'عمود إنارة معطل',
      description: null,
      metadata: true,
      type: 'realtime',
      keywords: null,
      group: 'lighting',
    });
    expect(services.find((x: { service_code: string }) => x.service_code === 'container_full').metadata).toBe(false);
    const fr = await both('services.{format}', 'services', 200, { 'accept-language': 'fr' });
    expect(fr.find((x: { service_code: string }) => x.service_code === 'streetlight').service_name).toBe('Lampadaire en panne');
    const en = await both('services.{format}?locale=en', 'services', 200, { 'accept-language': 'fr' });
    expect(en.find((x: { service_code: string }) => x.service_code === 'streetlight').service_name).toBe('Street light not working');
  });

  it('defines a service’s attributes with their values, and 404s an unknown service', async () => {
    const definition = await both('services/streetlight.{format}?locale=fr', 'service_definition');
    expect(definition.service_code).toBe('streetlight');
    expect(definition.attributes).toEqual([
      {
        variable: true,
        code: 'lamp_state',
        datatype: 'singlevaluelist',
        required: true,
        datatype_description: null,
        order: 1,
        description: 'Quel est le problème ?',
        values: [
          { key: 'off', name: 'Éteint la nuit' },
          { key: 'flickering', name: 'Clignote' },
          { key: 'day_burning', name: 'Allumé le jour' },
        ],
      },
      {
        variable: true,
        code: 'pole_number',
        datatype: 'string',
        required: false,
        datatype_description: null,
        order: 2,
        description: 'Numéro du poteau, s’il y en a un',
      },
    ]);
    const dumping = await both('services/illegal_dumping.{format}', 'service_definition');
    expect(dumping.attributes[0]).toMatchObject({ datatype: 'multivaluelist', required: false });
    expect(dumping.attributes[0].datatype_description).toContain('attribute[code][]');
    expect(await both('services/pavement.{format}', 'service_definition')).toEqual({ service_code: 'pavement', attributes: [] });
    const missing = await both('services/no_such_service.{format}', 'errors', 404);
    expect(missing).toEqual([{ code: 404, description: expect.stringMatching(/^service_code: /) }]);
  });

  it('selects the commune with jurisdiction_id (code or host name); an unknown one is 404', async () => {
    expect(await both('services.{format}?jurisdiction_id=saidia', 'services')).toEqual([]);
    expect(await both('services.{format}?jurisdiction_id=saidia.localhost', 'services')).toEqual([]);
    expect(await both('requests.{format}?jurisdiction_id=saidia', 'service_requests')).toEqual([]);
    const berkane = await both('services.{format}?jurisdiction_id=berkane', 'services');
    expect(berkane.length).toBeGreaterThan(10);
    const unknown = await both('services.{format}?jurisdiction_id=atlantis', 'errors', 404);
    expect(unknown[0].description).toMatch(/^jurisdiction_id: /);
  });
});

describe('POST requests', () => {
  it('files a request from a form with single and multi-valued attributes, and answers the spec’s shape', async () => {
    const before = Date.now();
    const number = await created(
      await post({
        api_key: key,
        service_code: 'illegal_dumping',
        lat: String(inside.lat),
        long: String(inside.lon),
        description: 'Gravats',
        email: 'Ahmed@Example.org',
        first_name: 'Ahmed',
        last_name: 'Alaoui',
        phone: '+212 600 111 222',
        device_id: 'device-0b5e6c1a',
        account_id: 'fms-42',
        'attribute[waste_type][]': ['rubble', 'green'],
      }),
    );
    const row = await rowOf(number);
    expect(row).toMatchObject({
      source: 'open311',
      apiKeyId: keyId,
      contactName: 'Ahmed Alaoui',
      contactEmail: 'ahmed@example.org',
      contactPhone: '+212 600 111 222',
      hasLocation: true,
    });
    // As text: the plugin that camelCases column names would rewrite the answers' keys too.
    expect(JSON.parse(row.attributesJson)).toEqual({ waste_type: ['rubble', 'green'] });
    const single = await created(await post(lamp()));
    expect(JSON.parse((await rowOf(single)).attributesJson)).toEqual({ lamp_state: 'off' });
    // The audit log names the client.
    const { rows } = await sql<{ actorType: string; actorLabel: string }>`
      SELECT actor_type, actor_label FROM platform.audit_event WHERE entity_id = ${row.id} AND action = 'reports.report.create'`.execute(
      t.database.db.kysely,
    );
    expect(rows).toEqual([{ actorType: 'api_key', actorLabel: 'api key fixmystreet' }]);
    // The public view has no personal data and no secret.
    const [request] = await both(`requests/${number}.{format}`, 'service_requests');
    expect(JSON.stringify(request)).not.toMatch(/ahmed|alaoui|600 111|fms-42/i);
    expect(Date.parse(request.requested_datetime)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  });

  it('answers in XML with <service_requests><request>, and never the tracking secret', async () => {
    const response = await post(lamp(), 'xml', { 'accept-language': 'fr' });
    expect(response.statusCode, response.body).toBe(201);
    const body = xml(response, 'service_requests');
    expect(Object.keys(body.request[0])).toEqual(['service_request_id', 'service_notice', 'account_id']);
    expect(body.request[0].account_id).toBe('');
    expect(body.request[0].service_notice).toContain("Service de l'éclairage public");
    expect(response.headers.location).toBe(`/open311/v2/requests/${body.request[0].service_request_id}.xml`);
    expect(response.body).not.toMatch(/token|secret/i);
  });

  it('takes an address_string alone, or a district as address_id', async () => {
    const number = await created(await post(lamp({ lat: '', long: '', address_string: 'شارع محمد الخامس، قرب المسجد' })));
    expect(await rowOf(number)).toMatchObject({ hasLocation: false, address: 'شارع محمد الخامس، قرب المسجد' });
    const [request] = await both(`requests/${number}.{format}`, 'service_requests');
    expect(request).toMatchObject({ lat: null, long: null, address: 'شارع محمد الخامس، قرب المسجد' });

    const { items } = (await inject({ url: '/api/v1/reports/districts' })).json();
    const district = items[0];
    const byDistrict = await created(await post(lamp({ lat: '', long: '', address_id: district.id })));
    expect(await rowOf(byDistrict)).toMatchObject({
      hasLocation: false,
      districtId: district.id,
      address: district.name.ar ?? district.name.fr,
    });
    const [withDistrict] = await both(`requests/${byDistrict}.{format}`, 'service_requests');
    expect(withDistrict.address_id).toBe(district.id);
  });

  it('takes photos as multipart `media`, re-encoded and public once approved; media_url stays a note for staff', async () => {
    const counts = await snapshot();
    const response = await postMultipart(lamp({ media_url: 'https://fixmystreet.example/photo/1.jpeg' }), [
      { data: await jpeg(), filename: 'IMG_0001.jpg', type: 'image/jpeg' },
    ]);
    const number = await created(response);
    const after = await snapshot();
    expect(after!.photos).toBe(counts!.photos! + 1);
    const [before] = await both(`requests/${number}.{format}`, 'service_requests');
    expect(before.media_url).toBeNull();

    const { id } = await rowOf(number);
    const staff = (await inject({ url: `/api/v1/triage/reports/${id}`, headers: as(supervisor) })).json();
    expect(staff.updates.find((u: { kind: string }) => u.kind === 'internal_note')).toMatchObject({
      isPublic: false,
      text: 'Open311 media_url: https://fixmystreet.example/photo/1.jpeg',
    });
    const photo = staff.photos[0];
    expect(photo).toMatchObject({ approved: false, uploadedBy: 'citizen' });
    const approved = await inject({
      method: 'POST',
      url: `/api/v1/triage/reports/${id}/moderation`,
      headers: as(supervisor),
      payload: { photos: [{ id: photo.id, approved: true }] },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const [request] = await both(`requests/${number}.{format}`, 'service_requests');
    expect(request.media_url).toBe(`https://berkane.example/api/v1/reports/${number}/photos/${photo.id}`);
    const image = await inject({ url: new URL(request.media_url).pathname });
    expect(image.statusCode).toBe(200);
    expect((await sharp(image.rawPayload).metadata()).exif).toBeUndefined();
  });

  it('files one request for a post retried with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'open311-retry-7f3a9c' };
    const first = await created(await post(lamp({ description: 'retried' }), 'json', headers));
    const counts = await snapshot();
    const again = await post(lamp({ description: 'retried' }), 'json', headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()[0].service_request_id).toBe(first);
    expect(await snapshot()).toEqual(counts);
  });

  it('accepts a key of the commune as a Bearer token too', async () => {
    const { api_key: _, ...fields } = lamp();
    await created(await post(fields, 'json', { authorization: `Bearer ${key}` }));
  });
});

describe('bad input is refused in the spec’s format, and nothing is stored', () => {
  const cases: [string, () => Fields, number, RegExp?][] = [
    ['a wrong api_key', () => lamp({ api_key: `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` }), 403],
    ['a missing api_key', () => lamp({ api_key: '' }), 403],
    ['an api_key of another commune', () => lamp({ api_key: saidiaKey }), 403],
    ['a key of Berkane posted to another commune', () => lamp({ jurisdiction_id: 'saidia' }), 403],
    ['an unknown jurisdiction_id', () => lamp({ jurisdiction_id: 'atlantis' }), 404, /^jurisdiction_id: /],
    ['a latitude out of range', () => lamp({ lat: '91' }), 400, /^lat: /],
    ['a longitude out of range', () => lamp({ long: '-181' }), 400, /^long: /],
    ['a latitude that is not a number', () => lamp({ lat: '34,9' }), 400, /^lat: /],
    ['a latitude without its longitude', () => lamp({ long: '' }), 400, /^long: /],
    ['a place outside the commune', () => lamp({ lat: String(outside.lat), long: String(outside.lon) }), 400, /^lat\/long: /],
    ['a missing place', () => lamp({ lat: '', long: '' }), 400, /lat.*long.*address_string.*address_id/],
    ['an unknown address_id', () => lamp({ lat: '', long: '', address_id: '00000000-0000-4000-8000-000000000000' }), 400, /^address_id: /],
    ['a missing service_code', () => lamp({ service_code: '' }), 400, /^service_code: /],
    ['an unknown service_code', () => lamp({ service_code: 'no_such_service' }), 404, /^service_code: /],
    ['a missing required attribute', () => lamp({ 'attribute[lamp_state]': '' }), 400, /^attribute\[lamp_state\]: /],
    ['an attribute value not in its list', () => lamp({ 'attribute[lamp_state]': 'exploded' }), 400, /^attribute\[lamp_state\]: /],
    [
      'two values for a single-value attribute',
      () => lamp({ 'attribute[lamp_state]': ['off', 'flickering'] }),
      400,
      /^attribute\[lamp_state\]: /,
    ],
    ['an unknown attribute', () => lamp({ 'attribute[colour]': 'red' }), 400, /^attribute\[colour\]: /],
    ['a description over 4,000 characters', () => lamp({ description: 'x'.repeat(4001) }), 400, /^description: .*4/],
    ['a description with control characters', () => lamp({ description: 'a\u0000b' }), 400, /^description: /],
    ['a malformed email', () => lamp({ email: 'not-an-email' }), 400, /^email: /],
    ['a media_url that is not a web address', () => lamp({ media_url: 'file:///etc/passwd' }), 400, /^media_url: /],
    ['an unknown field', () => lamp({ priority: 'urgent' }), 400, /^priority: /],
    ['a repeated field', () => lamp({ description: ['a', 'b'] }), 400, /^description: /],
  ];
  for (const [name, fields, status, description] of cases) {
    it(`refuses ${name} (${status})`, async () => {
      const counts = await snapshot();
      for (const format of ['json', 'xml']) {
        const response = await post(fields(), format);
        expect(response.statusCode, response.body).toBe(status);
        if (format === 'json') expectDocumented('errors', response.json());
        const errors =
          format === 'json' ? json(response) : (xml(response, 'errors') as { error: { code: string; description: string }[] }).error;
        expect(errors.length).toBeGreaterThan(0);
        for (const e of errors) expect(String(e.code)).toBe(String(status));
        if (description) expect(errors.map((e: { description: string }) => e.description).join('\n')).toMatch(description);
      }
      expect(await snapshot()).toEqual(counts);
    });
  }

  it('refuses media that is not an image whatever its name, more than five photos, and a file under another name', async () => {
    const counts = await snapshot();
    const fake = await postMultipart(lamp(), [{ data: Buffer.from('%PDF-1.7\n1 0 obj\n'), filename: 'photo.jpg', type: 'image/jpeg' }]);
    expect(fake.statusCode, fake.body).toBe(400);
    expect(json(fake)[0].description).toMatch(/^media: /);
    const mixed = await postMultipart(
      lamp(),
      [
        { data: await jpeg(), filename: 'a.jpg', type: 'image/jpeg' },
        { data: Buffer.from('not an image'), filename: 'b.png', type: 'image/png' },
      ],
      'xml',
    );
    expect(mixed.statusCode).toBe(400);
    expect(xml(mixed, 'errors').error[0].code).toBe('400');
    const photo = await jpeg();
    const six = await postMultipart(
      lamp(),
      Array.from({ length: 6 }, (_, i) => ({ data: photo, filename: `${i}.jpg`, type: 'image/jpeg' })),
    );
    expect(six.statusCode).toBe(400);
    const other = await postMultipart(lamp(), [{ data: photo, filename: 'a.jpg', type: 'image/jpeg', name: 'photo' }]);
    expect(other.statusCode).toBe(400);
    // A wrong key is reported as such even with a bad file.
    const wrongKey = await postMultipart(lamp({ api_key: 'mdn_0000000000_x' }), [
      { data: Buffer.from('nope'), filename: 'a.jpg', type: 'image/jpeg' },
    ]);
    expect(wrongKey.statusCode).toBe(403);
    expect(await snapshot()).toEqual(counts);
  });

  it('refuses a JSON body: the spec posts forms', async () => {
    const counts = await snapshot();
    const response = await inject({ method: 'POST', url: '/open311/v2/requests.json', payload: lamp() });
    expect(response.statusCode).toBe(400);
    expect(json(response)[0].code).toBe(400);
    expect(await snapshot()).toEqual(counts);
  });
});

describe('GET requests', () => {
  it('shows a request as the spec has it: ids as strings, date-times with the commune’s offset, no personal data', async () => {
    const number = await created(await post(lamp({ email: 'privee@example.org', first_name: 'Samira' })));
    const [request] = await both(`requests/${number}.{format}?locale=fr`, 'service_requests');
    const row = (
      await sql<{
        createdAt: Date;
        updatedAt: Date;
        dueAt: Date;
      }>`SELECT created_at, updated_at, due_at FROM reports.report WHERE number = ${number}::bigint`.execute(t.database.db.kysely)
    ).rows[0]!;
    expect(Object.keys(request)).toEqual([
      'service_request_id',
      'status',
      'status_notes',
      'service_name',
      'service_code',
      'description',
      'agency_responsible',
      'service_notice',
      'requested_datetime',
      'updated_datetime',
      'expected_datetime',
      'address',
      'address_id',
      'zipcode',
      'lat',
      'long',
      'media_url',
    ]);
    expect(request).toMatchObject({
      service_request_id: number,
      status: 'open',
      status_notes: null,
      service_name: 'Lampadaire en panne',
      service_code: 'streetlight',
      description: lamp().description,
      agency_responsible: "Service de l'éclairage public",
      lat: inside.lat,
      long: inside.lon,
    });
    for (const [field, at] of [
      ['requested_datetime', row.createdAt],
      ['updated_datetime', row.updatedAt],
      ['expected_datetime', row.dueAt],
    ] as const) {
      expect(request[field]).toMatch(W3C);
      // The same instant, written in Casablanca's wall-clock time.
      expect(Date.parse(request[field])).toBe(Math.floor(at.getTime() / 1000) * 1000);
      const local = new Intl.DateTimeFormat('sv-SE', {
        timeZone: 'Africa/Casablanca',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })
        .format(at)
        .replace(' ', 'T');
      expect(request[field].slice(0, 19)).toBe(local);
    }
    expect(JSON.stringify(request)).not.toMatch(/privee|Samira/);
  });

  it('keeps requests of non-public categories and unknown ids out: 404', async () => {
    const hidden = await created(
      await post(
        lamp({ service_code: 'unsanitary_establishment', 'attribute[lamp_state]': '', 'attribute[establishment]': 'Boucherie X' }),
      ),
    );
    expect(await both(`requests/${hidden}.{format}`, 'errors', 404)).toEqual([
      { code: 404, description: expect.stringMatching(/^service_request_id: /) },
    ]);
    expect(await both(`requests.{format}?service_request_id=${hidden}`, 'service_requests')).toEqual([]);
    await both('requests/999999999.{format}', 'errors', 404);
    await both('requests/abc.{format}', 'errors', 404);
  });

  it('gives closed requests their status notes and the time they were closed', async () => {
    const fixed = await created(await post(lamp({ service_code: 'drain', 'attribute[lamp_state]': '' })));
    const open = await created(await post(lamp({ service_code: 'drain', 'attribute[lamp_state]': '' })));
    const other = await created(await post(lamp({ service_code: 'drain', 'attribute[lamp_state]': '' })));
    const dup = await created(await post(lamp({ service_code: 'drain', 'attribute[lamp_state]': '' })));
    const staff = await transition(fixed, { status: 'fixed', note: 'Avaloir débouché' });
    await transition(other, { status: 'not_responsible', responsibleBody: 'ONEE' });
    await transition(dup, { status: 'duplicate', duplicateOf: open });
    const list = await both(`requests.{format}?service_request_id=${[fixed, open, other, dup].join(',')}&locale=en`, 'service_requests');
    const byId = Object.fromEntries(list.map((r: { service_request_id: string }) => [r.service_request_id, r]));
    expect(byId[fixed]).toMatchObject({ status: 'closed', status_notes: 'Fixed — Avaloir débouché' });
    expect(Date.parse(byId[fixed].updated_datetime)).toBe(Math.floor(Date.parse(staff.resolvedAt) / 1000) * 1000);
    expect(byId[open]).toMatchObject({ status: 'open', status_notes: null });
    expect(byId[other]).toMatchObject({ status: 'closed', status_notes: "Not the commune's responsibility: ONEE" });
    expect(byId[dup]).toMatchObject({ status: 'closed', status_notes: `Duplicate of request ${open}` });

    const ids = (rows: { service_request_id: string }[]) => rows.map((r) => r.service_request_id);
    const closed = ids(await both('requests.{format}?service_code=drain&status=closed', 'service_requests'));
    expect(closed).toEqual(expect.arrayContaining([fixed, other, dup]));
    expect(closed).not.toContain(open);
    const opened = ids(await both('requests.{format}?service_code=drain&status=open', 'service_requests'));
    expect(opened).toContain(open);
    expect(opened).not.toContain(fixed);
    const all = ids(await both('requests.{format}?service_code=drain&status=open,closed', 'service_requests'));
    expect(all).toEqual(expect.arrayContaining([fixed, open, other, dup]));
    // Declared twice, as some clients do.
    expect(ids(json(await get('requests.json?service_code=drain&status=open&status=closed')))).toEqual(all);
    // service_request_id overrides the other filters.
    expect(ids(await both(`requests.{format}?service_request_id=${fixed}&status=open&service_code=pothole`, 'service_requests'))).toEqual([
      fixed,
    ]);
  });

  it('filters by service_code (a list), newest first', async () => {
    const a = await created(await post(lamp({ service_code: 'bus_stop', 'attribute[lamp_state]': '' })));
    const b = await created(await post(lamp({ service_code: 'pests', 'attribute[lamp_state]': '' })));
    const list = await both('requests.{format}?service_code=bus_stop,pests', 'service_requests');
    expect(list.every((r: { service_code: string }) => ['bus_stop', 'pests'].includes(r.service_code))).toBe(true);
    expect(list.slice(0, 2).map((r: { service_request_id: string }) => r.service_request_id)).toEqual([b, a]);
    const times = list.map((r: { requested_datetime: string }) => Date.parse(r.requested_datetime));
    expect(times).toEqual([...times].sort((x: number, y: number) => y - x));
  });

  it('covers the last 90 days by default; start_date and end_date move the window, which may not exceed 90 days', async () => {
    const old = await insertOld('green_space', 120);
    const ids = async (query: string) =>
      (await both(`requests.{format}?service_code=green_space${query}`, 'service_requests')).map(
        (r: { service_request_id: string }) => r.service_request_id,
      );
    expect(await ids('')).not.toContain(old);
    const day = 86_400_000;
    const iso = (daysAgo: number) => w3cDateTime(new Date(Date.now() - daysAgo * day), 'Africa/Casablanca');
    expect(await ids(`&start_date=${encodeURIComponent(iso(125))}`)).toContain(old);
    expect(await ids(`&end_date=${encodeURIComponent(iso(100))}`)).toContain(old);
    expect(await ids(`&start_date=${encodeURIComponent(iso(125))}&end_date=${encodeURIComponent(iso(115))}`)).toEqual([old]);
    expect(await ids(`&start_date=${encodeURIComponent(iso(110))}&end_date=${encodeURIComponent(iso(100))}`)).toEqual([]);
    // A client that did not percent-encode the offset's "+".
    expect(await ids(`&start_date=${iso(125)}&end_date=${iso(115)}`)).toEqual([old]);
    const tooLong = await both(
      `requests.{format}?start_date=${encodeURIComponent(iso(125))}&end_date=${encodeURIComponent(iso(1))}`,
      'errors',
      400,
    );
    expect(tooLong[0].description).toMatch(/^start_date, end_date: /);
    await both(`requests.{format}?start_date=${encodeURIComponent(iso(1))}&end_date=${encodeURIComponent(iso(5))}`, 'errors', 400);
    await both('requests.{format}?start_date=2026-13-01T00:00:00Z', 'errors', 400);
    await both('requests.{format}?start_date=yesterday', 'errors', 400);
  });

  it('returns at most 1000 requests', async () => {
    await sql`
      INSERT INTO reports.report (commune_id, category_id, location, description, secret_hash, source, due_at, editable_until, created_at, updated_at)
      SELECT ${berkaneId}, c.id, ST_SetSRID(ST_MakePoint(${inside.lon}::float8, ${inside.lat}::float8), 4326), 'série ' || n, 'x', 'portal',
             now() + interval '1 day', now(), now() - make_interval(mins => n), now() - make_interval(mins => n)
        FROM reports.category c, generate_series(1, 1005) AS n
       WHERE c.commune_id = ${berkaneId} AND c.code = 'pavement'`.execute(t.database.db.kysely);
    const list = await both('requests.{format}', 'service_requests');
    expect(list).toHaveLength(1000);
    expect(list.every((r: { service_request_id: unknown }) => typeof r.service_request_id === 'string')).toBe(true);
  });

  it('treats empty parameters as absent and refuses unknown ones in the spec’s format', async () => {
    const plain = json(await get('requests.json?service_code=bus_stop'));
    expect(json(await get('requests.json?service_code=bus_stop&status=&start_date=&jurisdiction_id='))).toEqual(plain);
    const unknown = await both('requests.{format}?page_size=10', 'errors', 400);
    expect(unknown).toEqual([{ code: 400, description: expect.stringMatching(/^page_size: /) }]);
    expect((await both('requests.{format}?status=pending', 'errors', 400))[0].description).toMatch(/^status: /);
    expect((await both('requests.{format}?service_request_id=12;DROP', 'errors', 400))[0].description).toMatch(/^service_request_id: /);
  });
});

describe('tokens, unknown paths and formats', () => {
  it('answers a token with 404: requests are created at once and no token is issued', async () => {
    const errors = await both('tokens/12345.{format}', 'errors', 404);
    expect(errors[0].description).toMatch(/^token: /);
  });

  it('answers an unknown format with 400 and an unknown path with 404, in the spec’s XML', async () => {
    const html = await get('services.html');
    expect(html.statusCode).toBe(400);
    expect(xml(html, 'errors').error[0].code).toBe('400');
    for (const url of ['/open311', '/open311/', '/open311/v2/', '/open311/v2/requests/1']) {
      const response = await inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(xml(response, 'errors').error[0].code).toBe('404');
    }
    const nothing = await get('nothing/here');
    expect(nothing.statusCode).toBe(404);
    expect(xml(nothing, 'errors').error[0].code).toBe('404');
    const posted = await inject({
      method: 'POST',
      url: '/open311/v2/nothing.json',
      payload: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(posted.statusCode).toBe(404);
    expect(json(posted)).toEqual([{ code: 404, description: expect.any(String) }]);
  });
});

describe('servicerequestupdates (mySociety’s extension)', () => {
  it('lists the public updates with FixMyStreet’s statuses, oldest first, without internal notes or private categories', async () => {
    const start = w3cDateTime(new Date(Date.now() - 1000), 'Africa/Casablanca');
    const number = await created(await post(lamp()));
    const { id } = await rowOf(number);
    const assigned = await inject({
      method: 'POST',
      url: `/api/v1/triage/reports/${id}/assign`,
      headers: as(supervisor),
      payload: { team: 'Équipe A' },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const note = (text: string, isPublic: boolean) =>
      inject({ method: 'POST', url: `/api/v1/triage/reports/${id}/updates`, headers: as(supervisor), payload: { text, public: isPublic } });
    expect((await note('Intervention prévue jeudi', true)).statusCode).toBe(200);
    expect((await note('Appeler le chef d’équipe', false)).statusCode).toBe(200);
    await transition(number, { status: 'in_progress' });
    await transition(number, { status: 'fixed', note: 'Lampe remplacée' });
    const hidden = await created(
      await post(lamp({ service_code: 'unsanitary_establishment', 'attribute[lamp_state]': '', 'attribute[establishment]': 'Café Y' })),
    );
    await transition(hidden, { status: 'acknowledged' }, admin);

    const updates = await both(`servicerequestupdates.{format}?start_date=${encodeURIComponent(start)}`, 'service_request_updates');
    const ours = updates.filter((u: { service_request_id: string }) => u.service_request_id === number);
    expect(ours.map((u: { status: string; description: string }) => [u.status, u.description])).toEqual([
      ['ACTION_SCHEDULED', ''],
      ['ACTION_SCHEDULED', 'Intervention prévue jeudi'],
      ['IN_PROGRESS', ''],
      ['FIXED', 'Lampe remplacée'],
    ]);
    for (const u of ours) {
      expect(Object.keys(u)).toEqual(['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']);
      expect(u.updated_datetime).toMatch(W3C);
      expect(u.media_url).toBe('');
    }
    expect(JSON.stringify(updates)).not.toContain('chef d’équipe');
    expect(updates.some((u: { service_request_id: string }) => u.service_request_id === hidden)).toBe(false);
    const times = updates.map((u: { updated_datetime: string }) => Date.parse(u.updated_datetime));
    expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
    // An end before these updates leaves them out.
    const earlier = await both(`servicerequestupdates.{format}?end_date=${encodeURIComponent(start)}`, 'service_request_updates');
    expect(earlier.some((u: { service_request_id: string }) => u.service_request_id === number)).toBe(false);
  });
});

describe('formatting', () => {
  it('writes date-times with the zone’s offset at that date', () => {
    expect(w3cDateTime(new Date('2026-07-01T12:00:00Z'), 'Africa/Casablanca')).toBe('2026-07-01T13:00:00+01:00');
    expect(w3cDateTime(new Date('2026-01-15T12:00:00.600Z'), 'America/New_York')).toBe('2026-01-15T07:00:00-05:00');
    expect(w3cDateTime(new Date('2026-01-15T12:00:00Z'), 'Asia/Kathmandu')).toBe('2026-01-15T17:45:00+05:45');
    expect(w3cDateTime(new Date('2026-01-15T12:00:00Z'), 'UTC')).toBe('2026-01-15T12:00:00+00:00');
  });

  it('escapes XML text and replaces what XML cannot carry', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(escapeXml('a\u0000b\u0008c\uD800d\r\n')).toBe('a\uFFFDb\uFFFDc\uFFFDd&#13;\n');
    const document = toXml('service_requests', [{ description: '</description><x>', lat: 1.5, media_url: null }], XML_ITEMS);
    expect(XMLValidator.validate(document)).toBe(true);
    expect(xmlParser.parse(document)).toEqual({
      service_requests: { request: [{ description: '</description><x>', lat: '1.5', media_url: '' }] },
    });
  });
});
