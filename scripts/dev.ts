// `npm run dev`: the API (restarted on change by `tsx watch`) and Vite's dev server for the web app,
// side by side. Vite proxies the API's paths to it (web/vite.config.ts). Ctrl-C stops both; when
// one of them exits, the other is stopped and its exit code is ours.
//
// Each child runs in its own process group, so that Ctrl-C reaches it once, from here: a second
// SIGINT makes the API exit at once instead of closing its database cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

const start = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  // No stdin: a background process group that read the terminal would be stopped (SIGTTIN).
  spawn(bin(command), args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });

const children: { name: string; child: ChildProcess }[] = [
  // The dev server serves the web app; the API need not build web/dist.
  { name: 'api', child: start('tsx', ['watch', 'src/main.ts'], { ...process.env, WEB_BUILD: 'false' }) },
  { name: 'web', child: start('vite', ['--config', 'web/vite.config.ts']) },
];

let exitCode: number | undefined;
let stopping = false;

/** Signals each child once: the same signal may reach us twice (from the terminal's group and from npm or tsx). */
function stopAll(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    exitCode ??= 0;
    stopAll(signal);
  });
}

for (const { name, child } of children) {
  child.on('error', (error) => {
    console.error(`[dev] could not start ${name}: ${error.message}`);
    exitCode ??= 1;
    stopAll('SIGTERM');
  });
  child.on('exit', (code, signal) => {
    if (exitCode === undefined) {
      console.error(`[dev] ${name} exited (${signal ?? `code ${code}`}); stopping the other`);
      exitCode = code ?? 1;
      stopAll('SIGTERM');
    }
    if (children.every(({ child: c }) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
