import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { withCommune } from '../../platform/db/tenant.js';
import { MAX_LIMIT } from '../../platform/ngsi-ld/routes.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const SDM = '/work/shared/data/smart-data-models';
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(SDM, file), 'utf8'));
const TYPES = ['Streetlight', 'StreetlightControlCabinet', 'StreetlightGroup'] as const;
const CORE = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
const SDM_CONTEXT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld';
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';

/** The Smart Data Models schemas, offline (SOURCES.md: strict mode off for their extra keywords). */
function validators() {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addFormat('idn-email', true);
  ajv.addSchema(readJson('common/common-schema.json'));
  return Object.fromEntries(TYPES.map((t) => [t, ajv.compile(readJson(`${t}/schema.json`))]));
}

type Entity = Record<string, unknown> & { id: string; type: string };

/** The keyValues form of a normalized entity, checking the normalized structure on the way. */
function simplify(entity: Entity): Entity {
  const out: Entity = { id: entity.id, type: entity.type };
  for (const [name, attribute] of Object.entries(entity)) {
    if (name === 'id' || name === 'type' || name === '@context' || name === 'createdAt' || name === 'modifiedAt') continue;
    const a = attribute as { type: string; value?: unknown; object?: unknown; observedAt?: string };
    expect(['Property', 'Relationship', 'GeoProperty'], `${entity.id} ${name}`).toContain(a.type);
    if (a.type === 'Relationship') {
      expect(a.object, `${entity.id} ${name}`).toBeDefined();
      expect(a).not.toHaveProperty('value');
      out[name] = a.object;
    } else {
      expect(a.value, `${entity.id} ${name}`).toBeDefined();
      expect(a).not.toHaveProperty('object');
      out[name] = a.value;
    }
    if (a.type === 'GeoProperty') expect((a.value as { type: string }).type).toMatch(/Point|MultiPoint/);
    if (a.observedAt !== undefined) expect(Number.isNaN(Date.parse(a.observedAt))).toBe(false);
  }
  return out;
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> & { data: Entity[]; subscriptionId: string; id: string; type: string };
}

/** A local HTTP endpoint that records the notifications it gets (and can refuse the next ones). */
async function endpoint() {
  const received: Received[] = [];
  let refuse = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (refuse > 0) {
        refuse--;
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return {
    url,
    received,
    refuseNext: (n: number) => {
      refuse = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('NGSI-LD at /ngsi-ld/v1 with lighting entities', () => {
  let app: TestApp;
  let berkane: string;
  let admin: Session;
  let viewer: Session;
  let key: string;
  let readOnlyKey: string;
  let groupCount: number;
  const validate = validators();
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  const get = (url: string, headers: Record<string, string> = {}) => app.app.inject({ method: 'GET', url: `/ngsi-ld/v1${url}`, headers });
  const send = (method: 'PATCH' | 'POST' | 'DELETE', url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.app.inject({
      method,
      url: `/ngsi-ld/v1${url}`,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${key}`, ...headers },
      ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
  const count = async (query: string) => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.raw(query)}`.execute(app.database.db.kysely);
    return rows[0]?.n ?? 0;
  };
  const lamp = (code: string) => `urn:ngsi-ld:Streetlight:berkane:${code}`;
  const firstGroup = async () => ((await get('/entities?type=StreetlightGroup&limit=1')).json() as Entity[])[0]!.id;
  const cabinet = (code: string) => `urn:ngsi-ld:StreetlightControlCabinet:berkane:${code}`;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await loginAs(app, 'admin');
    viewer = await loginAs(app, 'viewer');
    const { rows } = await sql<{ id: string }>`SELECT id FROM platform.commune WHERE code = 'berkane'`.execute(app.database.db.kysely);
    berkane = rows[0]!.id;
    // A lamp group per cabinet for the luminaires the demo left out of its groups, so every
    // cabinet has the refStreetlightGroup its model requires.
    await withCommune(app.database.db, berkane, async (trx) => {
      await sql`INSERT INTO lighting.lamp_group (commune_id, code, name)
                SELECT commune_id, 'G-' || code, jsonb_build_object('fr', 'Groupe ' || code, 'ar', 'مجموعة ' || code) FROM lighting.cabinet`.execute(
        trx,
      );
      await sql`UPDATE lighting.luminaire l SET group_id = g.id
                  FROM lighting.cabinet c JOIN lighting.lamp_group g ON g.commune_id = c.commune_id AND g.code = 'G-' || c.code
                 WHERE c.commune_id = l.commune_id AND c.id = l.cabinet_id AND l.group_id IS NULL`.execute(trx);
      const groups = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM lighting.lamp_group g WHERE EXISTS (SELECT 1 FROM lighting.luminaire l WHERE l.group_id = g.id)`.execute(
        trx,
      );
      groupCount = groups.rows[0]!.n;
    });
    const created = async (permissions: string[]) => {
      const r = await app.app.inject({
        method: 'POST',
        url: '/api/v1/org/api-keys',
        headers: as(admin),
        payload: { name: `ngsi ${permissions.length}`, permissions },
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().key as string;
    };
    key = await created(['ngsi.entities.update', 'ngsi.subscriptions.manage', 'ngsi.temporal.read']);
    readOnlyKey = await created(['ngsi.temporal.read']);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves every entity of each type valid against its Smart Data Model, normalized and keyValues', async () => {
    for (const type of TYPES) {
      let seen = 0;
      for (let offset = 0; ; offset += MAX_LIMIT) {
        const normalized = await get(`/entities?type=${type}&limit=${MAX_LIMIT}&offset=${offset}`);
        const keyValues = await get(`/entities?type=${type}&limit=${MAX_LIMIT}&offset=${offset}&options=keyValues`);
        expect(normalized.statusCode, normalized.body).toBe(200);
        const entities = normalized.json() as Entity[];
        const simple = keyValues.json() as Entity[];
        expect(simple.map((e) => e.id)).toEqual(entities.map((e) => e.id));
        entities.forEach((entity, i) => {
          const flat = simplify(entity);
          expect(flat).toEqual(simple[i]);
          const ok = validate[type]!(simple[i]);
          expect(ok, `${entity.id}: ${JSON.stringify(validate[type]!.errors)}`).toBe(true);
        });
        seen += entities.length;
        if (entities.length < MAX_LIMIT) break;
      }
      expect(seen, type).toBe(type === 'Streetlight' ? 3000 : type === 'StreetlightControlCabinet' ? 40 : groupCount);
    }
    const one = (await get(`/entities/${lamp('L-00001')}`)).json();
    expect(one).toMatchObject({
      id: lamp('L-00001'),
      type: 'Streetlight',
      streetPoleNum: { type: 'Property', value: 'L-00001' },
      controllingMethod: { type: 'Property', value: 'individual' },
      refStreetlightControlCabinet: { type: 'Relationship' },
      refStreetlightGroup: { type: 'Relationship' },
    });
  });

  it('answers JSON with a Link header, JSON-LD with an @context, GeoJSON as features', async () => {
    const json = await get(`/entities/${lamp('L-00002')}`);
    expect(json.headers['content-type']).toContain('application/json');
    expect(json.headers.link).toContain(`<${SDM_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"`);
    expect(json.json()).not.toHaveProperty('@context');
    const ld = await get(`/entities/${lamp('L-00002')}`, { accept: 'application/ld+json' });
    expect(ld.headers['content-type']).toContain('application/ld+json');
    expect(ld.headers.link).toBeUndefined();
    expect(ld.json()['@context']).toEqual([SDM_CONTEXT, CORE]);
    const geo = await get('/entities?type=StreetlightControlCabinet&limit=3', { accept: 'application/geo+json' });
    expect(geo.headers['content-type']).toContain('application/geo+json');
    const fc = geo.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(3);
    expect(fc.features[0]).toMatchObject({
      type: 'Feature',
      geometry: { type: 'Point' },
      properties: { type: 'StreetlightControlCabinet' },
    });
    expect((await get(`/entities/${lamp('L-00002')}`, { accept: 'text/html' })).statusCode).toBe(406);
    expect(
      (await get(`/entities/${lamp('L-00002')}`, { accept: 'application/xml, application/ld+json;q=0.5' })).headers['content-type'],
    ).toContain('ld+json');
    expect((await get(`/entities/${lamp('L-00002')}`, { accept: '*/*' })).statusCode).toBe(200);
  });

  it('pages with limit/offset, counts with NGSILD-Results-Count and links the next and previous pages', async () => {
    const first = await get('/entities?type=StreetlightControlCabinet&limit=10&count=true');
    expect(first.headers['ngsild-results-count']).toBe('40');
    expect(first.json()).toHaveLength(10);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).not.toContain('rel="prev"');
    const next = /<([^>]+)>; rel="next"/.exec(String(first.headers.link))?.[1];
    expect(next).toContain('offset=10');
    const second = await app.app.inject({ method: 'GET', url: next as string });
    expect(second.json()[0].id).not.toBe(first.json()[0].id);
    expect(second.headers.link).toContain('rel="prev"');
    const last = await get('/entities?type=StreetlightControlCabinet&limit=10&offset=30&count=true');
    expect(last.json()).toHaveLength(10);
    expect(last.headers.link).not.toContain('rel="next"');
    const countOnly = await get('/entities?type=Streetlight&limit=0&count=true');
    expect(countOnly.json()).toEqual([]);
    expect(countOnly.headers['ngsild-results-count']).toBe('3000');
    // Across types: offsets run through the types in the order given.
    const both = await get('/entities?type=StreetlightControlCabinet,StreetlightGroup&limit=5&offset=38&count=true');
    expect(both.headers['ngsild-results-count']).toBe(String(40 + groupCount));
    expect((both.json() as Entity[]).map((e) => e.type)).toEqual([
      'StreetlightControlCabinet',
      'StreetlightControlCabinet',
      'StreetlightGroup',
      'StreetlightGroup',
      'StreetlightGroup',
    ]);
  });

  it('selects by id, idPattern, attrs and q in SQL', async () => {
    const byIds = await get(`/entities?id=${lamp('L-00003')},${lamp('L-00004')},urn:ngsi-ld:Streetlight:berkane:none&type=Streetlight`);
    expect((byIds.json() as Entity[]).map((e) => e.id)).toEqual([lamp('L-00003'), lamp('L-00004')]);
    const pattern = await get(`/entities?type=Streetlight&idPattern=${encodeURIComponent(':L-0001[0-2]$')}`);
    expect((pattern.json() as Entity[]).map((e) => e.id)).toEqual([lamp('L-00010'), lamp('L-00011'), lamp('L-00012')]);
    const attrs = (await get(`/entities/${lamp('L-00003')}?attrs=powerRating,streetPoleNum`)).json();
    expect(Object.keys(attrs).sort()).toEqual(['id', 'powerRating', 'streetPoleNum', 'type']);
    const sys = (await get(`/entities/${lamp('L-00003')}?options=sysAttrs,keyValues&attrs=powerRating`)).json();
    expect(Object.keys(sys).sort()).toEqual(['createdAt', 'id', 'modifiedAt', 'powerRating', 'type']);
    expect(Date.parse(sys.modifiedAt)).toBeGreaterThanOrEqual(Date.parse(sys.createdAt));
    const q = async (query: string) => {
      const r = await get(`/entities?type=Streetlight&limit=1000&count=true&options=keyValues&q=${encodeURIComponent(query)}`);
      expect(r.statusCode, `${query}: ${r.body}`).toBe(200);
      return { total: Number(r.headers['ngsild-results-count']), entities: r.json() as Entity[] };
    };
    const all = (
      await withCommune(app.database.db, berkane, (trx) =>
        sql<{ code: string; technology: string; powerRating: number }>`
        SELECT code, technology, power_rating FROM lighting.luminaire`.execute(trx),
      )
    ).rows;
    const led = all.filter((l) => l.technology === 'LED').length;
    expect((await q('lampTechnology=="LED"')).total).toBe(led);
    expect((await q('lampTechnology!="LED"')).total).toBe(all.length - led);
    const mid = all.filter((l) => l.powerRating >= 60 && l.powerRating <= 100).length;
    expect((await q('powerRating==60..100')).total).toBe(mid);
    const big = await q('powerRating>100;lampTechnology=="HPS"');
    expect(big.entities.every((e) => (e.powerRating as number) > 100 && e.lampTechnology === 'HPS')).toBe(true);
    expect(big.total).toBe(all.filter((l) => l.powerRating > 100 && l.technology === 'HPS').length);
    const either = await q('(lampTechnology=="MH"|lampTechnology=="LPS");powerRating<=1000');
    expect(either.total).toBe(all.filter((l) => l.technology === 'MH' || l.technology === 'LPS').length);
    expect((await q('lampTechnology=="MH","LPS"')).total).toBe(either.total);
    expect((await q('streetPoleNum~=^L-0000[1-3]$')).total).toBe(3);
    expect((await q('streetPoleNum!~=^L-')).total).toBe(0);
    expect((await q('refStreetlightControlCabinet')).total).toBe(all.length);
    expect((await q('noSuchAttribute==1')).total).toBe(0);
    // Values are parameters, never SQL.
    expect((await q(`streetPoleNum=="L-00001'; DELETE FROM lighting.luminaire; --"`)).total).toBe(0);
    // A number compared with text matches nothing, and refuses nothing.
    expect((await q('powerRating=="x"')).total).toBe(0);
    expect((await q(`dateServiceStarted<${new Date().toISOString()}|dateServiceStarted`)).total).toBeGreaterThanOrEqual(0);
  });

  it('answers geo-queries near, within, intersects and disjoint (lon, lat)', async () => {
    const l1 = (await get(`/entities/${lamp('L-00001')}?options=keyValues`)).json();
    const [lon, lat] = l1.location.coordinates as [number, number];
    const near = async (georel: string) => {
      const r = await get(
        `/entities?type=Streetlight&limit=1000&count=true&georel=${encodeURIComponent(georel)}&geometry=Point&coordinates=${encodeURIComponent(JSON.stringify([lon, lat]))}`,
      );
      expect(r.statusCode, r.body).toBe(200);
      return { total: Number(r.headers['ngsild-results-count']), ids: (r.json() as Entity[]).map((e) => e.id) };
    };
    const close = await near('near;maxDistance==100');
    expect(close.ids).toContain(lamp('L-00001'));
    const far = await near('near;minDistance==100');
    expect(close.total + far.total).toBe(3000);
    expect(far.ids).not.toContain(lamp('L-00001'));
    const d = 0.0005;
    const box = JSON.stringify([
      [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
      ],
    ]);
    const within = await get(`/entities?type=Streetlight&count=true&georel=within&geometry=Polygon&coordinates=${encodeURIComponent(box)}`);
    expect((within.json() as Entity[]).map((e) => e.id)).toContain(lamp('L-00001'));
    const intersects = await get(
      `/entities?type=Streetlight&count=true&georel=intersects&geometry=Polygon&coordinates=${encodeURIComponent(box)}`,
    );
    expect(intersects.headers['ngsild-results-count']).toBe(within.headers['ngsild-results-count']);
    const disjoint = await get(
      `/entities?type=Streetlight&count=true&limit=0&georel=disjoint&geometry=Polygon&coordinates=${encodeURIComponent(box)}`,
    );
    expect(Number(disjoint.headers['ngsild-results-count']) + Number(within.headers['ngsild-results-count'])).toBe(3000);
  });

  it('refuses bad queries with ETSI ProblemDetails', async () => {
    const cases: [string, number, string, Record<string, string>?][] = [
      ['/entities?type=Streetlight&q=powerState%3D%3D', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&q=a%3D%3D1)', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&q=a~%3D(', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=nearby&geometry=Point&coordinates=[0,0]', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=near&geometry=Point&coordinates=[0,0]', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=near;maxDistance%3D%3D-1&geometry=Point&coordinates=[0,0]', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=within&geometry=Point&coordinates=[0,0]', 200, ''],
      ['/entities?type=Streetlight&georel=near;maxDistance%3D%3D10&geometry=Point&coordinates=[200,10]', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=near;maxDistance%3D%3D10&geometry=Point&coordinates=[10,91]', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=within&geometry=Polygon&coordinates=[[[0,0],[1,0],[1,1],[0,1]]]', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=within&geometry=Polygon&coordinates=not-json', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=within&geometry=Circle&coordinates=[0,0]', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&georel=within', 400, 'BadRequestData'],
      [`/entities?type=Streetlight&limit=${MAX_LIMIT + 1}`, 400, 'BadRequestData'],
      ['/entities?type=Streetlight&limit=0', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&limit=-1', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&offset=x', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&count=yes', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&options=fancy', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&idPattern=(', 400, 'BadRequestData'],
      ['/entities?type=Streetlight&colour=red', 400, 'BadRequestData'],
      ['/entities', 400, 'BadRequestData'],
      ['/entities/not-a-uri', 400, 'BadRequestData'],
      ['/entities/urn:ngsi-ld:Streetlight:berkane:NOPE', 404, 'ResourceNotFound'],
      ['/entities/urn:ngsi-ld:Bicycle:berkane:1', 404, 'ResourceNotFound'],
      ['/nothing-here', 404, 'ResourceNotFound'],
      ['/entities?type=Streetlight', 404, 'NonexistentTenant', { 'ngsild-tenant': 'atlantis' }],
      ['/entities?type=Streetlight', 404, 'NonexistentTenant', { 'ngsild-tenant': '../../etc' }],
      ['/entities?type=Streetlight', 406, 'NotAcceptable', { accept: 'text/csv' }],
      ['/temporal/entities/urn:ngsi-ld:Streetlight:berkane:L-00001', 401, 'Unauthorized'],
    ];
    for (const [url, status, type, headers] of cases) {
      const r = await get(url, headers);
      expect(r.statusCode, `${url}: ${r.body}`).toBe(status);
      if (type)
        expect(r.json(), url).toMatchObject({ type: `${ERR}${type}`, status, title: expect.any(String), detail: expect.any(String) });
    }
    // An unknown type is an empty list, not an error.
    const unknown = await get('/entities?type=Bicycle&count=true');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual([]);
    expect(unknown.headers['ngsild-results-count']).toBe('0');
    // The tenant header names the commune by its code; an Arabic title for an Arabic caller.
    const tenant = await get('/entities?type=StreetlightGroup&limit=1', { 'ngsild-tenant': 'berkane' });
    expect(tenant.statusCode).toBe(200);
    expect(tenant.headers['ngsild-tenant']).toBe('berkane');
    const arabic = await get('/entities', { 'accept-language': 'ar' });
    expect(arabic.json().title).toBe('بيانات الطلب غير صالحة');
  });

  it('takes readings from an IoT agent through the telemetry path, with the @context rules and permissions', async () => {
    const id = lamp('L-00005');
    const readingsOf = () => count(`lighting.luminaire_reading WHERE device_id = 'berkane-l-00005'`);
    const before = await readingsOf();
    const reading = {
      powerState: { type: 'Property', value: 'on', observedAt: minutesAgo(30) },
      illuminanceLevel: { type: 'Property', value: 0.5 },
    };
    const refused: [unknown, Record<string, string>, number, string][] = [
      [reading, { authorization: '' }, 401, 'Unauthorized'],
      [reading, { authorization: `Bearer ${readOnlyKey}` }, 403, 'Forbidden'],
      [reading, { authorization: 'Bearer mdn_forged_key' }, 401, 'Unauthorized'],
      [reading, { 'content-type': 'text/plain' }, 415, 'UnsupportedMediaType'],
      [reading, { 'content-type': 'application/xml' }, 415, 'UnsupportedMediaType'],
      [{ ...reading, '@context': SDM_CONTEXT }, {}, 400, 'BadRequestData'],
      [reading, { 'content-type': 'application/ld+json' }, 400, 'BadRequestData'],
      [
        { ...reading, '@context': SDM_CONTEXT },
        { 'content-type': 'application/ld+json', link: `<${SDM_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"` },
        400,
        'BadRequestData',
      ],
      ['{"powerState": ', {}, 400, 'InvalidRequest'],
      ['[1,2]', {}, 400, 'BadRequestData'],
      [{}, {}, 400, 'BadRequestData'],
      [{ powerState: 'on', padding: 'x'.repeat(2 * 1024 * 1024) }, {}, 413, 'BadRequestData'],
      [{ powerState: { type: 'Property', value: 'on', observedAt: { $gt: '' } } }, {}, 400, 'BadRequestData'],
      [{ powerState: { type: 'Property', value: "on'; DROP TABLE lighting.luminaire; --" } }, {}, 400, 'BadRequestData'],
      [{ id: lamp('L-00006'), ...reading }, {}, 400, 'BadRequestData'],
      [{ powerState: { type: 'Property', value: 'on', observedAt: '2001-01-01T00:00:00Z' } }, {}, 400, 'BadRequestData'],
      [{ powerState: { type: 'Property', value: 'on', observedAt: '2999-01-01T00:00:00Z' } }, {}, 400, 'BadRequestData'],
      [{ powerState: { type: 'Property', value: 'on', observedAt: 'yesterday' } }, {}, 400, 'BadRequestData'],
      [{ powerState: { type: 'Property', value: 'sparkling' } }, {}, 400, 'BadRequestData'],
      [{ powerState: { type: 'Property', value: 'on', observedAt: minutesAgo(40) }, illuminanceLevel: 'bright' }, {}, 207, ''],
    ];
    for (const [body, headers, status, type] of refused) {
      const r = await send('PATCH', `/entities/${id}/attrs`, body, headers);
      expect(r.statusCode, `${JSON.stringify(body)} ${JSON.stringify(headers)}: ${r.body}`).toBe(status);
      if (type) expect(r.json().type).toBe(`${ERR}${type}`);
    }
    // Only the last one (207: the bad dim level left out) stored a reading.
    expect(await readingsOf()).toBe(before + 1);
    const viewerPatch = await app.app.inject({
      method: 'PATCH',
      url: `/ngsi-ld/v1/entities/${id}/attrs`,
      headers: as(viewer),
      payload: reading,
    });
    expect(viewerPatch.statusCode).toBe(403);
    expect((await send('PATCH', `/entities/${lamp('NOPE')}/attrs`, reading)).statusCode).toBe(404);
    expect((await send('PATCH', `/entities/${await firstGroup()}/attrs`, reading)).json().type).toBe(`${ERR}OperationNotSupported`);

    const ok = await send('PATCH', `/entities/${id}/attrs`, reading);
    expect(ok.statusCode, ok.body).toBe(204);
    expect(await readingsOf()).toBe(before + 2);
    const entity = (await get(`/entities/${id}`)).json();
    expect(entity.powerState).toEqual({ type: 'Property', value: 'on', observedAt: reading.powerState.observedAt });
    expect(entity.illuminanceLevel.value).toBe(0.5);
    const { rows } = await sql<{
      dim: number;
    }>`SELECT (data->>'dimLevel')::float8 AS dim FROM platform.device_state WHERE device_id = 'berkane-l-00005'`.execute(
      app.database.db.kysely,
    );
    expect(rows[0]?.dim).toBe(50);
  });

  it('accepts the upstream normalized examples as PATCH input (207: what the reading cannot hold is listed)', async () => {
    const streetlight = readJson('Streetlight/examples/example-normalized.jsonld');
    const { id: _, ...body } = streetlight;
    const r = await send('PATCH', `/entities/${lamp('L-00008')}/attrs`, body, { 'content-type': 'application/ld+json' });
    expect(r.statusCode, r.body).toBe(207);
    const result = r.json();
    expect(result.updated.sort()).toEqual(['powerConsumption', 'powerFactor', 'powerState', 'voltage']);
    const notUpdated = result.notUpdated.map((n: { attributeName: string }) => n.attributeName);
    // The example's 250 A is beyond the luminaire contract's range; inventory attributes stay Madina's.
    expect(notUpdated).toEqual(expect.arrayContaining(['current', 'circuit', 'location', 'status', 'observationDateTime']));
    const entity = (await get(`/entities/${lamp('L-00008')}?options=keyValues`)).json();
    expect(entity).toMatchObject({ powerState: 'off', powerConsumption: 10, voltage: 50 });
    expect(validate.Streetlight!(entity)).toBe(true);
    // The same id in the body is allowed; the type too.
    const same = await send('PATCH', `/entities/${lamp('L-00008')}/attrs`, {
      id: lamp('L-00008'),
      type: 'Streetlight',
      powerState: { type: 'Property', value: 'on' },
    });
    expect(same.statusCode).toBe(204);

    const cabinetExample = readJson('StreetlightControlCabinet/examples/example-normalized.jsonld');
    const { id: __, ...cabinetBody } = cabinetExample;
    const c = await send(
      'PATCH',
      `/entities/${cabinet('ARM-001')}/attrs`,
      { ...cabinetBody, powerState: { type: 'Property', value: 'on' } },
      { 'content-type': 'application/ld+json' },
    );
    expect(c.statusCode, c.body).toBe(207);
    expect(c.json().updated).toEqual(expect.arrayContaining(['energyConsumed', 'intensityR', 'powerState']));
    const cab = (await get(`/entities/${cabinet('ARM-001')}?options=keyValues`)).json();
    expect(cab).toMatchObject({ energyConsumed: 162456, powerState: 'on' });
    expect(validate.StreetlightControlCabinet!(cab), JSON.stringify(validate.StreetlightControlCabinet!.errors)).toBe(true);
  });

  it('gives the temporal representation from the readings table: lastN and between', async () => {
    const id = lamp('L-00009');
    const times = [50, 40, 30, 20, 10].map(minutesAgo);
    for (const [i, at] of times.entries()) {
      const r = await send('PATCH', `/entities/${id}/attrs`, {
        powerState: { type: 'Property', value: i % 2 ? 'off' : 'on', observedAt: at },
        powerConsumption: { type: 'Property', value: 10 * (i + 1), observedAt: at },
      });
      expect(r.statusCode, r.body).toBe(204);
    }
    const auth = { authorization: `Bearer ${key}` };
    const lastTwo = await get(`/temporal/entities/${id}?lastN=2&attrs=powerConsumption`, auth);
    expect(lastTwo.statusCode, lastTwo.body).toBe(200);
    expect(lastTwo.json()).toEqual({
      id,
      type: 'Streetlight',
      powerConsumption: [
        { type: 'Property', value: 40, observedAt: times[3] },
        { type: 'Property', value: 50, observedAt: times[4] },
      ],
    });
    const between = await get(
      `/temporal/entities/${id}?timerel=between&timeAt=${times[1]}&endTimeAt=${times[3]}&options=temporalValues`,
      auth,
    );
    expect(between.json().powerState).toEqual({
      type: 'Property',
      values: [
        ['off', times[1]],
        ['on', times[2]],
      ],
    });
    const after = await get(`/temporal/entities/${id}?timerel=after&timeAt=${times[3]}`, auth);
    expect(after.json().powerConsumption).toHaveLength(1);
    const before = await get(`/temporal/entities/${id}?timerel=before&timeAt=${times[1]}&lastN=5`, auth);
    expect(before.json().powerConsumption).toEqual([{ type: 'Property', value: 10, observedAt: times[0] }]);
    for (const bad of [
      'timerel=sometime&timeAt=2026-01-01T00:00:00Z',
      'timerel=before',
      'timerel=between&timeAt=2026-01-02T00:00:00Z&endTimeAt=2026-01-01T00:00:00Z',
      'lastN=0',
      'lastN=5000',
      'timeAt=2026-01-01T00:00:00Z',
    ]) {
      expect((await get(`/temporal/entities/${id}?${bad}`, auth)).statusCode, bad).toBe(400);
    }
    expect((await get(`/temporal/entities/${await firstGroup()}`, auth)).json().type).toBe(`${ERR}OperationNotSupported`);
    expect((await get(`/temporal/entities/${id}`, { cookie: viewer.cookie })).statusCode).toBe(200);
  });

  it('lists the entity types', async () => {
    const r = await get('/types');
    expect(r.json()).toMatchObject({ type: 'EntityTypeList', typeList: expect.arrayContaining([...TYPES]) });
  });

  describe('subscriptions', () => {
    const subscription = (uri: string, extra: Record<string, unknown> = {}) => ({
      type: 'Subscription',
      entities: [{ type: 'Streetlight' }],
      watchedAttributes: ['powerState'],
      q: 'powerState=="on"',
      notification: { endpoint: { uri }, attributes: ['powerState', 'powerConsumption'] },
      ...extra,
    });
    const patch = (code: string, powerState: string, at: string) =>
      send('PATCH', `/entities/${lamp(code)}/attrs`, { powerState: { type: 'Property', value: powerState, observedAt: at } });

    it('refuses bad subscriptions and stores none', async () => {
      const before = await count('platform.ngsi_subscription');
      const url = 'http://127.0.0.1:9/x';
      const bad: [unknown, number, Record<string, string>?][] = [
        [subscription(url), 401, { authorization: '' }],
        [subscription(url), 403, { authorization: `Bearer ${readOnlyKey}` }],
        [subscription('ftp://example.org/x'), 400],
        [subscription('javascript:alert(1)'), 400],
        [subscription('mqtt://127.0.0.1:1883'), 400],
        [subscription(url, { entities: [{ type: 'Bicycle' }] }), 400],
        [subscription(url, { entities: [] }), 400],
        [subscription(url, { q: 'powerState==' }), 400],
        [subscription(url, { throttling: -1 }), 400],
        [subscription(url, { throttling: 1.5 }), 400],
        [subscription(url, { expiresAt: '2001-01-01T00:00:00Z' }), 400],
        [subscription(url, { watchedAttributes: [] }), 400],
        [subscription(url, { type: 'Subscriptions' }), 400],
        [subscription(url, { id: 'not a uri' }), 400],
        [subscription(url, { sneaky: true }), 400],
        [subscription(url, { entities: [{ type: 'Streetlight', idPattern: '(' }] }), 400],
        [subscription(url), 415, { 'content-type': 'text/plain' }],
      ];
      for (const [body, status, headers] of bad) {
        const r = await send('POST', '/subscriptions', body, headers);
        expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBe(status);
      }
      expect(await count('platform.ngsi_subscription')).toBe(before);
    });

    it('notifies an HTTP endpoint exactly once per matching change, retrying with back-off', async () => {
      const server = await endpoint();
      try {
        const created = await send(
          'POST',
          '/subscriptions',
          { ...subscription(server.url), id: 'urn:ngsi-ld:Subscription:once', '@context': [SDM_CONTEXT] },
          { 'content-type': 'application/ld+json' },
        );
        expect(created.statusCode, created.body).toBe(201);
        expect(created.headers.location).toBe('/ngsi-ld/v1/subscriptions/urn%3Angsi-ld%3ASubscription%3Aonce');
        expect(
          (await send('POST', '/subscriptions', { ...subscription(server.url), id: 'urn:ngsi-ld:Subscription:once' })).json().type,
        ).toBe(`${ERR}AlreadyExists`);

        const at = minutesAgo(5);
        expect((await patch('L-00020', 'on', at)).statusCode).toBe(204);
        // The same reading again (an agent retrying): stored once, notified once.
        expect((await patch('L-00020', 'on', at)).statusCode).toBe(204);
        // Not matching q: no notification.
        expect((await patch('L-00021', 'off', minutesAgo(5))).statusCode).toBe(204);
        await app.platform.jobs.drain();
        await app.platform.jobs.drain();
        expect(server.received).toHaveLength(1);
        const n = server.received[0]!;
        expect(n.body).toMatchObject({
          type: 'Notification',
          subscriptionId: 'urn:ngsi-ld:Subscription:once',
          id: expect.stringMatching(/^urn:ngsi-ld:Notification:/),
        });
        expect(n.body.data).toEqual([
          { id: lamp('L-00020'), type: 'Streetlight', powerState: { type: 'Property', value: 'on', observedAt: at } },
        ]);
        expect(n.headers['content-type']).toBe('application/json');
        expect(n.headers.link).toContain(SDM_CONTEXT);

        // The endpoint fails twice: the job is retried (its back-off brought forward here) until it is taken.
        server.refuseNext(2);
        expect((await patch('L-00022', 'on', minutesAgo(4))).statusCode).toBe(204);
        for (let attempt = 0; attempt < 3; attempt++) {
          await app.platform.jobs.drain();
          await sql`UPDATE platform.job SET run_at = now() WHERE kind = 'ngsi_ld.notify' AND state = 'queued'`.execute(
            app.database.db.kysely,
          );
        }
        expect(server.received).toHaveLength(2);
        expect(server.received[1]!.body.id).toMatch(/^urn:ngsi-ld:Notification:/);
        const status = (await get('/subscriptions/urn:ngsi-ld:Subscription:once', { authorization: `Bearer ${key}` })).json();
        expect(status).toMatchObject({ isActive: true, status: 'active', notification: { timesSent: 2, status: 'ok' } });

        // Deleted: nothing more, and the deletion is audited.
        expect((await send('DELETE', '/subscriptions/urn:ngsi-ld:Subscription:once', undefined)).statusCode).toBe(204);
        expect((await send('DELETE', '/subscriptions/urn:ngsi-ld:Subscription:once', undefined)).statusCode).toBe(404);
        expect((await patch('L-00020', 'on', minutesAgo(3))).statusCode).toBe(204);
        await app.platform.jobs.drain();
        expect(server.received).toHaveLength(2);
        const { rows } = await sql<{ action: string }>`
          SELECT action FROM platform.audit_event WHERE entity_id = 'urn:ngsi-ld:Subscription:once' ORDER BY id`.execute(
          app.database.db.kysely,
        );
        expect(rows.map((r) => r.action)).toEqual(['ngsi_ld.subscription.create', 'ngsi_ld.subscription.delete']);
      } finally {
        await server.close();
      }
    });

    it('throttles: one notification per throttling window', async () => {
      const server = await endpoint();
      try {
        const r = await send('POST', '/subscriptions', {
          ...subscription(server.url),
          id: 'urn:ngsi-ld:Subscription:throttled',
          throttling: 3600,
          q: undefined,
          entities: [{ type: 'Streetlight', idPattern: ':L-0003[0-9]$' }],
        });
        expect(r.statusCode, r.body).toBe(201);
        for (const [i, code] of ['L-00030', 'L-00031', 'L-00032'].entries())
          expect((await patch(code, 'on', minutesAgo(9 - i))).statusCode).toBe(204);
        await app.platform.jobs.drain();
        expect(server.received).toHaveLength(1);
        expect(server.received[0]!.body.data[0]!.id).toBe(lamp('L-00030'));
        const listed = await get('/subscriptions?count=true', { authorization: `Bearer ${key}` });
        expect(listed.json().map((s: { id: string }) => s.id)).toContain('urn:ngsi-ld:Subscription:throttled');
        expect((await send('DELETE', '/subscriptions/urn:ngsi-ld:Subscription:throttled', undefined)).statusCode).toBe(204);
      } finally {
        await server.close();
      }
    });

    it('tells nothing for a paused, an expired or an unwatched subscription', async () => {
      const server = await endpoint();
      try {
        const ids = ['paused', 'expired', 'unwatched'].map((n) => `urn:ngsi-ld:Subscription:${n}`);
        const bodies = [
          { ...subscription(server.url), id: ids[0], isActive: false },
          { ...subscription(server.url), id: ids[1], expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
          { ...subscription(server.url), id: ids[2], watchedAttributes: ['circuit'] },
        ];
        for (const body of bodies) expect((await send('POST', '/subscriptions', body)).statusCode).toBe(201);
        await sql`UPDATE platform.ngsi_subscription SET expires_at = now() - interval '1 second' WHERE id = ${ids[1]}`.execute(
          app.database.db.kysely,
        );
        expect((await patch('L-00050', 'on', minutesAgo(1))).statusCode).toBe(204);
        await app.platform.jobs.drain();
        expect(server.received).toHaveLength(0);
        const listed = (await get('/subscriptions', { authorization: `Bearer ${key}` })).json() as { id: string; status: string }[];
        expect(
          listed
            .filter((s) => ids.includes(s.id))
            .map((s) => s.status)
            .sort(),
        ).toEqual(['active', 'expired', 'paused']);
        for (const id of ids) expect((await send('DELETE', `/subscriptions/${id}`, undefined)).statusCode).toBe(204);
      } finally {
        await server.close();
      }
    });

    it('notifies an MQTT endpoint (Mosquitto)', async () => {
      const topic = `madina-test/ngsi/${process.pid}-${Date.now()}`;
      const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0, connectTimeout: 5000 });
      try {
        const messages: string[] = [];
        client.on('message', (_t, payload) => messages.push(payload.toString()));
        await client.subscribeAsync(topic, { qos: 1 });
        const r = await send('POST', '/subscriptions', {
          ...subscription(`mqtt://127.0.0.1:1883/${topic}`),
          id: 'urn:ngsi-ld:Subscription:mqtt',
          entities: [{ type: 'Streetlight', id: lamp('L-00040') }],
        });
        expect(r.statusCode, r.body).toBe(201);
        expect((await patch('L-00040', 'on', minutesAgo(2))).statusCode).toBe(204);
        expect((await patch('L-00041', 'on', minutesAgo(2))).statusCode).toBe(204);
        await app.platform.jobs.drain();
        await new Promise<void>((resolve) => {
          const check = () => (messages.length > 0 ? resolve() : setTimeout(check, 20));
          check();
        });
        const message = JSON.parse(messages[0]!);
        expect(message.metadata['Content-Type']).toBe('application/json');
        expect(message.body).toMatchObject({
          type: 'Notification',
          subscriptionId: 'urn:ngsi-ld:Subscription:mqtt',
          data: [{ id: lamp('L-00040') }],
        });
        expect(messages).toHaveLength(1);
      } finally {
        await client.endAsync();
      }
    });
  });
});
