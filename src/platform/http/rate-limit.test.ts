import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../../../test/helpers/db.js';
import { findCommuneByCode } from '../communes/communes.repository.js';
import { openPostgres } from '../db/database.js';
import { withCommune } from '../db/tenant.js';
import { registerProblemHandling } from './problem.js';
import { hitRateLimit, purgeRateLimits, tooManyRequests } from './rate-limit.js';

describe('rate limit', () => {
  let t: TestDatabase;
  const key = () => `test:${crypto.randomUUID()}`;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  /** Moves every window of `k` back in time, as if `seconds` had passed. */
  const age = (k: string, seconds: number) =>
    sql`UPDATE platform.rate_limit SET window_start = window_start - make_interval(secs => ${seconds}) WHERE key = ${k}`.execute(
      t.db.kysely,
    );

  it('allows `limit` hits in a window, then refuses with the seconds left in it', async () => {
    const k = key();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await hitRateLimit(t.db.kysely, k, 3, 60));
    expect(results.map((r) => [r.allowed, r.hits])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
    ]);
    for (const r of results) {
      expect(r.retryAfter).toBeGreaterThanOrEqual(1);
      expect(r.retryAfter).toBeLessThanOrEqual(60);
    }
  });

  it('starts counting again in the next window', async () => {
    const k = key();
    expect((await hitRateLimit(t.db.kysely, k, 1, 60)).allowed).toBe(true);
    expect((await hitRateLimit(t.db.kysely, k, 1, 60)).allowed).toBe(false);
    await age(k, 60);
    expect(await hitRateLimit(t.db.kysely, k, 1, 60)).toMatchObject({ allowed: true, hits: 1 });
  });

  it('counts each key on its own', async () => {
    const [a, b] = [key(), key()];
    await hitRateLimit(t.db.kysely, a, 1, 60);
    expect((await hitRateLimit(t.db.kysely, a, 1, 60)).allowed).toBe(false);
    expect((await hitRateLimit(t.db.kysely, b, 1, 60)).allowed).toBe(true);
  });

  it('counts every concurrent hit exactly once', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(t.db.kysely, k, 5, 3600)));
    expect(results.map((r) => r.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it.runIf(onPostgres)('shares the count between instances (separate connection pools)', async () => {
    const other = openPostgres(t.url!, 3);
    try {
      const k = key();
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => hitRateLimit(i % 2 ? other.kysely : t.db.kysely, k, 4, 3600)));
      expect(results.filter((r) => r.allowed)).toHaveLength(4);
      expect(Math.max(...results.map((r) => r.hits))).toBe(12);
    } finally {
      await other.close();
    }
  });

  it('works as the application role inside a commune transaction', async () => {
    const berkane = (await findCommuneByCode(t.db.kysely, 'berkane'))!.id;
    const k = `reports.create:${berkane}:203.0.113.7`;
    const first = await withCommune(t.db, berkane, (trx) => hitRateLimit(trx, k, 2, 600));
    const second = await withCommune(t.db, berkane, (trx) => hitRateLimit(trx, k, 2, 600));
    expect([first.hits, second.hits]).toEqual([1, 2]);
  });

  it('aligns windows on the database clock', async () => {
    const k = key();
    await hitRateLimit(t.db.kysely, k, 10, 300);
    const row = await t.db.kysely.selectFrom('platform.rateLimit').select('windowStart').where('key', '=', k).executeTakeFirstOrThrow();
    expect(new Date(row.windowStart).getTime() % 300_000).toBe(0);
    expect(Date.now() - new Date(row.windowStart).getTime()).toBeLessThan(300_000 + 5_000);
  });

  it('refuses a window longer than the purge keeps, and nonsense limits', async () => {
    await expect(hitRateLimit(t.db.kysely, key(), 1, 86_401)).rejects.toThrow(RangeError);
    await expect(hitRateLimit(t.db.kysely, key(), 1, 0)).rejects.toThrow(RangeError);
    await expect(hitRateLimit(t.db.kysely, key(), 1, 1.5)).rejects.toThrow(RangeError);
    await expect(hitRateLimit(t.db.kysely, key(), -1, 60)).rejects.toThrow(RangeError);
    await expect(hitRateLimit(t.db.kysely, '', 1, 60)).rejects.toThrow(RangeError);
  });

  it('purges windows that started more than a day ago, and only those', async () => {
    const [old, recent] = [key(), key()];
    await hitRateLimit(t.db.kysely, old, 5, 60);
    await hitRateLimit(t.db.kysely, recent, 5, 86_400);
    await age(old, 86_400 + 120);
    expect(await purgeRateLimits(t.db.kysely)).toBeGreaterThanOrEqual(1);
    const left = await t.db.kysely.selectFrom('platform.rateLimit').select('key').where('key', 'in', [old, recent]).execute();
    expect(left).toEqual([{ key: recent }]);
  });
});

describe('tooManyRequests', () => {
  it('answers 429 problem+json with Retry-After and the wait in words', async () => {
    const app = Fastify();
    registerProblemHandling(app, 1024);
    app.get('/limited', async () => {
      throw tooManyRequests(42);
    });
    const response = await app.inject({ method: 'GET', url: '/limited' });
    await app.close();
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('42');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 429,
      code: 'rate_limited',
      title: 'Too many requests',
      detail: 'Too many requests. Try again in 42 seconds.',
    });
  });
});
