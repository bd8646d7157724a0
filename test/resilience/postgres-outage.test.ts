import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../src/flows/seed-demo.js';
import { freePort, killAllServers, postLogin, type ServerProcess, signIn, startServerProcess, waitFor } from '../helpers/server-process.js';

/**
 * The database goes away under a running server and comes back: the server must answer 503
 * (problem+json, `database_unavailable`) meanwhile, never crash or answer 500, and recover by
 * itself. It runs on a private PostgreSQL cluster of its own, never the machine's shared one.
 */

const BIN = '/usr/lib/postgresql/15/bin';

/** A throw-away PostgreSQL 15 cluster owned by the `postgres` OS user (initdb refuses root). */
class PrivateCluster {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-pg-'));
  readonly data = path.join(this.root, 'data');
  running = false;

  constructor(readonly port: number) {}

  get url() {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(cmd: string, args: string[]) {
    const asPostgres = process.getuid?.() === 0;
    const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args]] : [path.join(BIN, cmd), args];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  }

  init() {
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      fs.chownSync(this.root, uid, gid);
    }
    this.run('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  }

  start() {
    if (this.running) return;
    const options = `-p ${this.port} -k ${this.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    this.run('pg_ctl', ['-D', this.data, '-o', options, '-l', path.join(this.root, 'server.log'), '-w', '-t', '60', 'start']);
    this.running = true;
  }

  stop(mode: 'fast' | 'immediate' = 'fast') {
    if (!this.running) return;
    this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  destroy() {
    try {
      if (fs.existsSync(path.join(this.data, 'postmaster.pid'))) this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    this.running = false;
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

async function expectUnavailable(response: Response) {
  const body = await response.text();
  expect(response.status, body).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(JSON.parse(body)).toMatchObject({ status: 503, code: 'database_unavailable' });
}

async function status(server: ServerProcess, p: string, init?: RequestInit): Promise<number> {
  const response = await server.fetch(p, init);
  await response.arrayBuffer();
  return response.status;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL outage (private cluster)', () => {
  let cluster: PrivateCluster;
  let dataDir: string;

  beforeAll(async () => {
    cluster = new PrivateCluster(await freePort());
    cluster.init();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-outage-'));
  }, 120_000);

  afterEach(async () => {
    await killAllServers();
  });

  afterAll(async () => {
    await killAllServers();
    cluster?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const env = () => ({ DATABASE_URL: cluster.url, DATA_DIR: dataDir, DB_POOL_SIZE: '4' });

  it('starts while the database is down (health 200, ready and API 503), then migrates and turns ready by itself', async () => {
    cluster.stop();
    const server = await startServerProcess({ env: env(), waitFor: '/health' });

    const ready = await server.fetch('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'starting' });
    await expectUnavailable(await postLogin(server, demoEmail('admin'), DEMO_PASSWORD));
    await expectUnavailable(await server.fetch('/api/v1/me'));
    expect(await status(server, '/health')).toBe(200);

    cluster.start();
    // Migrations on an empty database and the demo seed, retried every 2 s by the server itself.
    await server.waitFor('/ready', 200, 90_000);
    const session = await signIn(server, demoEmail('admin'), DEMO_PASSWORD);
    const me = await server.fetch('/api/v1/me', { headers: { cookie: session.cookie } });
    expect(me.status).toBe(200);
    expect(server.alive()).toBe(true);

    expect(await server.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('answers 503 while the database is stopped under it, and recovers by itself when it returns', async () => {
    cluster.start();
    const server = await startServerProcess({ env: env(), timeoutMs: 120_000 });
    const session = await signIn(server, demoEmail('admin'), DEMO_PASSWORD);
    const me = await server.fetch('/api/v1/me', { headers: { cookie: session.cookie } });
    expect(me.status).toBe(200);
    const userId = ((await me.json()) as { user: { id: string } }).user.id;

    // Requests keep arriving while the database stops: some are mid-transaction when it goes.
    const seen = new Map<number, number>();
    let load = true;
    const loops = Array.from({ length: 6 }, async (_, i) => {
      while (load) {
        const p = i % 2 === 0 ? '/api/v1/me' : '/api/v1/org/departments';
        try {
          const s = await status(server, p, { headers: { cookie: session.cookie } });
          seen.set(s, (seen.get(s) ?? 0) + 1);
        } catch {
          seen.set(0, (seen.get(0) ?? 0) + 1); // no answer at all (connection refused or reset)
        }
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    cluster.stop('fast');
    await waitFor('/ready → 503', async () => (await status(server, '/ready')) === 503, 10_000, server);
    await new Promise((r) => setTimeout(r, 1000));
    load = false;
    await Promise.all(loops);
    const answers = JSON.stringify(Object.fromEntries(seen));
    expect(server.alive(), server.output().slice(-3000)).toBe(true);
    // Every request got an answer, and only 200 (before) or 503 (after): no 500, no reset.
    expect(
      [...seen.keys()].filter((k) => k !== 200 && k !== 503),
      answers,
    ).toEqual([]);
    expect(seen.get(503), answers).toBeGreaterThan(0);
    const ready = await server.fetch('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'database_unavailable' });

    await expectUnavailable(await server.fetch('/api/v1/me', { headers: { cookie: session.cookie } }));
    await expectUnavailable(await postLogin(server, demoEmail('admin'), DEMO_PASSWORD));
    // The commune cache (10 s) runs out: the commune lookup itself fails, still a 503.
    await new Promise((r) => setTimeout(r, 10_500));
    await expectUnavailable(await server.fetch('/api/v1/me', { headers: { cookie: session.cookie } }));
    await expectUnavailable(await server.fetch('/api/v1/org/departments', { headers: { cookie: session.cookie } }));
    expect(await status(server, '/health')).toBe(200);
    expect(server.alive()).toBe(true);

    cluster.start();
    await server.waitFor('/ready', 200, 30_000);
    const again = await server.fetch('/api/v1/me', { headers: { cookie: session.cookie } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { user: { id: string } }).user.id).toBe(userId);
    expect(server.alive()).toBe(true);
    expect(server.output()).not.toMatch(/uncaught|unhandled/i);

    expect(await server.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);
});
