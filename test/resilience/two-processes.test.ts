import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../src/flows/seed-demo.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { killAllServers, postLogin, type ServerProcess, signIn, startServerProcess, waitFor } from '../helpers/server-process.js';

/**
 * Two server processes on one PostgreSQL database: nothing either needs lives only in its memory.
 * Sessions and sign-in throttling are shared, and a queued job runs exactly once.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let dataDir: string;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-two-'));
    const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, LOGIN_MAX_FAILURES: '3', DB_POOL_SIZE: '4' };
    [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
  }, 180_000);

  afterAll(async () => {
    await killAllServers();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('a session made on one process works on the other, and signing out on one ends it on both', async () => {
    const session = await signIn(a, demoEmail('admin'), DEMO_PASSWORD);
    const onA = await a.fetch('/api/v1/me', { headers: { cookie: session.cookie } });
    const onB = await b.fetch('/api/v1/me', { headers: { cookie: session.cookie } });
    expect(onA.status).toBe(200);
    expect(onB.status).toBe(200);
    const meA = (await onA.json()) as { user: { id: string; email: string } };
    const meB = (await onB.json()) as { user: { id: string; email: string } };
    expect(meB.user).toEqual(meA.user);
    expect(meB.user.email).toBe(demoEmail('admin'));

    const logout = await b.fetch('/api/v1/auth/logout', {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });
    expect(logout.status).toBe(204);
    const afterOnA = await a.fetch('/api/v1/me', { headers: { cookie: session.cookie } });
    expect(afterOnA.status).toBe(401);
    expect(afterOnA.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await b.fetch('/api/v1/me', { headers: { cookie: session.cookie } })).status).toBe(401);
  }, 60_000);

  it('sign-in throttling is shared: failures on one process lock the account on the other', async () => {
    const email = demoEmail('agent');
    for (let i = 0; i < 3; i++) {
      const wrong = await postLogin(a, email, `wrong-password-${i}`);
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { code: string }).code).toBe('invalid_credentials');
    }
    const right = await postLogin(b, email, DEMO_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await right.json()) as { code: string }).code).toBe('login_locked');
    // Another account is not affected.
    expect((await postLogin(b, demoEmail('supervisor'), DEMO_PASSWORD)).status).toBe(200);
  }, 60_000);

  it('each queued job runs exactly once across the two processes', async () => {
    const count = 200;
    const marker = `two-processes-${Date.now()}`;
    const { rows } = await sql<{ id: string }>`
      INSERT INTO platform.job (kind, payload)
      SELECT 'notify.mail',
             jsonb_build_object('to', 'resident' || n || '@example.org', 'subject', ${marker} || ' #' || n,
                                'text', 'Message ' || n, 'language', 'fr')
        FROM generate_series(1, ${count}) AS n
      RETURNING id`.execute(database.db.kysely);
    expect(rows).toHaveLength(count);
    const ids = rows.map((r) => String(r.id));

    type JobRow = {
      id: string;
      state: string;
      attempts: number;
      lockedBy: string | null;
      lastError: string | null;
      finishedAt: Date | null;
    };
    const jobs = await waitFor(
      `${count} jobs done`,
      async () => {
        const result = await sql<JobRow>`
          SELECT id, state, attempts, locked_by, last_error, finished_at FROM platform.job WHERE id = ANY(${ids}::bigint[])`.execute(
          database.db.kysely,
        );
        return result.rows.every((j) => j.state === 'done' || j.state === 'failed') ? result.rows : undefined;
      },
      60_000,
    );
    expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
    // Exactly once: no job was claimed a second time…
    expect(jobs.filter((j) => j.attempts !== 1)).toEqual([]);
    // …and each wrote its one message.
    const mail = fs.readdirSync(path.join(dataDir, 'mail'));
    const ours = ids.map((id) => `job-${id}.eml`);
    expect(mail.filter((f) => ours.includes(f)).sort()).toEqual([...ours].sort());
    expect(mail.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(mail.filter((f) => f.endsWith('.eml'))).toHaveLength(count);
    const subjects = ours.map((f) => /^Subject: (.*)$/m.exec(fs.readFileSync(path.join(dataDir, 'mail', f), 'utf8'))?.[1]);
    expect(new Set(subjects).size).toBe(count);

    // Who did the work: with 200 jobs both processes take part in practice (the drain outlasts the
    // 1 s poll of the other), but a fast machine could let one drain the queue alone, so the split
    // is asserted only when the drain lasted long enough for the idle process to have polled.
    const split = new Map<string, number>();
    for (const j of jobs) split.set(j.lockedBy ?? '?', (split.get(j.lockedBy ?? '?') ?? 0) + 1);
    const workers = [...split.keys()];
    expect(
      workers.every((w) => w.endsWith(`:${a.pid}`) || w.endsWith(`:${b.pid}`)),
      workers.join(', '),
    ).toBe(true);
    const finished = jobs.map((j) => new Date(j.finishedAt ?? 0).getTime());
    const spanMs = Math.max(...finished) - Math.min(...finished);
    console.info(
      `[two-processes] job split: ${[...split].map(([w, n]) => `${w}=${n}`).join(', ')} (A=${a.pid}, B=${b.pid}), drained in ${spanMs} ms`,
    );
    if (spanMs > 4000) expect(split.size, 'both processes polled during a drain of over 4 s').toBe(2);
  }, 90_000);
});
