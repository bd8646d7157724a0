import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../src/flows/seed-demo.js';
import { type HttpSession, killAllServers, type ServerProcess, signIn, startServerProcess } from '../helpers/server-process.js';

/**
 * The embedded database lives in files under DATA_DIR: a SIGTERM must close it cleanly, a SIGKILL
 * must lose nothing that was acknowledged (PostgreSQL's own WAL recovery runs on the next open),
 * and two processes must never open one folder.
 */
describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('PGlite durability (real processes)', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  // Opening a new folder costs ~18 s (PostGIS): start from the run's migrated, seeded template.
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-durable-'));
    const pg = path.join(dataDir, 'pg');
    fs.mkdirSync(pg);
    // The dump's members are absolute (/PG_VERSION, /base/…); tar strips the leading slash.
    execFileSync('tar', ['-xzf', inject('pgliteTemplate'), '-C', pg], { stdio: ['ignore', 'ignore', 'ignore'] });
    expect(fs.existsSync(path.join(pg, 'PG_VERSION'))).toBe(true);
  });

  afterAll(async () => {
    await killAllServers();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const start = () => startServerProcess({ env: { DATA_DIR: dataDir }, timeoutMs: 120_000 });

  async function running(): Promise<ServerProcess> {
    if (!server?.alive()) server = await start();
    return server;
  }

  async function createDepartment(s: ServerProcess, session: HttpSession, code: string): Promise<Response> {
    return s.fetch('/api/v1/org/departments', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ code, name: { fr: `Service ${code}` } }),
    });
  }

  async function department(s: ServerProcess, session: HttpSession, id: string) {
    const response = await s.fetch(`/api/v1/org/departments/${id}`, { headers: { cookie: session.cookie } });
    return { status: response.status, body: (await response.json()) as { id: string; code: string } };
  }

  it('keeps a committed write across SIGTERM: clean exit 0, lock released, data there after restart', async () => {
    const first = await running();
    const session = await signIn(first, demoEmail('admin'), DEMO_PASSWORD);
    const created = await createDepartment(first, session, 'after-sigterm');
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const t0 = Date.now();
    const exit = await first.stop(30_000);
    expect(exit, first.output()).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(first.output()).toContain('SIGTERM received');
    expect(fs.existsSync(path.join(dataDir, 'madina.lock'))).toBe(false);

    const second = await running();
    const again = await signIn(second, demoEmail('admin'), DEMO_PASSWORD);
    expect(await department(second, again, id)).toMatchObject({ status: 200, body: { id, code: 'after-sigterm' } });
  }, 180_000);

  it('refuses a second server on the same folder, naming the process that holds it', async () => {
    const holder = await running();
    const intruder = await startServerProcess({ env: { DATA_DIR: dataDir }, waitFor: null });
    const exit = await Promise.race([
      intruder.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000)),
    ]);
    expect(exit, intruder.output()).not.toBe('still running');
    expect((exit as { code: number | null }).code).not.toBe(0);
    expect(intruder.stderr()).toContain(`in use by process ${holder.pid}`);
    // The holder is undisturbed.
    expect(holder.alive()).toBe(true);
    expect((await holder.fetch('/ready')).status).toBe(200);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'madina.lock'), 'utf8'))).toMatchObject({ pid: holder.pid });
  }, 120_000);

  it('loses nothing acknowledged on SIGKILL, and the stale lock does not block the restart', async () => {
    const victim = await running();
    const session = await signIn(victim, demoEmail('admin'), DEMO_PASSWORD);
    const created = await createDepartment(victim, session, 'before-sigkill');
    const body = await created.text();
    // Killed the moment the 201 has arrived: nothing gets a chance to flush or close.
    victim.child.kill('SIGKILL');
    expect(created.status, body).toBe(201);
    const { id } = JSON.parse(body) as { id: string };
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The dead process's lock is still on disk…
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'madina.lock'), 'utf8'))).toMatchObject({ pid: victim.pid });

    // …and does not stop the next start, which recovers the database and serves the write.
    const revived = await running();
    expect(revived.pid).not.toBe(victim.pid);
    const again = await signIn(revived, demoEmail('admin'), DEMO_PASSWORD);
    expect(await department(revived, again, id)).toMatchObject({ status: 200, body: { id, code: 'before-sigkill' } });
    const list = await revived.fetch('/api/v1/org/departments', { headers: { cookie: again.cookie } });
    const codes = ((await list.json()) as { items: { code: string }[] }).items.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['after-sigterm', 'before-sigkill']));

    // And it still shuts down cleanly afterwards.
    expect(await revived.stop(30_000)).toEqual({ code: 0, signal: null });
  }, 180_000);
});
