import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('operations endpoints', () => {
  it('answers /health and /ready without a commune', async () => {
    expect((await t.app.inject({ url: '/health', headers: { host: 'unknown.example' } })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('says 503 on /ready and on the API until migrations are applied', async () => {
    t.readiness.migrated = false;
    try {
      expect((await t.app.inject({ url: '/ready' })).statusCode).toBe(503);
      const api = await t.app.inject({ url: '/api/v1/communes/current' });
      expect([api.statusCode, api.json().code, api.headers['retry-after']]).toEqual([503, 'database_unavailable', '2']);
    } finally {
      t.readiness.migrated = true;
    }
  });

  it('exports request latencies, database connections and event-loop lag to Prometheus', async () => {
    await t.app.inject({ url: '/api/v1/communes/current' });
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(
      /madina_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/communes\/current",status="200"\} \d+/,
    );
    expect(metrics.body).toMatch(/madina_db_connections\{state="total"\} \d+/);
    expect(metrics.body).toMatch(/nodejs_eventloop_lag_seconds \d/);
  });
});
