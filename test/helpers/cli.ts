import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Variables for the command, on top of a minimal environment (PATH, HOME, NODE_ENV=test); `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (default: nothing). */
  input?: string;
  /** Run through `bin/madina.js` (what `npx madina` runs) instead of `node --import tsx src/cli.ts`. */
  bin?: boolean;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Runs the `madina` command line in a child process with a clean environment (the test run's own
 * variables, such as TEST_DATABASE_URL, do not leak into it) and returns its exit code and output.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test' };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const argv = options.bin ? [path.join(ROOT, 'bin/madina.js'), ...args] : ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args];
  // `--import tsx` resolves tsx from the working directory: only bin/madina.js may run elsewhere.
  const cwd = options.bin ? (options.cwd ?? ROOT) : ROOT;
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`madina ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the command may exit before reading its input
    child.stdin.end(options.input ?? '');
  });
}
