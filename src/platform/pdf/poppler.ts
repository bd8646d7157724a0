/**
 * Debian's poppler-utils as an independent reader of the PDFs the platform writes: the tests
 * extract their text (pdftotext) and render them (pdftoppm) with it. Absent tools are reported,
 * not faked: `popplerMissing` says which one is missing and how to install it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TOOLS = ['pdftotext', 'pdftoppm', 'pdfinfo'] as const;

function has(tool: string): boolean {
  return spawnSync(tool, ['-v'], { stdio: 'ignore' }).error === undefined;
}

/** Null when poppler-utils is installed, else why the checks that need it are skipped. */
export const popplerMissing: string | null = (() => {
  const missing = TOOLS.filter((tool) => !has(tool));
  return missing.length === 0 ? null : `${missing.join(', ')} not found (apt-get install poppler-utils)`;
})();

function run(tool: string, args: string[], input: Buffer): Buffer {
  const result = spawnSync(tool, args, { input, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr.toString()}`);
  return result.stdout;
}

/**
 * The text pdftotext reads from `pdf`, without the bidi embedding marks it wraps right-to-left
 * and left-to-right lines in (U+202A–U+202E), spaces collapsed on each line.
 */
export function pdfText(pdf: Buffer, options: { raw?: boolean } = {}): string {
  const text = run('pdftotext', [...(options.raw ? ['-raw'] : []), '-enc', 'UTF-8', '-', '-'], pdf).toString('utf8');
  return text
    .replace(/[\u202A-\u202E]/g, '')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n');
}

/** Page 1 (or `page`) of `pdf` as a PNG at `dpi` (pdftoppm writes files only: through a temporary folder). */
export function pdfPng(pdf: Buffer, options: { dpi?: number; page?: number } = {}): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-pdftoppm-'));
  try {
    const page = String(options.page ?? 1);
    run('pdftoppm', ['-png', '-r', String(options.dpi ?? 80), '-f', page, '-l', page, '-singlefile', '-', path.join(dir, 'page')], pdf);
    return fs.readFileSync(path.join(dir, 'page.png'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What pdfinfo says about `pdf` (Pages, Title, …), and whether it complained on stderr. */
export function pdfInfo(pdf: Buffer): { fields: Record<string, string>; warnings: string } {
  const result = spawnSync('pdfinfo', ['-'], { input: pdf });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`pdfinfo failed (${result.status}): ${result.stderr.toString()}`);
  const fields: Record<string, string> = {};
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match) fields[match[1]!] = match[2]!;
  }
  return { fields, warnings: result.stderr.toString('utf8') };
}
