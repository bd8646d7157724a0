/**
 * `madina`: the platform's command line — serve, migrate, and the operator's tasks (communes,
 * staff accounts, API keys, the demo). Every command that touches data opens the configured
 * database itself: PostgreSQL with DATABASE_URL, else the embedded folder in DATA_DIR, or — when a
 * running server holds that folder — the server's local socket.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from './config.js';
import type { Actor } from './platform/audit/audit.js';
import { ROLES, type Role } from './platform/auth/permissions.js';
import type { CommuneRow } from './platform/communes/communes.repository.js';
import { DataDirLockedError } from './platform/db/data-lock.js';
import type { Database } from './platform/db/database.js';
import { isDatabaseUnavailable, sqlState } from './platform/db/errors.js';
import type { Multilingual } from './platform/db/types.js';
import { LOCALES } from './platform/i18n/index.js';
import { LIMITS } from './platform/limits.js';

// The database drivers and the server load in seconds: each command imports what it needs when it
// runs, so `--help` and a refused argument answer at once.

/** A refusal the operator can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

const COMMUNE_CODE = /^[a-z0-9][a-z0-9-]{1,62}$/;
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
// The `email` format the API's schemas validate with (ajv-formats, fast mode).
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function cliActor(): Actor {
  let user: string | undefined;
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER; // no passwd entry (some containers)
  }
  return { type: 'cli', id: null, label: `cli ${user || 'unknown'}` };
}

const print = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

/** Left-aligned columns, two spaces apart. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Opens the database for one command and always closes it (and releases the data folder).
 * `prepare` applies pending migrations first, so a command works on an empty folder.
 */
async function withDatabase<T>(command: string, prepare: boolean, fn: (db: Database) => Promise<T>): Promise<T> {
  const [{ connectDatabase }, { migrate }] = await Promise.all([import('./platform/db/connect.js'), import('./platform/db/migrator.js')]);
  const config = loadConfig();
  const connection = await connectDatabase(config, `madina ${command}`, true);
  try {
    if (prepare) await migrate(connection.db);
    return await fn(connection.db);
  } finally {
    await connection.db.close();
    connection.release();
  }
}

async function communeByCode(db: Database, code: string): Promise<CommuneRow> {
  const { findCommuneByCode } = await import('./platform/communes/communes.repository.js');
  const commune = await findCommuneByCode(db.kysely, code);
  if (!commune) throw new CliError(`unknown commune "${code}" (\`madina commune list\` shows the communes served)`);
  return commune;
}

/** The reference communes (boundaries, census) are loaded on first need. */
async function referenceAreas(db: Database) {
  const [{ listAdminAreas, loadAdminAreas }, { PROVINCE_FILE }] = await Promise.all([
    import('./platform/communes/communes.service.js'),
    import('./flows/seed-demo.js'),
  ]);
  const areas = await listAdminAreas(db);
  if (areas.length > 0) return areas;
  await loadAdminAreas(db, PROVINCE_FILE);
  return listAdminAreas(db);
}

const collect = (value: string, previous: string[]) => [...previous, value];

function displayName(name: Multilingual): string {
  return name.fr ?? name.en ?? name.ar ?? '';
}

// ── commune ────────────────────────────────────────────────────────────────────────────────────

interface CommuneAddOptions {
  code?: string;
  host: string[];
  locale?: string;
}

async function communeAdd(key: string, options: CommuneAddOptions) {
  if (options.code !== undefined && !COMMUNE_CODE.test(options.code)) {
    throw new CliError(`--code "${options.code}" is not a commune code (lowercase letters, digits and dashes, 2 to 63 characters)`);
  }
  const hosts = [...new Set(options.host.map((h) => h.trim().toLowerCase()))];
  const badHost = hosts.find((h) => !HOST.test(h));
  if (badHost !== undefined) throw new CliError(`--host "${badHost}" is not a host name (e.g. saidia.example.ma, without a port)`);

  const [{ createCommuneFromArea }, { findCommuneByHost, listCommunes }] = await Promise.all([
    import('./platform/communes/communes.service.js'),
    import('./platform/communes/communes.repository.js'),
  ]);
  await withDatabase('commune add', true, async (db) => {
    const areas = await referenceAreas(db);
    const area = areas.find((a) => a.slug === key || a.officialCode === key);
    if (!area) {
      throw new CliError(`unknown commune "${key}": \`madina commune list --available\` shows the communes that can be added`);
    }
    const code = options.code ?? area.slug;
    if (!COMMUNE_CODE.test(code)) throw new CliError(`"${code}" cannot be a commune code: give one with --code`);
    const served = await listCommunes(db.kysely);
    const sameArea = served.find((c) => c.officialCode === area.officialCode);
    if (sameArea) throw new CliError(`${area.slug} (HCP code ${area.officialCode}) is already served as commune "${sameArea.code}"`);
    if (served.some((c) => c.code === code)) throw new CliError(`a commune with code "${code}" already exists`);
    for (const host of hosts) {
      const owner = await findCommuneByHost(db.kysely, host);
      if (owner) throw new CliError(`host ${host} already belongs to commune "${owner.code}"`);
    }
    let id: string | undefined;
    try {
      id = await createCommuneFromArea(db, area.slug, { code, hosts, defaultLocale: options.locale }, cliActor());
    } catch (error) {
      // Another process created the same commune or host meanwhile.
      if (sqlState(error) === '23505') throw new CliError(`commune "${code}" or one of its hosts already exists`);
      throw error;
    }
    if (!id) throw new CliError(`unknown commune "${key}"`);
    print(
      `created commune ${code}: ${displayName(area.name)} (HCP code ${area.officialCode})` +
        (hosts.length > 0 ? `, hosts ${hosts.join(', ')}` : ', no host yet (add one with --host to reach it by name)'),
    );
  });
}

async function communeList(options: { available?: boolean }) {
  const { listCommunes } = await import('./platform/communes/communes.repository.js');
  await withDatabase('commune list', true, async (db) => {
    if (options.available) {
      const areas = (await referenceAreas(db)).filter((a) => !a.served);
      if (areas.length === 0) return print('every reference commune is already served');
      print(
        table(
          ['SLUG', 'HCP CODE', 'NAME', 'NAME (AR)'],
          areas.map((a) => [a.slug, a.officialCode, displayName(a.name), a.name.ar ?? '']),
        ),
      );
      return;
    }
    const communes = await listCommunes(db.kysely);
    if (communes.length === 0) return print('no commune yet: `madina commune add <slug>` creates one (`--available` lists them)');
    print(
      table(
        ['CODE', 'HCP CODE', 'NAME', 'NAME (AR)', 'HOSTS'],
        communes.map((c) => [
          c.code,
          c.officialCode ?? '-',
          displayName(c.name),
          c.name.ar ?? '',
          c.hosts.length > 0 ? c.hosts.join(',') : '-',
        ]),
      ),
    );
  });
}

// ── user ───────────────────────────────────────────────────────────────────────────────────────

/** Reads a password without echo from a terminal, twice. */
async function promptPassword(): Promise<string> {
  const ask = (prompt: string) =>
    new Promise<string>((resolve, reject) => {
      const stdin = process.stdin;
      process.stderr.write(prompt);
      stdin.setRawMode(true);
      stdin.setEncoding('utf8');
      stdin.resume();
      let value = '';
      const finish = (error?: Error) => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
        process.stderr.write('\n');
        if (error) reject(error);
        else resolve(value);
      };
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
          if (ch === '\u0003') return finish(new CliError('cancelled'));
          if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask('Password: ');
  if (first === '') return first;
  if ((await ask('Again: ')) !== first) throw new CliError('the two passwords differ');
  return first;
}

/** The first line of stdin, without its line ending (`printf '%s\n' "$PASSWORD" | madina user add …`). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) return promptPassword();
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk as string;
    if (text.includes('\n')) break; // leaving the loop closes stdin
  }
  return text.split('\n')[0]!.replace(/\r$/, '');
}

interface UserAddOptions {
  commune: string;
  email: string;
  role: Role;
  department?: string;
  name?: string;
  locale?: string;
}

async function userAdd(options: UserAddOptions) {
  const [{ normalizeEmail }, { hashPassword, isStrongEnough }] = await Promise.all([
    import('./platform/auth/auth.service.js'),
    import('./platform/auth/passwords.js'),
  ]);
  const email = normalizeEmail(options.email);
  if (email.length > LIMITS.emailMax || !EMAIL.test(email)) throw new CliError(`--email "${options.email}" is not an email address`);
  const name = (options.name ?? email).trim();
  if (name.length === 0 || name.length > LIMITS.displayNameMax) {
    throw new CliError(`--name must have 1 to ${LIMITS.displayNameMax} characters`);
  }
  const password = await readPassword();
  if (password === '') {
    throw new CliError(`no password on stdin: pipe it in, e.g. printf '%s\\n' "$PASSWORD" | madina user add --commune … --email …`);
  }
  if (!isStrongEnough(password, email)) {
    throw new CliError(
      `the password is too weak: it needs ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters and must differ from the email`,
    );
  }
  const passwordHash = await hashPassword(password);

  const [{ findDepartmentByCode, insertAccount }, { withCommune }, { AppError }] = await Promise.all([
    import('./modules/org/index.js'),
    import('./platform/db/tenant.js'),
    import('./platform/http/errors.js'),
  ]);
  await withDatabase('user add', true, async (db) => {
    const commune = await communeByCode(db, options.commune);
    const actor = cliActor();
    await withCommune(db, commune.id, async (trx) => {
      let departmentId: string | null = null;
      if (options.department !== undefined) {
        const department = await findDepartmentByCode(trx, options.department);
        if (!department) throw new CliError(`unknown department "${options.department}" in commune ${commune.code}`);
        departmentId = department.id;
      }
      await insertAccount(trx, commune.id, actor, {
        email,
        displayName: name,
        passwordHash,
        role: options.role,
        departmentId,
        locale: options.locale ?? null,
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'conflict') {
          throw new CliError(`a user with email ${email} already exists in commune ${commune.code}`);
        }
        throw error;
      });
    });
    print(
      `created user ${email} (${options.role}${options.department ? `, department ${options.department}` : ''}) in commune ${commune.code}`,
    );
  });
}

// ── apikey ─────────────────────────────────────────────────────────────────────────────────────

async function apiKeyAdd(options: { commune: string; name: string; permission: string[] }) {
  // Loading the app loads every module, and with them the permissions each declares.
  const [{ createApiKey }, { allPermissions, isPermission }] = await Promise.all([
    import('./modules/org/index.js'),
    import('./platform/auth/permissions.js'),
    import('./app.js'),
  ]);
  const name = options.name.trim();
  if (name.length === 0 || name.length > LIMITS.apiKeyNameMax)
    throw new CliError(`--name must have 1 to ${LIMITS.apiKeyNameMax} characters`);
  const unknown = options.permission.find((p) => !isPermission(p));
  if (unknown !== undefined) throw new CliError(`unknown permission "${unknown}"; known permissions: ${allPermissions().join(', ')}`);

  await withDatabase('apikey add', true, async (db) => {
    const commune = await communeByCode(db, options.commune);
    const created = await createApiKey(db, commune.id, cliActor(), name, options.permission);
    const permissions = created.permissions.length > 0 ? created.permissions.join(', ') : 'none';
    // Only the key goes to stdout, so `KEY=$(madina apikey add …)` captures it.
    note(`created API key "${name}" for commune ${commune.code} (permissions: ${permissions}); it is shown only this once:`);
    print(created.key);
  });
}

// ── import ─────────────────────────────────────────────────────────────────────────────────────

async function importOsmCommand(file: string, options: { commune: string }) {
  const { existsSync } = await import('node:fs');
  if (!existsSync(file)) throw new CliError(`no file ${file}`);
  // Loading the app loads every module, and with them the OSM targets they register (lighting's lamps).
  const [{ importOsmExtract }, { AppError }, { translator }] = await Promise.all([
    import('./modules/gis/index.js'),
    import('./platform/http/errors.js'),
    import('./platform/i18n/index.js'),
    import('./app.js'),
  ]);
  await withDatabase('import osm', true, async (db) => {
    const commune = await communeByCode(db, options.commune);
    const result = await importOsmExtract(db, commune.id, cliActor(), file).catch((error: unknown) => {
      if (error instanceof AppError && error.detailKey) throw new CliError(translator('en').t(error.detailKey, error.values));
      throw error;
    });
    const { nodes, ways, relations } = result.read;
    print(`read ${nodes} nodes, ${ways} ways, ${relations} relations from ${file}`);
    print(
      table(
        ['TARGET', 'WRITTEN'],
        Object.entries(result.written).map(([target, n]) => [target, String(n)]),
      ),
    );
    print(
      `left out: ${result.outside} farther than 1 km from ${commune.code}, ${result.missingNodes} with missing nodes, ${result.brokenAreas} unclosed multipolygons`,
    );
  });
}

// ── seed ───────────────────────────────────────────────────────────────────────────────────────

async function seedDemoCommand() {
  if (loadConfig().env === 'production') {
    throw new CliError('refusing to seed the demo with NODE_ENV=production: the demo accounts have a published password');
  }
  const { DEMO_PASSWORD, demoEmail, seedDemo } = await import('./flows/seed-demo.js');
  await withDatabase('seed demo', true, async (db) => {
    if (await seedDemo(db, cliActor())) {
      print(`seeded the demo commune berkane: sign in as ${demoEmail('admin')} (or another role) with password ${DEMO_PASSWORD}`);
    } else {
      print('the demo commune berkane already exists: nothing to do');
    }
  });
}

// ── verify ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Checks an issued document's signature offline; exit code 0 when authentic, 1 otherwise. Uses
 * the platform's signature format directly, so it answers in a second (no module is loaded).
 */
async function verifyCommand(file: string, options: { key?: string; fingerprint?: string }) {
  const fs = await import('node:fs');
  const { normalizeFingerprint, verifySignedPdf } = await import('./platform/pdf/signature.js');
  if (options.fingerprint !== undefined && normalizeFingerprint(options.fingerprint) === null) {
    throw new CliError(`--fingerprint "${options.fingerprint}" is not a key fingerprint (64 hexadecimal digits, colons allowed)`);
  }
  const read = (what: string, path: string) => {
    try {
      return fs.readFileSync(path);
    } catch (error) {
      throw new CliError(`cannot read ${what}${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const pdf = read('', file);
  // --key: the PEM text itself, or a file holding it.
  const publicKeyPem =
    options.key === undefined
      ? undefined
      : options.key.includes('-----BEGIN')
        ? options.key
        : read('the key ', options.key).toString('utf8');
  const result = verifySignedPdf(pdf, { publicKeyPem, fingerprint: options.fingerprint });

  /** A claim as one line: a name in several languages as "fr / ar", a {code, name} as "code (name)". */
  const show = (value: unknown): string => {
    if (value === null) return '(not shown, at the holder’s request)';
    if (typeof value !== 'object') return String(value);
    const v = value as Record<string, unknown>;
    if (typeof v.code === 'string') return `${v.code}${v.name ? ` (${show(v.name)})` : ''}`;
    return [v.fr, v.ar, v.en].filter((t) => typeof t === 'string' && t !== '').join(' / ');
  };
  print(result.ok ? 'AUTHENTIC: the document is unchanged since the commune signed it' : `NOT AUTHENTIC: ${result.reason}`);
  const rows: [string, string][] = [];
  const labels: Record<string, string> = { issuedAt: 'issued at', sha256: 'signed sha256' };
  for (const [name, value] of Object.entries(result.claims ?? {})) if (name !== 'v') rows.push([labels[name] ?? name, show(value)]);
  rows.push(['file sha256', result.sha256]);
  if (result.fingerprint) {
    const checked =
      result.keyMatched === undefined
        ? " (not checked: compare it with the commune's published keys, GET /api/v1/eservices/signing-keys, or pass --fingerprint)"
        : result.keyMatched
          ? ' (the expected key)'
          : '';
    rows.push(['key', `${result.fingerprint}${checked}`]);
  }
  for (const [label, value] of rows) print(`  ${label.padEnd(14)}${value}`);
  if (!result.ok) throw new CliError(`the document is not authentic: ${result.reason}`);
}

// ── simulate ───────────────────────────────────────────────────────────────────────────────────

interface SimulateOptions {
  devices: string;
  interval: string;
  faults: string;
  url?: string;
  commune?: string;
  rounds?: string;
}

function numberOption(name: string, raw: string, min: number, max: number, integer: boolean): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new CliError(`${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

async function simulateLighting(options: SimulateOptions) {
  const config = loadConfig();
  if (config.env === 'production')
    throw new CliError('refusing to simulate with NODE_ENV=production: the demo devices have published secrets');
  const count = numberOption('--devices', options.devices, 1, 100_000, true);
  const intervalSeconds = numberOption('--interval', options.interval, 0.05, 86_400, false);
  const faultProbability = numberOption('--faults', options.faults, 0, 1, false);
  const rounds = options.rounds === undefined ? undefined : numberOption('--rounds', options.rounds, 1, 1_000_000, true);
  const url = options.url ?? config.mqttUrl ?? `mqtt://127.0.0.1:${config.mqttPort || 1883}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') throw new Error();
  } catch {
    throw new CliError(`--url "${url}" is not an mqtt:// or mqtts:// URL`);
  }
  const { prepareDemoDevices, runSimulator } = await import('./modules/lighting/index.js');
  const code = options.commune ?? config.defaultCommune;
  const prepared = await withDatabase('simulate', true, async (db) => {
    const commune = await communeByCode(db, code);
    return prepareDemoDevices(db, commune.id, count);
  });
  if (prepared.devices.length === 0) {
    throw new CliError(`commune ${code} has no demo lighting devices (\`madina seed demo\` seeds Berkane's)`);
  }
  if (prepared.devices.length < count) note(`only ${prepared.devices.length} demo devices in commune ${code}: simulating those`);
  note(
    `simulating ${prepared.devices.length} lighting controllers of ${code} on ${url}: a reading every ${intervalSeconds} s each, faults with probability ${faultProbability}` +
      (rounds ? `, ${rounds} readings each` : '; Ctrl-C stops'),
  );
  const run = runSimulator({
    url,
    communeCode: code,
    devices: prepared.devices,
    intervalSeconds,
    faultProbability,
    place: prepared.place,
    rounds,
  });
  const report = () => {
    const s = run.stats();
    note(
      `connected ${s.connected}/${prepared.devices.length}  published ${s.published}  acknowledged ${s.acknowledged}  failed ${s.failed}`,
    );
  };
  const ticker = setInterval(report, 10_000);
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await Promise.race([rounds ? run.finished : new Promise(() => {}), stopped]);
  clearInterval(ticker);
  report();
  await run.stop();
}

// ── the program ────────────────────────────────────────────────────────────────────────────────

export function buildProgram(): Command {
  const program = new Command('madina')
    .description('Madina, the commune platform: serve it and administer its communes, staff and API keys')
    .configureHelp({ sortSubcommands: true });

  program
    .command('serve')
    .description('serve the platform (same as npm start); configured by the environment: PORT, DATA_DIR, DATABASE_URL…')
    .action(async () => {
      const { serve } = await import('./main.js');
      await serve(loadConfig());
    });

  program
    .command('migrate')
    .description('apply the pending database migrations')
    .action(() =>
      withDatabase('migrate', false, async (db) => {
        const { migrate } = await import('./platform/db/migrator.js'); // already loaded by withDatabase
        const applied = await migrate(db);
        if (applied.length === 0) print('up to date');
        for (const name of applied) print(`applied ${name}`);
      }),
    );

  const commune = program.command('commune').description('the communes served (tenants)');
  commune
    .command('add')
    .description('serve a commune of the reference table, with its boundary and census')
    .argument('<slug-or-hcp-code>', 'e.g. saidia or 02.113.01.25 (see `madina commune list --available`)')
    .option('--code <code>', 'the commune code in URLs and on the command line (default: its slug)')
    .option('--host <host>', 'a host name that reaches this commune (repeatable)', collect, [])
    .addOption(new Option('--locale <locale>', 'the default language').choices(LOCALES))
    .action(communeAdd);
  commune
    .command('list')
    .description('the communes served, or with --available the reference communes that can be added')
    .option('--available', 'list the reference communes not yet served')
    .action(communeList);

  const user = program.command('user').description('staff accounts');
  user
    .command('add')
    .description('create a staff account; the password is read from stdin (first line)')
    .requiredOption('--commune <code>', 'the commune code')
    .requiredOption('--email <email>', 'the sign-in email')
    .addOption(new Option('--role <role>', 'the role').choices(ROLES).makeOptionMandatory())
    .option('--department <code>', 'the department code (e.g. eclairage)')
    .option('--name <name>', 'the display name (default: the email)')
    .addOption(new Option('--locale <locale>', 'the preferred language').choices(LOCALES))
    .action(userAdd);

  const apikey = program.command('apikey').description('API keys for machine clients (Open311 clients, integrations)');
  apikey
    .command('add')
    .description('create an API key and print it (shown only once)')
    .requiredOption('--commune <code>', 'the commune code')
    .requiredOption('--name <name>', 'what the key is for')
    .option('--permission <permission>', 'a permission to grant (repeatable; default none)', collect, [])
    .action(apiKeyAdd);

  program
    .command('simulate')
    .description('simulate devices publishing telemetry over MQTT (demo and benchmarks; refused in production)')
    .argument('<module>', 'what to simulate: lighting (lamp and cabinet controllers of the demo inventory)')
    .option('--devices <n>', 'how many devices (cabinets first, then luminaires)', '50')
    .option('--interval <seconds>', 'seconds between two readings of one device', '10')
    .option('--faults <p>', 'probability that a reading brings a fault (0 to 1)', '0.01')
    .option('--url <url>', 'the broker (default: MQTT_URL, else the embedded broker on 127.0.0.1:MQTT_PORT)')
    .option('--commune <code>', 'the commune whose devices to simulate (default: DEFAULT_COMMUNE)')
    .option('--rounds <n>', 'stop after this many readings per device (default: until Ctrl-C)')
    .action((module: string, options: SimulateOptions) => {
      if (module !== 'lighting') throw new CliError(`cannot simulate "${module}": only lighting is simulated so far`);
      return simulateLighting(options);
    });

  const importer = program.command('import').description('import data files');
  importer
    .command('osm')
    .description("import an OpenStreetMap extract (.osm.pbf or .osm) into the base layers and the modules' layers (all or nothing)")
    .argument('<file>', 'the extract, e.g. cut with `osmium extract -p berkane_commune.geojson morocco.osm.pbf -o berkane.osm.pbf`')
    .requiredOption('--commune <code>', 'the commune code')
    .action(importOsmCommand);

  const seed = program.command('seed').description('sample data');
  seed.command('demo').description('seed the demo commune berkane and its demo accounts (refused in production)').action(seedDemoCommand);

  program
    .command('verify')
    .description("check an issued document's signature offline (exit code 0 when authentic, 1 otherwise)")
    .argument('<file.pdf>', 'the document to check')
    .option('--key <pem>', "the commune's public key (a PEM file, or the PEM text) the document must be signed with")
    .option('--fingerprint <fingerprint>', "the SHA-256 fingerprint of the commune's key (from GET /api/v1/eservices/signing-keys)")
    .action(verifyCommand);

  return program;
}

/** The one line printed for a failed command. */
function describeError(error: unknown): string | undefined {
  if (error instanceof CliError) return `error: ${error.message}`;
  if (error instanceof ConfigError) return `configuration error: ${error.message}`;
  if (error instanceof DataDirLockedError) return `error: ${error.message}`;
  if (isDatabaseUnavailable(error)) return `error: cannot reach the database: ${(error as Error).message}`;
  return undefined;
}

/** Runs the command line; returns the exit code (`serve` keeps running until a signal). */
export async function main(argv: string[]): Promise<number | 'serving'> {
  const program = buildProgram();
  let serving = false;
  program.hook('preAction', (_program, action) => {
    serving = action.name() === 'serve';
  });
  try {
    await program.parseAsync(argv);
    return serving ? 'serving' : 0;
  } catch (error) {
    const line = describeError(error);
    if (line) process.stderr.write(`${line}\n`);
    else console.error(error);
    return 1;
  }
}

/** Runs the command line as the process (bin/madina.js): exits when the command is done, unless it serves. */
export async function run(argv = process.argv): Promise<void> {
  const code = await main(argv);
  // Nothing is left to do: a stray handle (stdin, a pool timer) must not keep the process alive.
  if (code !== 'serving') process.exit(code);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
