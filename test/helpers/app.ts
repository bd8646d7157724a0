import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { type BuiltApp, buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { DEMO_PASSWORD, demoEmail } from '../../src/flows/seed-demo.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestApp extends BuiltApp {
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** The whole app on a database of its own (demo seeded), not listening: requests go through `inject`. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-test-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...env });
  const built = await buildApp(config, database.db);
  await built.app.ready();
  return {
    ...built,
    database,
    config,
    async close() {
      await built.app.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in client: its cookie and CSRF token, sent on every request it makes. */
export interface Session {
  cookie: string;
  csrfToken: string;
}

export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'madina_session');
  if (!cookie) throw new Error(`no session cookie (status ${response.statusCode}: ${response.body})`);
  return `madina_session=${cookie.value}`;
}

export async function login(app: TestApp, email: string, password = DEMO_PASSWORD, headers: Record<string, string> = {}): Promise<Session> {
  const response = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, headers });
  if (response.statusCode !== 200) throw new Error(`login ${email} failed: ${response.statusCode} ${response.body}`);
  return { cookie: sessionCookie(response), csrfToken: response.json().csrfToken };
}

export const loginAs = (app: TestApp, role: Role) => login(app, demoEmail(role));

/** Headers for a signed-in request: the cookie, and for writes the CSRF token. */
export function as(session: Session): Record<string, string> {
  return { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
}
