import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './web.js';

interface Log {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface WebBuildOptions {
  /** The repository's root (default: this checkout's). */
  root?: string;
  log?: Log;
  /** Runs the build (default: Vite's `build()` with web/vite.config.ts); replaced in tests. */
  build?: (configFile: string) => Promise<void>;
}

export type WebBuildOutcome = 'built' | 'fresh' | 'no_config';

/** The newest modification time among the files under `dir`, leaving out build output and dependencies. */
function newestUnder(dir: string, top = true): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || (top && entry.name === 'dist')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(full, false));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Why web/dist must be (re)built, or null when it is up to date. */
export function staleReason(root: string): string | null {
  const index = path.join(root, 'web/dist/index.html');
  if (!fs.existsSync(index)) return 'web/dist/index.html is missing';
  const built = fs.statSync(index).mtimeMs;
  const openapi = path.join(root, 'openapi.json');
  const sources = Math.max(newestUnder(path.join(root, 'web')), fs.existsSync(openapi) ? fs.statSync(openapi).mtimeMs : 0);
  return sources > built ? 'web/ or openapi.json changed since the last build' : null;
}

async function viteBuild(configFile: string) {
  const { build } = await import('vite');
  await build({ configFile, mode: 'production', logLevel: 'warn' });
}

/**
 * Builds the front end (web/dist) when it is missing or older than its sources (anything under
 * web/ but dist and node_modules, and openapi.json, which its API client is typed from), so that
 * `npm start` serves the current web app without a separate step. Skips, with a warning, when
 * web/vite.config.ts does not exist. The caller decides whether to build at all (WEB_BUILD).
 */
export async function ensureWebBuild(options: WebBuildOptions = {}): Promise<WebBuildOutcome> {
  const root = options.root ?? REPO_ROOT;
  const log = options.log ?? { info: () => {}, warn: () => {} };
  const configFile = path.join(root, 'web/vite.config.ts');
  if (!fs.existsSync(configFile)) {
    log.warn({ configFile }, 'no web/vite.config.ts: the front end is not built');
    return 'no_config';
  }
  const reason = staleReason(root);
  if (!reason) return 'fresh';
  log.info({ reason }, 'building the front end (web/dist)…');
  const started = performance.now();
  await (options.build ?? viteBuild)(configFile);
  const ms = Math.round(performance.now() - started);
  log.info({ ms }, `front end built in ${(ms / 1000).toFixed(1)} s`);
  return 'built';
}
