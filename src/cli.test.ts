import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../test/helpers/cli.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../test/helpers/db.js';
import {
  freePort,
  killAllServers,
  postLogin,
  type ServerProcess,
  sessionCookieOf,
  startServerProcess,
} from '../test/helpers/server-process.js';
import { findCommuneByCode } from './platform/communes/communes.repository.js';
import { lockHolder } from './platform/db/data-lock.js';
import { type Database, openPostgres } from './platform/db/database.js';
import { withCommune } from './platform/db/tenant.js';

const API_KEY = /^mdn_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/;
const PASSWORD = 'a long enough passphrase';
// Emails of the commands that must be refused: none of them may exist afterwards.
const REFUSED = ['weak@berkane.example', 'empty@berkane.example', 'nodept@berkane.example', 'nocommune@berkane.example'];

/** The command's stderr is one line saying what is wrong. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

// Each command is a fresh process (tsx, then the database): slow on a busy two-core machine.
describe('madina command line', { timeout: 120_000 }, () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  /** Where the commands find the database: the PostgreSQL URL, else the embedded folder. */
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-cli-'));
    if (onPostgres) {
      database = await createTestDatabase();
      env = { DATA_DIR: dataDir, DATABASE_URL: database.url! };
    } else {
      // The run's template is a gzipped tar of a migrated, seeded PGlite folder (paths from its root).
      fs.mkdirSync(path.join(dataDir, 'pg'));
      execFileSync('tar', ['-xzf', inject('pgliteTemplate'), '-C', path.join(dataDir, 'pg')], { stdio: 'ignore' });
      env = { DATA_DIR: dataDir };
    }
  });

  afterAll(async () => {
    await killAllServers();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('refusals before any database work', () => {
    it('refuses an unknown command', async () => {
      const r = await runCli(['frobnicate'], { env });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/unknown command 'frobnicate'/);
    });

    it('refuses user add without --email', async () => {
      const r = await runCli(['user', 'add', '--commune', 'berkane', '--role', 'agent'], { env, input: `${PASSWORD}\n` });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/required option '--email <email>' not specified/);
    });

    it('refuses a role that does not exist, naming the roles', async () => {
      const r = await runCli(['user', 'add', '--commune', 'berkane', '--email', 'boss@berkane.example', '--role', 'boss'], {
        env,
        input: `${PASSWORD}\n`,
      });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/'boss' is invalid\. Allowed choices are admin, supervisor, agent/);
    });

    it('refuses an email address that is not one', async () => {
      const r = await runCli(['user', 'add', '--commune', 'berkane', '--email', 'not-an-email', '--role', 'agent'], {
        env,
        input: `${PASSWORD}\n`,
      });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe('error: --email "not-an-email" is not an email address');
    });

    it('refuses a weak password', async () => {
      const r = await runCli(['user', 'add', '--commune', 'berkane', '--email', REFUSED[0]!, '--role', 'agent'], { env, input: 'short\n' });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/^error: the password is too weak: it needs 10 to 256 characters/);
    });

    it('refuses an empty stdin', async () => {
      const r = await runCli(['user', 'add', '--commune', 'berkane', '--email', REFUSED[1]!, '--role', 'agent'], { env, input: '' });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/^error: no password on stdin/);
    });

    it('refuses to seed the demo in production', async () => {
      const r = await runCli(['seed', 'demo'], { env: { ...env, NODE_ENV: 'production' } });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/refusing to seed the demo with NODE_ENV=production/);
    });

    it('reports a configuration error', async () => {
      const r = await runCli(['commune', 'list'], { env: { ...env, NODE_ENV: 'staging' } });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe('configuration error: NODE_ENV must be development, production or test (got "staging")');
    });

    it('names the process holding a data folder it does not share', async () => {
      const held = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-cli-held-'));
      try {
        fs.writeFileSync(path.join(held, 'madina.lock'), JSON.stringify({ pid: process.pid, command: 'vitest', socket: false }));
        const r = await runCli(['commune', 'list'], { env: { DATA_DIR: held } });
        expect(r.code).toBe(1);
        expect(oneLine(r.stderr)).toContain(`is in use by process ${process.pid} (vitest)`);
        expect(fs.readdirSync(held)).toEqual(['madina.lock']);
      } finally {
        fs.rmSync(held, { recursive: true, force: true });
      }
    });

    it('runs as `npx madina` from any directory', async () => {
      const r = await runCli(['--help'], { bin: true, cwd: os.tmpdir() });
      expect(r.code).toBe(0);
      for (const command of ['serve', 'migrate', 'commune', 'user', 'apikey', 'seed']) expect(r.stdout).toContain(command);
      const bad = await runCli(['user', 'add', '--commune', 'berkane'], { bin: true, cwd: os.tmpdir() });
      expect(bad.code).toBe(1);
      expect(oneLine(bad.stderr)).toMatch(/required option/);
    });
  });

  describe('on a database no server holds', () => {
    it('lists the demo commune berkane', async () => {
      const r = await runCli(['commune', 'list'], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^CODE\s+HCP CODE\s+NAME/);
      expect(r.stdout).toMatch(/^berkane\s+02\.113\.01\.09\s+Berkane\s+بركان/m);
      if (!onPostgres) expect(fs.existsSync(path.join(dataDir, 'madina.lock'))).toBe(false); // released
    });

    // The server started below signs this user in: what the command wrote stayed in the database.
    it('creates a user, reading the first line of stdin as the password', async () => {
      const r = await runCli(['user', 'add', '--commune', 'berkane', '--email', 'direct@berkane.example', '--role', 'viewer'], {
        env,
        input: `${PASSWORD}\nignored second line\n`,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('created user direct@berkane.example (viewer) in commune berkane\n');
    });
  });

  // On PGlite the server holds the folder and shares it on its socket: every command below goes
  // through it, and so do this test's own checks.
  describe('while the server runs', () => {
    let server: ServerProcess;
    let db: Database;
    let berkane: string;

    beforeAll(async () => {
      server = await startServerProcess({ env });
      db = database ? database.db : openPostgres(`postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dataDir)}`, 1);
      berkane = (await findCommuneByCode(db.kysely, 'berkane'))!.id;
    });

    afterAll(async () => {
      if (db && !database) await db.close();
      await server?.stop();
    });

    const countCommunes = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM platform.commune`.execute(db.kysely)).rows[0]!.n;

    it('adds a commune from the reference table, which sees none of Berkane', async () => {
      const r = await runCli(['commune', 'add', 'saidia', '--host', 'Saidia.localhost', '--locale', 'fr'], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('created commune saidia: Saidia (HCP code 02.113.01.25), hosts saidia.localhost\n');

      const listed = await runCli(['commune', 'list'], { env });
      expect(listed.stdout).toMatch(/^saidia\s+02\.113\.01\.25\s+Saidia\s+\S+\s+saidia\.localhost$/m);
      if (!onPostgres) expect(lockHolder(dataDir)?.pid).toBe(server.pid); // so the command went through the socket

      const saidia = (await findCommuneByCode(db.kysely, 'saidia'))!;
      expect(saidia.defaultLocale).toBe('fr');
      const seen = await withCommune(db, saidia.id, async (trx) => ({
        users: await trx.selectFrom('platform.userAccount').select('email').execute(),
        departments: await trx.selectFrom('platform.department').select('code').execute(),
        audit: await trx.selectFrom('platform.auditEvent').select(['action', 'actorType', 'actorLabel']).execute(),
      }));
      expect(seen.users).toEqual([]);
      expect(seen.departments).toEqual([]);
      expect(seen.audit).toEqual([{ action: 'platform.commune.create', actorType: 'cli', actorLabel: expect.stringMatching(/^cli \S+/) }]);
      const berkaneUsers = await withCommune(db, berkane, (trx) => trx.selectFrom('platform.userAccount').select('email').execute());
      expect(berkaneUsers).toContainEqual({ email: 'admin@berkane.example' });
    });

    it('refuses a commune already served, a code or a host already taken, and writes nothing', async () => {
      const before = await countCommunes();
      const [again, code, host] = await Promise.all([
        runCli(['commune', 'add', '02.113.01.25'], { env }),
        runCli(['commune', 'add', 'ahfir', '--code', 'berkane'], { env }),
        runCli(['commune', 'add', 'ahfir', '--host', 'ahfir.localhost', '--host', 'saidia.localhost'], { env }),
      ]);
      expect(again.code).toBe(1);
      expect(oneLine(again.stderr)).toBe('error: saidia (HCP code 02.113.01.25) is already served as commune "saidia"');
      expect(code.code).toBe(1);
      expect(oneLine(code.stderr)).toBe('error: a commune with code "berkane" already exists');
      expect(host.code).toBe(1);
      expect(oneLine(host.stderr)).toBe('error: host saidia.localhost already belongs to commune "saidia"');

      expect(await countCommunes()).toBe(before);
      expect(await findCommuneByCode(db.kysely, 'ahfir')).toBeUndefined();
    });

    it('refuses an unknown commune, pointing to the list of choices', async () => {
      const r = await runCli(['commune', 'add', 'atlantis'], { env });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe(
        'error: unknown commune "atlantis": `madina commune list --available` shows the communes that can be added',
      );
      const available = await runCli(['commune', 'list', '--available'], { env });
      expect(available.code).toBe(0);
      expect(available.stdout).toMatch(/^ahfir\s+02\.113\.01\.01\s+Ahfir/m);
      expect(available.stdout).not.toMatch(/^(berkane|saidia)\s/m);
    });

    it('creates a user with the password from stdin, who can then sign in', async () => {
      const r = await runCli(
        ['user', 'add', '--commune', 'berkane', '--email', 'Tech2@Berkane.example', '--role', 'technician', '--department', 'eclairage'],
        { env, input: `${PASSWORD}\n` },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('created user tech2@berkane.example (technician, department eclairage) in commune berkane\n');

      const { user, audit } = await withCommune(db, berkane, async (trx) => {
        const user = await trx
          .selectFrom('platform.userAccount as u')
          .innerJoin('platform.department as d', (join) =>
            join.onRef('d.communeId', '=', 'u.communeId').onRef('d.id', '=', 'u.departmentId'),
          )
          .select(['u.id', 'u.email', 'u.role', 'u.displayName', 'd.code as department'])
          .where('u.email', '=', 'tech2@berkane.example')
          .executeTakeFirstOrThrow();
        const audit = await trx
          .selectFrom('platform.auditEvent')
          .select(['actorType', 'actorLabel', 'after'])
          .where('action', '=', 'platform.user.create')
          .where('entityId', '=', user.id)
          .execute();
        return { user, audit };
      });
      expect(user).toMatchObject({ role: 'technician', department: 'eclairage', displayName: 'tech2@berkane.example' });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorType: 'cli', actorLabel: expect.stringMatching(/^cli \S+/) });
      expect(JSON.stringify(audit[0]!.after)).not.toContain('passwordHash');

      const direct = await postLogin(server, 'direct@berkane.example', PASSWORD);
      expect(direct.status).toBe(200);
      const login = await postLogin(server, 'tech2@berkane.example', PASSWORD);
      expect(login.status).toBe(200);
      const me = await server.fetch('/api/v1/me', { headers: { cookie: sessionCookieOf(login) } });
      expect(me.status).toBe(200);
      expect(await me.text()).toContain('tech2@berkane.example');
    });

    it('refuses an unknown department, an unknown commune or a taken email, and writes nothing', async () => {
      const user = ['user', 'add', '--role', 'agent'];
      const input = `${PASSWORD}\n`;
      const [department, commune, taken] = await Promise.all([
        runCli([...user, '--commune', 'berkane', '--email', REFUSED[2]!, '--department', 'nowhere'], { env, input }),
        runCli([...user, '--commune', 'atlantis', '--email', REFUSED[3]!], { env, input }),
        runCli([...user, '--commune', 'berkane', '--email', 'agent@berkane.example'], { env, input }),
      ]);
      expect(department.code).toBe(1);
      expect(oneLine(department.stderr)).toBe('error: unknown department "nowhere" in commune berkane');
      expect(commune.code).toBe(1);
      expect(oneLine(commune.stderr)).toMatch(/^error: unknown commune "atlantis"/);
      expect(taken.code).toBe(1);
      expect(oneLine(taken.stderr)).toBe('error: a user with email agent@berkane.example already exists in commune berkane');

      // Nor did any refusal above (these, and those before any database work) leave a trace.
      const traces = await withCommune(db, berkane, async (trx) => ({
        users: await trx.selectFrom('platform.userAccount').select('email').where('email', 'in', REFUSED).execute(),
        audit: await trx
          .selectFrom('platform.auditEvent')
          .select('id')
          .where('actorType', '=', 'cli')
          .where('action', '=', 'platform.user.create')
          .execute(),
      }));
      expect(traces.users).toEqual([]);
      expect(traces.audit).toHaveLength(2); // direct's and tech2's
    });

    it('prints a new API key, alone on stdout, that authenticates a machine client', async () => {
      const r = await runCli(['apikey', 'add', '--commune', 'berkane', '--name', 'Open311 client', '--permission', 'platform.users.read'], {
        env,
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/created API key "Open311 client" for commune berkane \(permissions: platform\.users\.read\)/);
      const key = r.stdout.trimEnd().split('\n').at(-1)!;
      expect(key).toMatch(API_KEY);
      expect(r.stdout).toBe(`${key}\n`);

      const me = await server.fetch('/api/v1/me', { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ apiKey: { name: 'Open311 client' }, commune: { code: 'berkane' } });
      const wrong = await server.fetch('/api/v1/me', { headers: { authorization: `Bearer ${key.slice(0, -1)}x` } });
      expect(wrong.status).toBe(401);
    });

    it('refuses an API key with an unknown permission', async () => {
      const r = await runCli(['apikey', 'add', '--commune', 'berkane', '--name', 'x', '--permission', 'platform.everything.do'], { env });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(
        /^error: unknown permission "platform\.everything\.do"; known permissions: .*platform\.users\.read/,
      );
      expect(r.stdout).toBe('');
    });

    it('finds the migrations up to date', async () => {
      const r = await runCli(['migrate'], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('up to date\n');
    });

    it('seeds the demo only once', async () => {
      const r = await runCli(['seed', 'demo'], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('the demo commune berkane already exists: nothing to do\n');
    });

    describe.skipIf(onPostgres)('on the embedded database', () => {
      it('refuses a second server on the same folder, naming the holder', async () => {
        const r = await runCli(['serve'], { env: { ...env, PORT: String(await freePort()), HOST: '127.0.0.1' } });
        expect(r.code).toBe(1);
        expect(oneLine(r.stderr)).toContain(`is in use by process ${server.pid} (madina serve)`);
        expect(server.alive()).toBe(true);
      });
    });
  });
});
