// Runs the benchmarks and prints their Markdown tables, with the machine and the date; each is
// also written to bench/results/<name>.md.
//   npm run bench              # all
//   npm run bench -- me        # one (startup | me | web | reports | deadlines)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDeadlines } from './deadlines.js';
import { runDetection } from './detection.js';
import { runGis } from './gis.js';
import { runIngest } from './ingest.js';
import { BenchError, cleanup, cleanupSync, indent, ROOT } from './lib.js';
import { runMe } from './me.js';
import { runPdfs } from './pdfs.js';
import { runReports } from './reports.js';
import { type BenchOutput, runStartup } from './startup.js';
import { runWeb } from './web.js';

const BENCHES: Record<string, { title: string; run: () => Promise<BenchOutput> }> = {
  startup: { title: 'start-up time', run: runStartup },
  me: { title: 'signed-in GET /api/v1/me under load', run: runMe },
  web: { title: 'front-end weight and Lighthouse scores', run: runWeb },
  reports: { title: 'report submissions on PostgreSQL beside pgbench', run: runReports },
  ingest: { title: 'telemetry ingestion through MQTT into the database, beside Mosquitto and COPY', run: runIngest },
  pdfs: { title: 'e-services receipt and document PDFs on one core', run: runPdfs },
  deadlines: { title: 'e-services deadline clock over ten years of dates', run: runDeadlines },
  detection: { title: 'lighting outage detection: fault reading over MQTT to its work order', run: runDetection },
  gis: { title: 'OGC API – Features and vector tiles beside MapServer, on PostgreSQL and PGlite', run: runGis },
};

function machine(): string[] {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  return [
    `- machine: ${cpus.length} cores, ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.arch()} (${os.release()})`,
    `- Node ${process.version}; load average (1/5/15 min) when the bench started: ${load}`,
  ];
}

function header(name: string, started: Date, machineLines: string[], output: BenchOutput, seconds: number): string {
  const note = process.env.BENCH_NOTE;
  const settings = Object.entries(output.settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    `# Madina benchmark: ${BENCHES[name]?.title ?? name}`,
    '',
    `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')} (took ${Math.round(seconds)} s)`,
    ...machineLines,
    `- load average when it ended: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `- settings: ${settings}`,
    ...(note ? [`- note: ${note}`] : []),
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const asked = process.argv.slice(2).filter((a) => a !== '--');
  for (const name of asked) {
    if (!BENCHES[name]) throw new BenchError(`unknown benchmark "${name}"; choose from: ${Object.keys(BENCHES).join(', ')}`);
  }
  const names = asked.length > 0 ? asked : Object.keys(BENCHES);
  const resultsDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  let failed = 0;
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) continue;
    const started = new Date();
    const machineLines = machine();
    const t = performance.now();
    process.stderr.write(`\n=== ${name}: ${bench.title}\n`);
    try {
      const output = await bench.run();
      const markdown = `${header(name, started, machineLines, output, (performance.now() - t) / 1000)}\n${output.markdown}\n`;
      fs.writeFileSync(path.join(resultsDir, `${name}.md`), markdown);
      process.stdout.write(`\n${markdown}\n`);
      process.stderr.write(`(written to bench/results/${name}.md)\n`);
    } catch (error) {
      failed++;
      const message = error instanceof BenchError ? error.message : ((error as Error).stack ?? String(error));
      process.stderr.write(`\nBENCHMARK FAILED: ${name}\n${indent(message, '  ')}\n`);
    } finally {
      await cleanup();
    }
  }
  return failed > 0 ? 1 : 0;
}

// Bounded in time: a watchdog ends the whole run (default 45 minutes).
const maxMinutes = Number(process.env.BENCH_MAX_MINUTES ?? 45);
const watchdog = setTimeout(
  () => {
    process.stderr.write(`\nBENCHMARK ABORTED: still running after BENCH_MAX_MINUTES=${maxMinutes}\n`);
    void cleanup().finally(() => process.exit(1));
  },
  (Number.isFinite(maxMinutes) && maxMinutes > 0 ? maxMinutes : 45) * 60_000,
);
watchdog.unref();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers and removing temporary data…\n`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', cleanupSync);

main().then(
  (code) => process.exit(code),
  async (error) => {
    process.stderr.write(
      `\nBENCHMARK FAILED\n${indent(error instanceof BenchError ? error.message : String(error?.stack ?? error), '  ')}\n`,
    );
    await cleanup();
    process.exit(1);
  },
);
