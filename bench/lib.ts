// Shared plumbing for the benchmarks: child processes that are always cleaned up, temporary
// folders, throw-away PostgreSQL databases, readiness polling, medians and Markdown tables.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** An error whose message is the whole story (printed without a stack). */
export class BenchError extends Error {}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A positive integer from the environment, with bounds, or the fallback. */
export function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BenchError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

// ---------------------------------------------------------------------------------------------
// Clean-up registry: every child process, temporary folder and database goes here, and
// `cleanup()` (called by run.ts in `finally`, on SIGINT/SIGTERM and on the watchdog) removes them.

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const databases = new Map<string, string>(); // name → admin URL

/** A new empty folder under the OS temp dir, removed by `cleanup()` if not removed before. */
export function makeTempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `madina-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

function alive(child: ChildProcess) {
  return child.exitCode === null && child.signalCode === null;
}

/** Stops every child (SIGTERM, then SIGKILL after 10 s), drops the databases, removes the folders. */
export async function cleanup() {
  const running = [...children].filter(alive);
  await Promise.all(
    running.map(async (child) => {
      child.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      while (alive(child) && Date.now() < deadline) await sleep(50);
      if (alive(child)) child.kill('SIGKILL');
    }),
  );
  children.clear();
  for (const [name, adminUrl] of [...databases]) {
    try {
      await dropDatabase(adminUrl, name);
    } catch (error) {
      console.error(`bench: could not drop database ${name}: ${(error as Error).message}`);
    }
  }
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

/** Last-resort clean-up when the process exits without `cleanup()` (synchronous: kill and delete). */
export function cleanupSync() {
  for (const child of children) if (alive(child)) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  if (databases.size > 0) console.error(`bench: databases left behind: ${[...databases.keys()].join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Child processes

export interface Child {
  label: string;
  process: ChildProcess;
  /** When it was spawned (performance.now()). */
  spawnedAt: number;
  /** Lines printed on stdout, with the time each arrived. */
  lines: { at: number; text: string }[];
  /** The last few KB of stdout and stderr, for error messages. */
  tail(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isAlive(): boolean;
  /** SIGTERM, wait up to `timeoutMs` for the exit, then SIGKILL. Returns how long the stop took. */
  stop(timeoutMs?: number): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

/** Keys the platform's config reads: never inherited from the caller's shell. */
const CONFIG_KEYS = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'MQTT_URL',
  'DEFAULT_COMMUNE',
  'LOG_LEVEL',
  'BODY_LIMIT',
  'DB_POOL_SIZE',
  'SESSION_TTL_HOURS',
  'COOKIE_SECURE',
  'TRUST_PROXY',
  'LOGIN_MAX_FAILURES',
  'LOGIN_LOCKOUT_MINUTES',
  'SMTP_URL',
  'DEMO',
  'DB_SOCKET',
];

/** Spawns `node --import tsx <script> ...args` from the project root with a clean config environment. */
export function spawnNode(label: string, script: string, args: string[], env: Record<string, string>): Child {
  const base = { ...process.env };
  for (const key of CONFIG_KEYS) delete base[key];
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-6000);
  };
  const lines: Child['lines'] = [];
  let partial = '';
  proc.stdout?.setEncoding('utf8');
  proc.stderr?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    const at = performance.now();
    keep(chunk);
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ at, text });
  });
  proc.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
    proc.on('error', (error) => {
      keep(`\n[spawn error] ${error.message}\n`);
      resolve({ code: -1, signal: null });
    });
  });
  const child: Child = {
    label,
    process: proc,
    spawnedAt,
    lines,
    tail: () => output.trim(),
    exited,
    isAlive: () => alive(proc),
    async stop(timeoutMs = 30_000) {
      const start = performance.now();
      if (!alive(proc)) {
        const result = await exited;
        children.delete(proc);
        return { ms: 0, ...result, killed: false };
      }
      proc.kill('SIGTERM');
      let killed = false;
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        proc.kill('SIGKILL');
        killed = true;
      }
      const result = await exited;
      children.delete(proc);
      return { ms: performance.now() - start, ...result, killed };
    },
  };
  return child;
}

/** Stops a child and insists on a clean exit (code 0 after SIGTERM): a restart must not be a crash recovery. */
export async function stopCleanly(child: Child, timeoutMs = 30_000): Promise<number> {
  const stopped = await child.stop(timeoutMs);
  if (stopped.killed) {
    throw new BenchError(`${child.label} did not stop within ${timeoutMs / 1000} s of SIGTERM (killed).\n${indent(child.tail())}`);
  }
  if (stopped.code !== 0) {
    throw new BenchError(
      `${child.label} did not stop cleanly (exit code ${stopped.code}, signal ${stopped.signal}).\n${indent(child.tail())}`,
    );
  }
  return stopped.ms;
}

/** Waits for a child that ends by itself; it must exit 0 within `timeoutMs` (else it is killed and this throws). */
export async function waitForExit(child: Child, timeoutMs: number): Promise<void> {
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const outcome = await Promise.race([child.exited, timer]);
  if (outcome === 'timeout') {
    await child.stop(5000);
    throw new BenchError(`${child.label} did not exit by itself within ${timeoutMs / 1000} s (killed).\n${indent(child.tail())}`);
  }
  await child.stop(); // forgets it (already exited)
  if (outcome.code !== 0) {
    throw new BenchError(`${child.label} exited with code ${outcome.code} (signal ${outcome.signal}).\n${indent(child.tail())}`);
  }
}

export function indent(text: string, prefix = '    | '): string {
  return text
    .split('\n')
    .slice(-40)
    .map((line) => prefix + line)
    .join('\n');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * Polls `url` every `everyMs` (each try waits at most 1 s) until it answers 200. Returns when a
 * try was first not refused (the port accepts connections), when the server first answered at
 * all (any status) and when it answered 200 (performance.now()). A server that listens but whose
 * event loop is blocked accepts connections without answering. Fails with the child's output
 * when the child exits first or the deadline passes.
 */
export async function waitFor200(
  child: Child,
  url: string,
  timeoutMs: number,
  everyMs = 50,
): Promise<{ acceptedAt: number; answeredAt: number; okAt: number }> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer yet';
  let acceptedAt: number | undefined;
  let answeredAt: number | undefined;
  for (;;) {
    if (!child.isAlive()) {
      const { code, signal } = await child.exited;
      throw new BenchError(`${child.label} exited (code ${code}, signal ${signal}) before ${url} answered 200.\n${indent(child.tail())}`);
    }
    const attempt = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      const now = performance.now();
      acceptedAt ??= attempt;
      answeredAt ??= now;
      if (response.status === 200) return { acceptedAt, answeredAt, okAt: now };
      last = `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
      if (cause?.code !== 'ECONNREFUSED') acceptedAt ??= attempt;
      last = cause instanceof Error ? cause.message : (error as Error).message;
    }
    if (performance.now() > deadline) {
      throw new BenchError(
        `${child.label}: ${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s (last: ${last}).\n${indent(child.tail())}`,
      );
    }
    await sleep(everyMs);
  }
}

/** Waits until the child prints a line starting with `prefix`; returns that line and when it came. */
export async function waitForLine(child: Child, prefix: string, timeoutMs: number): Promise<{ at: number; text: string }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const line = child.lines.find((l) => l.text.startsWith(prefix));
    if (line) return line;
    if (!child.isAlive()) {
      await sleep(20); // let the last stdout chunk arrive
      const late = child.lines.find((l) => l.text.startsWith(prefix));
      if (late) return late;
      const { code, signal } = await child.exited;
      throw new BenchError(`${child.label} exited (code ${code}, signal ${signal}) before printing "${prefix}".\n${indent(child.tail())}`);
    }
    if (performance.now() > deadline) {
      throw new BenchError(`${child.label} did not print "${prefix}" within ${Math.round(timeoutMs / 1000)} s.\n${indent(child.tail())}`);
    }
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------
// The servers under test

export interface Started {
  child: Child;
  url: string;
  /** Spawn → first 200, in ms. */
  ms: number;
  /** Spawn → the port accepts connections, in ms. */
  acceptingMs: number;
  /** Spawn → first HTTP answer of any status (Madina answers 503 on /ready while it migrates), in ms. */
  answeringMs: number;
}

/** Starts Madina (`node --import tsx src/main.ts`) and waits for `/ready` = 200. */
export async function startMadina(options: { label: string; dataDir: string; databaseUrl?: string; timeoutMs: number }): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'development', // seeds the demo commune on an empty database
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const child = spawnNode(options.label, 'src/main.ts', [], env);
  const url = `http://127.0.0.1:${port}`;
  try {
    const { acceptedAt, answeredAt, okAt } = await waitFor200(child, `${url}/ready`, options.timeoutMs);
    return {
      child,
      url,
      ms: okAt - child.spawnedAt,
      acceptingMs: acceptedAt - child.spawnedAt,
      answeringMs: answeredAt - child.spawnedAt,
    };
  } catch (error) {
    await child.stop(5000);
    throw error;
  }
}

/** Starts the peer: a bare Fastify with one route (`GET /` → small JSON), and waits for its 200. */
export async function startBareFastify(timeoutMs: number): Promise<Started> {
  const port = await freePort();
  const child = spawnNode('bare Fastify', 'bench/peers/bare-fastify.ts', [], { PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  try {
    const { acceptedAt, answeredAt, okAt } = await waitFor200(child, `${url}/`, timeoutMs);
    return {
      child,
      url,
      ms: okAt - child.spawnedAt,
      acceptingMs: acceptedAt - child.spawnedAt,
      answeringMs: answeredAt - child.spawnedAt,
    };
  } catch (error) {
    await child.stop(5000);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const DEFAULT_PG = 'postgresql://postgres@127.0.0.1:5432/postgres';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1', '']);

export type PostgresTarget = { ok: true; adminUrl: string } | { ok: false; reason: string };

/**
 * The PostgreSQL server to measure on: BENCH_DATABASE_URL, else the default local one if it
 * answers. An explicit URL that does not work is an error; a missing default server is a skip.
 */
export async function findPostgres(): Promise<PostgresTarget> {
  const explicit = process.env.BENCH_DATABASE_URL;
  if (explicit === 'off' || explicit === 'none') return { ok: false, reason: 'BENCH_DATABASE_URL=off' };
  const adminUrl = explicit || DEFAULT_PG;
  let parsed: URL;
  try {
    parsed = new URL(adminUrl);
  } catch {
    throw new BenchError('BENCH_DATABASE_URL is not a valid URL');
  }
  if (!LOCAL_HOSTS.has(parsed.hostname) && !parsed.searchParams.get('host')?.startsWith('/')) {
    throw new BenchError(
      `BENCH_DATABASE_URL must point at this machine (127.0.0.1, localhost or a Unix socket), got host "${parsed.hostname}": the peers run here`,
    );
  }
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ postgis: boolean; can_create: boolean; version: string }>(
      `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis') AS postgis,
              (SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user) AS can_create,
              current_setting('server_version') AS version`,
    );
    const row = rows[0];
    if (!row?.postgis) throw new Error('PostGIS is not installed on that server');
    if (!row.can_create) throw new Error('the user may not create databases');
    return { ok: true, adminUrl };
  } catch (error) {
    const reason = `${redact(adminUrl)}: ${(error as Error).message}`;
    if (explicit) throw new BenchError(`BENCH_DATABASE_URL does not work: ${reason}`);
    return { ok: false, reason: `no PostgreSQL (${reason}); set BENCH_DATABASE_URL to measure it` };
  } finally {
    await client.end().catch(() => {});
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

export async function postgresVersion(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string; postgis: string | null }>(
      `SELECT current_setting('server_version') AS v,
              (SELECT default_version FROM pg_available_extensions WHERE name = 'postgis') AS postgis`,
    );
    return `PostgreSQL ${rows[0]?.v} (PostGIS ${rows[0]?.postgis})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates an empty database (registered for clean-up); returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new BenchError(`bad database name ${name}`);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
    databases.set(name, adminUrl);
  } finally {
    await client.end().catch(() => {});
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    databases.delete(name);
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function table(headers: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cell: string, i: number) => (align?.[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align?.[i] === 'r' ? `${'-'.repeat(Math.max(w - 1, 2))}:` : '-'.repeat(Math.max(w, 3)))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${Math.round(value)} ms`;
}

export function ratio(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 10 ? `×${value.toFixed(0)}` : `×${value.toFixed(2)}`;
}

export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
