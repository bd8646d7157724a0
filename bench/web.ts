// The front end's weight and Lighthouse scores, beside their targets: (1) the JavaScript the
// portal's home needs before it can render (the entry script and its modulepreloads, gzip -9),
// against 150 kB, with the lazy chunks (map, office) listed apart; (2) Lighthouse 12 (mobile,
// simulated throttling) on the portal's home and the office's sign-in page, served by the real
// server on a new embedded PGlite, in Debian's Chromium launched here; each page is audited
// BENCH_WEB_RUNS times (rounds alternate the pages) and the table gives the medians.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { screenEmulationMetrics } from 'lighthouse/core/config/constants.js';
import { ensureWebBuild } from '../src/platform/http/web-build.js';
import { BenchError, freePort, indent, intEnv, makeTempDir, median, ROOT, sleep, startMadina, table } from './lib.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[web] ${message}\n`);

const DIST = path.join(ROOT, 'web/dist');
const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Initial JavaScript budget of the portal's home, gzip -9. */
const JS_BUDGET = 150 * 1024;
const TARGETS = { performance: 90, accessibility: 95, 'best-practices': 95 } as const;
type Category = keyof typeof TARGETS;
const CATEGORIES = Object.keys(TARGETS) as Category[];

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const gzipSize = (file: string) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;

interface Asset {
  file: string;
  raw: number;
  gzip: number;
}

function asset(url: string): Asset {
  const file = path.join(DIST, url.replace(/^\//, ''));
  if (!fs.existsSync(file)) throw new BenchError(`web/dist/index.html refers to ${url}, which is not in web/dist`);
  return { file: path.relative(DIST, file), raw: fs.statSync(file).size, gzip: gzipSize(file) };
}

/** The entry script, its modulepreloads and stylesheets, as web/dist/index.html lists them. */
function initialAssets(html: string) {
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]+)"`).exec(tag)?.[1];
  const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
  const entry = tags.filter((t) => t.startsWith('<script') && /type="module"/.test(t)).flatMap((t) => attr(t, 'src') ?? []);
  const preloads = tags.filter((t) => /rel="modulepreload"/.test(t)).flatMap((t) => attr(t, 'href') ?? []);
  const styles = tags.filter((t) => /rel="stylesheet"/.test(t)).flatMap((t) => attr(t, 'href') ?? []);
  const fonts = tags.filter((t) => /rel="preload"/.test(t) && /as="font"/.test(t)).flatMap((t) => attr(t, 'href') ?? []);
  if (entry.length === 0) throw new BenchError('web/dist/index.html has no <script type="module" src>');
  return { entry: entry.map(asset), preloads: preloads.map(asset), styles: styles.map(asset), fonts: fonts.map(asset) };
}

function lazyGroup(file: string): string {
  const name = path.basename(file);
  if (/^(CommuneMap|maplibre|mapbox-gl-rtl-text)/i.test(name)) return 'map';
  if (/^(OfficeApp|office)/i.test(name)) return 'office';
  return 'other';
}

function weight(): { markdown: string; initialGzip: number } {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const { entry, preloads, styles, fonts } = initialAssets(html);
  const initial = [...entry, ...preloads];
  const initialNames = new Set(initial.map((a) => a.file));
  const initialGzip = initial.reduce((sum, a) => sum + a.gzip, 0);
  const lazy = fs
    .readdirSync(path.join(DIST, 'assets'))
    .filter((f) => f.endsWith('.js') && !initialNames.has(`assets/${f}`))
    .map((f) => asset(`/assets/${f}`));

  const rows: string[][] = [
    ...entry.map((a) => ['initial (entry)', a.file, kB(a.raw), kB(a.gzip), '']),
    ...preloads.map((a) => ['initial (modulepreload)', a.file, kB(a.raw), kB(a.gzip), '']),
    [
      '**initial JavaScript, total**',
      `${initial.length} files`,
      kB(initial.reduce((s, a) => s + a.raw, 0)),
      `**${kB(initialGzip)}**`,
      `target ≤ ${kB(JS_BUDGET)}: ${initialGzip <= JS_BUDGET ? 'met' : `**over by ${kB(initialGzip - JS_BUDGET)}**`}`,
    ],
    ...styles.map((a) => ['initial CSS (not counted above)', a.file, kB(a.raw), kB(a.gzip), '']),
    // woff2 is compressed already: its size on the wire is its size.
    ...fonts.map((a) => ['initial font (preload, not counted above)', a.file, kB(a.raw), '–', 'woff2']),
  ];
  for (const group of ['map', 'office', 'other']) {
    const files = lazy.filter((a) => lazyGroup(a.file) === group).sort((a, b) => b.gzip - a.gzip);
    for (const a of files) rows.push([`lazy: ${group}`, a.file, kB(a.raw), kB(a.gzip), '']);
    if (files.length > 1) {
      rows.push([
        `lazy: ${group}, total`,
        `${files.length} files`,
        kB(files.reduce((s, a) => s + a.raw, 0)),
        kB(files.reduce((s, a) => s + a.gzip, 0)),
        '',
      ]);
    }
  }
  const markdown = [
    "## The portal home's initial JavaScript (web/dist, gzip -9)",
    '',
    table(['what', 'file', 'raw', 'gzip -9', 'note'], rows, ['l', 'l', 'r', 'r', 'l']),
    '',
    'Initial = the entry `<script type="module">` of web/dist/index.html and its `<link rel="modulepreload">`s. ' +
      'Lazy chunks load only on the page that needs them (the map page, the office). Web fonts are not counted; those index.html preloads are listed.',
  ].join('\n');
  return { markdown, initialGzip };
}

// ---------------------------------------------------------------------------------------------
// Chromium with a DevTools port, for Lighthouse.

async function launchChromium(): Promise<{ port: number; process: ChildProcess; stop(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) throw new BenchError(`${CHROMIUM} not found: install Debian's chromium (or set BENCH_CHROMIUM)`);
  const port = await freePort();
  const profile = makeTempDir('chromium');
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', kill);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new BenchError(`chromium exited (code ${child.exitCode}) before its DevTools port answered.\n${indent(output)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/json/version`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return { port, process: child, stop };
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new BenchError(`chromium's DevTools port ${port} did not answer within 30 s.\n${indent(output)}`);
    }
    await sleep(200);
  }
}

/** The timings the table shows, by Lighthouse audit id. */
const METRICS = {
  FCP: 'first-contentful-paint',
  LCP: 'largest-contentful-paint',
  TBT: 'total-blocking-time',
  CLS: 'cumulative-layout-shift',
  SI: 'speed-index',
} as const;
type Metric = keyof typeof METRICS;

interface Audit {
  scores: Record<Category, number | null>;
  /** numericValue of each metric: milliseconds, CLS unitless. */
  metrics: Record<Metric, number>;
  failing: string[];
}

async function audit(port: number, base: string, pagePath: string): Promise<Audit> {
  log(`lighthouse ${base}${pagePath}`);
  // Imported here: loading Lighthouse takes a while, and the other benchmarks do not need it.
  const { default: lighthouse } = await import('lighthouse');
  const result = await lighthouse(`${base}${pagePath}`, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: CATEGORIES,
    formFactor: 'mobile',
    screenEmulation: screenEmulationMetrics.mobile,
    throttlingMethod: 'simulate',
    maxWaitForLoad: 60_000,
  });
  if (!result) throw new BenchError(`lighthouse returned nothing for ${pagePath}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new BenchError(`lighthouse on ${pagePath}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  // BENCH_WEB_REPORTS=<folder> keeps each full report (JSON) for a closer look at the audits.
  const reports = process.env.BENCH_WEB_REPORTS;
  if (reports) {
    fs.mkdirSync(reports, { recursive: true });
    const name = `${pagePath.replace(/\W+/g, '_').replace(/^_|_$/g, '') || 'home'}-${Date.now()}.json`;
    fs.writeFileSync(path.join(reports, name), JSON.stringify(lhr));
  }
  const scores = Object.fromEntries(
    CATEGORIES.map((c) => [c, lhr.categories[c]?.score == null ? null : Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
  ) as Record<Category, number | null>;
  const metrics = Object.fromEntries(
    Object.entries(METRICS).map(([name, id]) => [name, lhr.audits[id]?.numericValue ?? Number.NaN]),
  ) as Record<Metric, number>;
  const failing: string[] = [];
  for (const c of CATEGORIES) {
    for (const ref of lhr.categories[c]?.auditRefs ?? []) {
      const a = lhr.audits[ref.id];
      if (!a || ref.weight === 0 || a.score === null || a.score >= 0.9) continue;
      failing.push(`${c}: \`${a.id}\` ${a.title}`);
    }
  }
  return { scores, metrics, failing };
}

interface PageResult {
  label: string;
  path: string;
  runs: Audit[];
}

const PAGES = [
  { label: 'portal home', path: '/' },
  { label: 'office sign-in', path: '/office' },
] as const;

function formatMetric(name: Metric, value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (name === 'CLS') return value < 0.1 ? value.toFixed(3) : value.toFixed(2);
  if (name === 'TBT') return `${Math.round(value / 10) * 10} ms`;
  return `${(value / 1000).toFixed(1)} s`;
}

function medianScore(runs: Audit[], category: Category): number | null {
  const values = runs.flatMap((r) => (r.scores[category] === null ? [] : [r.scores[category] as number]));
  return values.length === 0 ? null : Math.round(median(values));
}

function scoreCell(score: number | null, target: number): string {
  if (score === null) return '–';
  return score >= target ? `${score} ✓` : `**${score}** ✗`;
}

export async function runWeb(): Promise<BenchOutput> {
  const startTimeoutMs = intEnv('BENCH_START_TIMEOUT_S', 180, 10, 3600) * 1000;
  const runs = intEnv('BENCH_WEB_RUNS', 3, 1, 20);
  const outcome = await ensureWebBuild({ log: { info: (_o, m) => log(m), warn: (_o, m) => log(m) } });
  if (outcome === 'no_config') throw new BenchError('web/vite.config.ts is missing: no front end to measure');
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new BenchError('web/dist/index.html is missing after the build');
  const sizes = weight();
  log(`initial JavaScript: ${kB(sizes.initialGzip)} gzip -9`);

  const dataDir = makeTempDir('web');
  log('starting Madina on a new embedded PGlite (first start: migrations + demo seed)…');
  const madina = await startMadina({ label: 'Madina (PGlite)', dataDir, timeoutMs: startTimeoutMs });
  const chrome = await launchChromium();
  const pages: PageResult[] = PAGES.map((p) => ({ ...p, runs: [] }));
  try {
    for (let round = 1; round <= runs; round++) {
      for (const page of pages) {
        log(`round ${round}/${runs}`);
        page.runs.push(await audit(chrome.port, madina.url, page.path));
      }
    }
  } finally {
    await chrome.stop();
    await madina.child.stop(15_000);
  }

  const scoreRows = pages.map((p) => [
    p.label,
    `\`${p.path}\``,
    ...CATEGORIES.map((c) => scoreCell(medianScore(p.runs, c), TARGETS[c])),
    ...(Object.keys(METRICS) as Metric[]).map((m) => formatMetric(m, median(p.runs.map((r) => r.metrics[m])))),
    p.runs.map((r) => r.scores.performance ?? '–').join(' · '),
  ]);
  const targetRow = ['target', '', ...CATEGORIES.map((c) => `≥ ${TARGETS[c]}`), '', '', '', '', '', ''];
  const failing = pages.flatMap((p) => {
    // An audit listed when it scored below 90 in at least half of the runs.
    const counts = new Map<string, number>();
    for (const f of p.runs.flatMap((r) => r.failing)) counts.set(f, (counts.get(f) ?? 0) + 1);
    const often = [...counts].filter(([, n]) => n * 2 >= p.runs.length).map(([f, n]) => `  - ${f} (${n} of ${p.runs.length} runs)`);
    return often.length > 0 ? [`- ${p.label}:`, ...often] : [];
  });
  const markdown = [
    sizes.markdown,
    '',
    `## Lighthouse 12 (mobile, simulated throttling: slow 4G, 4× CPU; median of ${runs} run${runs === 1 ? '' : 's'})`,
    '',
    table(
      [
        'page',
        'path',
        'performance',
        'accessibility',
        'best practices',
        'FCP',
        'LCP',
        'TBT',
        'CLS',
        'Speed Index',
        'performance, each run',
      ],
      [...scoreRows, targetRow],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
    '',
    `Served by Madina (\`node --import tsx src/main.ts\`, NODE_ENV=development, embedded PGlite) on 127.0.0.1; Chromium ${CHROMIUM} (headless). ` +
      'Each cell is the median over the runs (rounds alternate the pages). ' +
      'The performance score is simulated from the trace (Lantern), so a busy machine moves it less than the raw timings, but it still moves: compare runs on the same machine.',
    ...(failing.length > 0 ? ['', 'Weighted audits below 90 in at least half of the runs:', '', ...failing] : []),
  ].join('\n');
  return { markdown, settings: { chromium: CHROMIUM, formFactor: 'mobile', throttlingMethod: 'simulate', runs, jsBudget: kB(JS_BUDGET) } };
}
