// Start-up time: Madina's first start on an empty data folder (migrations + demo seed) and its
// restart on the same folder, until `GET /ready` answers 200 — beside the floors measured in the
// same run: a bare Fastify process with one route, and the embedded database's own cost
// (`PGlite.create` + PostGIS on a new / existing folder; CREATE DATABASE + CREATE EXTENSION on
// PostgreSQL). Each round measures everything once, so a ratio compares runs made close in time.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  BenchError,
  createDatabase,
  dropDatabase,
  findPostgres,
  intEnv,
  makeTempDir,
  median,
  ms,
  postgresVersion,
  ratio,
  removeTempDir,
  spawnNode,
  startBareFastify,
  startMadina,
  stopCleanly,
  table,
  waitForExit,
  waitForLine,
} from './lib.js';

export interface BenchOutput {
  /** Markdown, printed and written to bench/results/<name>.md. */
  markdown: string;
  /** The settings used, for the header. */
  settings: Record<string, string | number>;
}

const log = (message: string) => process.stderr.write(`[startup] ${message}\n`);

/** Milliseconds of each run, per measured thing. */
class Samples {
  private data = new Map<string, number[]>();
  add(key: string, value: number) {
    const list = this.data.get(key) ?? [];
    list.push(value);
    this.data.set(key, list);
  }
  get(key: string): number[] {
    return this.data.get(key) ?? [];
  }
  median(key: string): number {
    return median(this.get(key));
  }
}

export async function runStartup(): Promise<BenchOutput> {
  const runs = intEnv('BENCH_RUNS', 3, 1, 50);
  const restarts = intEnv('BENCH_RESTARTS', 5, 1, 50);
  const startTimeoutMs = intEnv('BENCH_START_TIMEOUT_S', 180, 10, 3600) * 1000;
  const postgres = await findPostgres();
  const pgVersion = postgres.ok ? await postgresVersion(postgres.adminUrl) : undefined;
  const s = new Samples();
  const rounds = Math.max(runs, restarts);

  let madinaDir: string | undefined; // the folder Madina restarts on (from the latest first start)
  let floorDir: string | undefined; // the folder the PGlite floor reopens
  let database: { name: string; url: string } | undefined;

  for (let round = 0; round < rounds; round++) {
    const first = round < runs;
    log(`round ${round + 1}/${rounds}${first ? ' (first starts and restarts)' : ' (restarts)'}`);

    // Floor 1: process start + tsx + Fastify with one route, until it answers.
    const bare = await startBareFastify(60_000);
    s.add('bare', bare.ms);
    await stopCleanly(bare.child, 10_000);

    // Breakdown: loading Madina's code alone (imports through tsx; nothing started).
    {
      const child = spawnNode("Madina's code, import only", 'bench/peers/import-only.ts', [], {});
      const imported = await waitForLine(child, 'imported ', startTimeoutMs);
      s.add('import', imported.at - child.spawnedAt);
      await waitForExit(child, 30_000);
    }

    // Floor 2: the embedded database alone (new folder, then PostGIS), in a process of its own.
    if (first) {
      if (floorDir) removeTempDir(floorDir);
      floorDir = makeTempDir('pglite-floor');
      const child = spawnNode('PGlite floor (new folder)', 'bench/peers/pglite-open.ts', [`${floorDir}/pg`, '--extension'], {});
      const created = await waitForLine(child, 'created ', startTimeoutMs);
      const extension = await waitForLine(child, 'extension ', startTimeoutMs);
      s.add('pglite.create', created.at - child.spawnedAt);
      s.add('pglite.create.inproc', Number(created.text.split(' ')[1]));
      s.add('pglite.create+ext', extension.at - child.spawnedAt);
      s.add('pglite.ext.inproc', Number(extension.text.split(' ')[1]));
      await waitForExit(child, 60_000);
      log(`  PGlite floor, new folder: ${ms(extension.at - child.spawnedAt)}`);
    }

    // Madina on PGlite: first start on an empty folder, clean stop, restart on the same folder.
    if (first) {
      if (madinaDir) removeTempDir(madinaDir);
      madinaDir = makeTempDir('pglite');
      const started = await startMadina({ label: 'Madina (PGlite, first start)', dataDir: madinaDir, timeoutMs: startTimeoutMs });
      s.add('madina.pglite.first', started.ms);
      s.add('madina.pglite.first.accept', started.acceptingMs);
      s.add('madina.pglite.first.answer', started.answeringMs);
      log(`  Madina PGlite first start: ${ms(started.ms)}`);
      s.add('madina.pglite.stop', await stopCleanly(started.child));
    }
    if (!madinaDir) throw new BenchError('no data folder to restart on');
    {
      const started = await startMadina({ label: 'Madina (PGlite, restart)', dataDir: madinaDir, timeoutMs: startTimeoutMs });
      s.add('madina.pglite.restart', started.ms);
      s.add('madina.pglite.restart.accept', started.acceptingMs);
      s.add('madina.pglite.restart.answer', started.answeringMs);
      log(`  Madina PGlite restart: ${ms(started.ms)}`);
      s.add('madina.pglite.stop', await stopCleanly(started.child));
    }

    // Floor 3: reopening an existing PGlite + PostGIS folder.
    if (!floorDir) throw new BenchError('no PGlite floor folder to reopen');
    {
      const child = spawnNode('PGlite floor (reopen)', 'bench/peers/pglite-open.ts', [`${floorDir}/pg`], {});
      const created = await waitForLine(child, 'created ', startTimeoutMs);
      s.add('pglite.reopen', created.at - child.spawnedAt);
      s.add('pglite.reopen.inproc', Number(created.text.split(' ')[1]));
      await waitForExit(child, 60_000);
    }

    if (postgres.ok) {
      // Floor 4: a new PostgreSQL database with PostGIS, from this process.
      if (first) {
        const name = `madina_bench_${process.pid}_floor`;
        const t = performance.now();
        const url = await createDatabase(postgres.adminUrl, name);
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
        await client.connect();
        try {
          await client.query('CREATE EXTENSION postgis');
        } finally {
          await client.end().catch(() => {});
        }
        s.add('pg.create+ext', performance.now() - t);
        await dropDatabase(postgres.adminUrl, name);
      }
      // Madina on PostgreSQL: first start on a new database, restart on it.
      if (first) {
        if (database) await dropDatabase(postgres.adminUrl, database.name);
        const name = `madina_bench_${process.pid}_${round}`;
        database = { name, url: await createDatabase(postgres.adminUrl, name) };
        const dir = makeTempDir('pg');
        try {
          const started = await startMadina({
            label: 'Madina (PostgreSQL, first start)',
            dataDir: dir,
            databaseUrl: database.url,
            timeoutMs: startTimeoutMs,
          });
          s.add('madina.pg.first', started.ms);
          s.add('madina.pg.first.accept', started.acceptingMs);
          s.add('madina.pg.first.answer', started.answeringMs);
          log(`  Madina PostgreSQL first start: ${ms(started.ms)}`);
          s.add('madina.pg.stop', await stopCleanly(started.child));
        } finally {
          removeTempDir(dir);
        }
      }
      if (!database) throw new BenchError('no database to restart on');
      const dir = makeTempDir('pg');
      try {
        const started = await startMadina({
          label: 'Madina (PostgreSQL, restart)',
          dataDir: dir,
          databaseUrl: database.url,
          timeoutMs: startTimeoutMs,
        });
        s.add('madina.pg.restart', started.ms);
        s.add('madina.pg.restart.accept', started.acceptingMs);
        s.add('madina.pg.restart.answer', started.answeringMs);
        s.add('madina.pg.stop', await stopCleanly(started.child));
      } finally {
        removeTempDir(dir);
      }
    }
  }
  if (madinaDir) removeTempDir(madinaDir);
  if (floorDir) removeTempDir(floorDir);
  if (postgres.ok && database) await dropDatabase(postgres.adminUrl, database.name);

  // ---- the tables
  const bare = s.median('bare');
  const phases = (key: string) =>
    `accepts connections after ${ms(s.median(`${key}.accept`))}, first answer after ${ms(s.median(`${key}.answer`))}`;
  const row = (what: string, key: string, vsBare: boolean, floor?: number, note = '') => {
    const values = s.get(key);
    return [
      what,
      String(values.length),
      ms(median(values)),
      ms(Math.min(...values)),
      ms(Math.max(...values)),
      vsBare ? ratio(median(values) / bare) : '',
      floor === undefined ? '' : ratio(median(values) / floor),
      note,
    ];
  };
  const headers = ['what (spawn → first 200 unless noted)', 'runs', 'median', 'min', 'max', '÷ Fastify floor', '÷ database floor', 'note'];
  const align: ('l' | 'r')[] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
  const pgliteRows = [
    row('**floor** bare Fastify, one route (`node --import tsx`)', 'bare', true),
    row("Madina's code loaded (`import src/main.ts`, nothing started)", 'import', true, undefined, 'breakdown, not a floor'),
    row(
      '**floor** `PGlite.create` + postgis, new folder',
      'pglite.create',
      true,
      undefined,
      `spawn → created; in-process ${ms(s.median('pglite.create.inproc'))}`,
    ),
    row(
      '**floor** … + `CREATE EXTENSION postgis`',
      'pglite.create+ext',
      true,
      undefined,
      `the extension alone ${ms(s.median('pglite.ext.inproc'))}`,
    ),
    row(
      '**floor** `PGlite.create` + postgis, existing folder',
      'pglite.reopen',
      true,
      undefined,
      `in-process ${ms(s.median('pglite.reopen.inproc'))}`,
    ),
    row(
      'Madina first start, empty folder (migrations + demo seed)',
      'madina.pglite.first',
      true,
      s.median('pglite.create+ext'),
      `database floor: new folder + PostGIS; ${phases('madina.pglite.first')}`,
    ),
    row(
      'Madina restart, same folder',
      'madina.pglite.restart',
      true,
      s.median('pglite.reopen'),
      `database floor: reopen; ${phases('madina.pglite.restart')}`,
    ),
    row('Madina clean stop (SIGTERM → exit 0)', 'madina.pglite.stop', false, undefined, 'not a start; for reference'),
  ];
  const sections = ['## Start-up on embedded PGlite (`DATA_DIR`, no `DATABASE_URL`)', '', table(headers, pgliteRows, align), ''];
  if (postgres.ok) {
    const pgFloor = bare + s.median('pg.create+ext');
    sections.push(
      `## Start-up on ${pgVersion} at 127.0.0.1`,
      '',
      table(
        headers,
        [
          row('**floor** bare Fastify, one route (same samples as above)', 'bare', true),
          row("Madina's code loaded (same samples as above)", 'import', true, undefined, 'breakdown, not a floor'),
          row(
            '**floor** `CREATE DATABASE` + `CREATE EXTENSION postgis`',
            'pg.create+ext',
            false,
            undefined,
            'from this process (no spawn)',
          ),
          row(
            'Madina first start, new database (migrations + demo seed)',
            'madina.pg.first',
            true,
            pgFloor,
            `database floor: Fastify floor + new database with PostGIS; ${phases('madina.pg.first')}`,
          ),
          row(
            'Madina restart, same database',
            'madina.pg.restart',
            true,
            bare,
            `database floor: the Fastify floor; ${phases('madina.pg.restart')}`,
          ),
          row('Madina clean stop (SIGTERM → exit 0)', 'madina.pg.stop', false, undefined, 'not a start; for reference'),
        ],
        align,
      ),
      '',
    );
  } else {
    sections.push(`## PostgreSQL: not measured`, '', `${postgres.reason}.`, '');
  }
  sections.push(
    'How to read: medians over the runs; `÷ Fastify floor` is how many times a bare Fastify process start the row takes; ' +
      '`÷ database floor` compares Madina with the unavoidable cost of its database in the same run (near ×1 means the start-up ' +
      'is the database, not Madina). `/ready` and the floors are polled every 50 ms, so a row is up to 50 ms late. ' +
      '"Accepts connections" is the first poll of `/ready` that was not refused, "first answer" the first HTTP answer of any ' +
      'status (503 while migrations and the seed run). Madina opens its database before it listens, so the time before ' +
      '"accepts" is process start + loading the code + opening the database; a gap between "accepts" and "first answer" means ' +
      'the event loop was blocked (on PGlite, statements run synchronously in WebAssembly on the main thread: `/health` does ' +
      'not answer either), the rest is migrations + seed (first start) or their check (restart).',
  );
  return {
    markdown: sections.join('\n'),
    settings: { BENCH_RUNS: runs, BENCH_RESTARTS: restarts, BENCH_START_TIMEOUT_S: startTimeoutMs / 1000 },
  };
}
