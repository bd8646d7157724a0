import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, loginAs, type Session, type TestApp } from '../../../test/helpers/app.js';
import { withCommune } from '../../platform/db/tenant.js';
import { searchFold } from '../../platform/search-fold.js';
import { insertFeature, insertLayer } from './gis.repository.js';

let t: TestApp;
let viewer: Session;
let communeId: string;
/** Berkane's label point, from the reference areas (../shared/data/morocco). */
let centre: { lon: number; lat: number };

beforeAll(async () => {
  t = await createTestApp();
  viewer = await loginAs(t, 'viewer');
  const { rows } = await sql<{ id: string; lon: number; lat: number }>`
    SELECT c.id, ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat
      FROM platform.commune c JOIN platform.admin_area a ON a.official_code = c.official_code WHERE c.code = 'berkane'`.execute(
    t.database.db.kysely,
  );
  communeId = rows[0]!.id;
  centre = { lon: rows[0]!.lon, lat: rows[0]!.lat };
  await withCommune(t.database.db, communeId, async (trx) => {
    const schools = await insertLayer(trx, communeId, {
      code: 'schools_test',
      title: { fr: 'Écoles', ar: 'المدارس' },
      description: null,
      geometryType: 'Point',
      attributes: [],
      style: {},
      isPublic: true,
      timeAttribute: null,
    });
    // 30 m north of the centre.
    await insertFeature(
      trx,
      communeId,
      schools.id,
      { type: 'Point', coordinates: [centre.lon, centre.lat + 30 / 111_320] },
      {
        name_ar: 'مدرسة الإمام مالك',
        name_fr: 'École Imam Malik',
      },
    );
    const stores = await insertLayer(trx, communeId, {
      code: 'stores_test',
      title: { fr: 'Magasins' },
      description: null,
      geometryType: 'Point',
      attributes: [],
      style: {},
      isPublic: false,
      timeAttribute: null,
    });
    await insertFeature(
      trx,
      communeId,
      stores.id,
      { type: 'Point', coordinates: [centre.lon, centre.lat - 20 / 111_320] },
      { name: 'Dépôt communal' },
    );
  });
});
afterAll(() => t.close());

const search = (q: string, session?: Session) =>
  t.app.inject({ url: `/api/v1/gis/search?q=${encodeURIComponent(q)}`, headers: session ? as(session) : {} });

describe('search by name', () => {
  it('folds names in SQL exactly as the web and the server do in JavaScript', async () => {
    const samples = [
      'أحفير',
      'إمام',
      'آبار',
      'مدرسةٌ',
      'مستشفى',
      'مؤسسة',
      'رئيس',
      'عـــين',
      'École Saïdia',
      'ÀÉÎÕÜ çà',
      '  deux   espaces ',
      'Ain Erreggada',
    ];
    for (const s of samples) {
      const { rows } = await sql<{ f: string }>`SELECT platform.search_fold(${s}) AS f`.execute(t.database.db.kysely);
      expect(rows[0]!.f, s).toBe(searchFold(s));
    }
  });

  it('finds a commune of the province written in Arabic without its hamza, and in Latin script without accents', async () => {
    const ar = await search('احفير');
    expect(ar.statusCode, ar.body).toBe(200);
    expect(ar.json().items[0]).toMatchObject({ kind: 'commune', id: 'ahfir', name: { ar: 'أحفير', fr: 'Ahfir' } });
    expect(ar.json().items[0].point.lat).toBeGreaterThan(34);
    const fr = await search('saidia');
    expect(fr.json().items.map((i: { id: string }) => i.id)).toContain('saidia');
  });

  it("finds the commune's districts and the features of public layers, with their layer", async () => {
    const district = await search('باب المدينه');
    expect(district.json().items.find((i: { kind: string }) => i.kind === 'district')?.name.ar).toBe('باب المدينة');
    const school = await search('مدرسه الامام');
    const found = school.json().items.find((i: { kind: string }) => i.kind === 'feature');
    expect(found).toMatchObject({
      title: 'مدرسة الإمام مالك / École Imam Malik',
      layer: { code: 'schools_test', title: { ar: 'المدارس' } },
    });
    expect((await search('ecole imam')).json().items[0]).toMatchObject({ kind: 'feature', layer: { code: 'schools_test' } });
  });

  it('finds the features of private layers only for staff who may read them', async () => {
    const anonymous = await search('depot communal');
    expect(anonymous.json().items.filter((i: { kind: string }) => i.kind === 'feature')).toEqual([]);
    const staff = await search('depot communal', viewer);
    expect(staff.json().items[0]).toMatchObject({ kind: 'feature', title: 'Dépôt communal', layer: { code: 'stores_test' } });
  });

  it('answers nothing rather than everything for a query that resembles no name', async () => {
    const res = await search('zzqqxx');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([]);
  });

  it('refuses an empty, overlong or control-character query and unknown parameters', async () => {
    for (const url of [
      '/api/v1/gis/search?q=',
      `/api/v1/gis/search?q=${'a'.repeat(101)}`,
      '/api/v1/gis/search?q=%00abc',
      '/api/v1/gis/search?q=abc&limit=0',
      '/api/v1/gis/search?q=abc&limit=21',
      '/api/v1/gis/search?q=abc&sort=name',
      '/api/v1/gis/search',
    ]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});

describe('what is at a point', () => {
  const at = (lat: number, lon: number, extra = '', session?: Session) =>
    t.app.inject({ url: `/api/v1/gis/reverse?lat=${lat}&lon=${lon}${extra}`, headers: session ? as(session) : {} });

  it('names the commune the point lies in and the named public features nearby, nearest first', async () => {
    const res = await at(centre.lat, centre.lon);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.commune).toMatchObject({ code: 'berkane', name: { ar: 'بركان' } });
    const near = body.nearby.filter((n: { layer: { code: string } }) => n.layer.code === 'schools_test');
    expect(near).toHaveLength(1);
    expect(near[0].distanceMetres).toBeGreaterThan(25);
    expect(near[0].distanceMetres).toBeLessThan(35);
    expect(body.nearby.some((n: { layer: { code: string } }) => n.layer.code === 'stores_test')).toBe(false);
    const staff = (await at(centre.lat, centre.lon, '', viewer)).json();
    expect(staff.nearby.map((n: { layer: { code: string } }) => n.layer.code)).toContain('stores_test');
    expect(staff.nearby[0].distanceMetres).toBeLessThanOrEqual(staff.nearby.at(-1).distanceMetres);
  });

  it('looks only as far as asked', async () => {
    const body = (await at(centre.lat, centre.lon, '&metres=10')).json();
    expect(body.nearby.filter((n: { layer: { code: string } }) => n.layer.code === 'schools_test')).toEqual([]);
  });

  it('knows no commune in the open sea', async () => {
    const body = (await at(35.5, -2.5)).json();
    expect(body.commune).toBeNull();
    expect(body.nearby).toEqual([]);
  });

  it('refuses coordinates out of range, a radius out of range and missing coordinates', async () => {
    for (const extra of ['lat=91&lon=0', 'lat=0&lon=181', 'lat=abc&lon=0', 'lat=0', 'lat=0&lon=0&metres=5000', 'lat=0&lon=0&metres=0']) {
      const res = await t.app.inject({ url: `/api/v1/gis/reverse?${extra}` });
      expect(res.statusCode, extra).toBe(400);
    }
  });
});
