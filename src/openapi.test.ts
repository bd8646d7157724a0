import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE, serialize } from '../scripts/write-openapi.js';
import { createTestApp, type TestApp } from '../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('OpenAPI', () => {
  it('matches the committed openapi.json (run `npm run openapi` after changing a route)', () => {
    expect(serialize(t.app.swagger())).toBe(fs.readFileSync(OPENAPI_FILE, 'utf8'));
  });

  it('is served at /openapi.json and the docs UI at /docs without third-party hosts', async () => {
    const spec = await t.app.inject({ url: '/openapi.json' });
    expect(spec.json().openapi).toBe('3.0.3');
    const docs = await t.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.[a-z]{2,}\/[^"']*\.(js|css)/i);
  });

  it('gives every API route tags and a success response schema', () => {
    const paths = t.app.swagger().paths ?? {};
    for (const [route, operations] of Object.entries(paths)) {
      if (!route.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(operations as Record<string, { tags?: string[]; responses?: object }>)) {
        expect(op.tags?.length, `${method} ${route} tags`).toBeGreaterThan(0);
        expect(
          Object.keys(op.responses ?? {}).some((status) => status.startsWith('2')),
          `${method} ${route} responses`,
        ).toBe(true);
      }
    }
  });
});
