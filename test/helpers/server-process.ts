import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A port nobody listens on right now (the OS picks it; a tiny race remains until the child binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value; throws after `timeoutMs` with the last value or
 * error, or at once when `server` (if given) has exited, with its output.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  server?: ServerProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    if (server && !server.alive()) {
      throw new Error(`server pid ${server.pid} exited while waiting for ${what}\n--- server output ---\n${server.output().slice(-4000)}`);
    }
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const tail = server ? `\n--- server output ---\n${server.output().slice(-4000)}` : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : String(last)})${tail}`,
      );
    }
    await sleep(200);
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /** The process has not exited yet. */
  alive(): boolean;
  /** Everything the process wrote to stdout and stderr so far, interleaved. */
  output(): string;
  stderr(): string;
  /** `fetch` against this server; `path` starts with `/`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Waits until `GET path` answers `status` (default: /ready 200); fails early if the process exits. */
  waitFor(path?: string, status?: number, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<Exit>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<Exit>;
}

export interface StartOptions {
  /** Variables for the server, on top of a minimal environment (PATH, HOME, NODE_ENV=test, HOST, PORT). */
  env?: Record<string, string | undefined>;
  /** Wait until this path answers 200 before returning (default `/ready`); `null` returns once spawned. */
  waitFor?: string | null;
  timeoutMs?: number;
  port?: number;
}

const running = new Set<ServerProcess>();

/**
 * Spawns `node --import tsx src/main.ts` with a clean environment (the test run's own variables,
 * such as TEST_DATABASE_URL, do not leak into the server), captures its output, and by default
 * waits for `/ready` to answer 200.
 */
export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let all = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
    errors += chunk;
  });
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.on('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  const url = `http://127.0.0.1:${port}`;

  const server: ServerProcess = {
    child,
    pid: child.pid ?? -1,
    port,
    url,
    exited,
    alive: () => !done,
    output: () => all,
    stderr: () => errors,
    fetch: (p, init) => fetch(`${url}${p}`, { ...init, signal: init?.signal ?? AbortSignal.timeout(10_000) }),
    async waitFor(p = '/ready', status = 200, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      for (;;) {
        if (done) throw new ExitedError(server);
        try {
          const response = await server.fetch(p, { signal: AbortSignal.timeout(3000) });
          const body = await response.text();
          if (response.status === status) return;
          last = `${response.status} ${body.slice(0, 200)}`;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${p} → ${status} on pid ${server.pid} (last: ${last})\n--- server output ---\n${all.slice(-4000)}`,
          );
        }
        await sleep(200);
      }
    },
    async stop(graceMs = 15_000) {
      if (done) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      running.delete(server);
      return exit;
    },
    async kill() {
      if (!done) child.kill('SIGKILL');
      const exit = await exited;
      running.delete(server);
      return exit;
    },
  };
  running.add(server);
  void exited.then(() => running.delete(server));

  if (options.waitFor !== null) {
    try {
      await server.waitFor(options.waitFor ?? '/ready', 200, options.timeoutMs ?? 90_000);
    } catch (error) {
      await server.kill();
      throw error;
    }
  }
  return server;
}

class ExitedError extends Error {
  constructor(server: ServerProcess) {
    super(`server pid ${server.pid} exited early\n--- server output ---\n${server.output().slice(-4000)}`);
  }
}

/** Kills every server this test file started that is still running (for afterAll / afterEach). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.kill()));
}

/** The `madina_session=…` pair from a sign-in response, for the Cookie header. */
export function sessionCookieOf(response: Response): string {
  for (const line of response.headers.getSetCookie()) {
    const match = /^(madina_session=[^;]*)/.exec(line);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no session cookie (status ${response.status})`);
}

/** Signs in over HTTP; returns the response (not checked). */
export function postLogin(server: ServerProcess, email: string, password: string): Promise<Response> {
  return server.fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

export interface HttpSession {
  cookie: string;
  csrfToken: string;
}

/** Signs in and returns the cookie and CSRF token; throws unless 200. */
export async function signIn(server: ServerProcess, email: string, password: string): Promise<HttpSession> {
  const response = await postLogin(server, email, password);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`sign-in ${email} on ${server.url} failed: ${response.status} ${body}`);
  return { cookie: sessionCookieOf(response), csrfToken: (JSON.parse(body) as { csrfToken: string }).csrfToken };
}
