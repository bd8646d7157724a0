import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pino from 'pino';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoEmail, seedDemo } from './flows/seed-demo.js';
import { connectDatabase } from './platform/db/connect.js';
import { socketPath } from './platform/db/data-lock.js';
import { isDatabaseUnavailable } from './platform/db/errors.js';
import { migrate } from './platform/db/migrator.js';
import { ensureWebBuild } from './platform/http/web-build.js';
import { warmUpPdfWriter } from './platform/pdf/index.js';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the platform: database, HTTP server, then migrations (and the demo seed) — `/ready` turns
 * 200 when they are done. On PostgreSQL, a database that is not up yet is waited for.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  if (config.webBuild) await buildFrontEnd(config);
  const connection = await connectDatabase(config, 'madina serve');
  const { db } = connection;
  const readiness = { migrated: false };
  const { app, platform } = await buildApp(config, db, readiness);

  let socket: PGLiteSocketServer | undefined;
  if (db.pglite && config.dbSocket) {
    const path = socketPath(config.dataDir);
    fs.rmSync(path, { force: true });
    socket = new PGLiteSocketServer({ db: db.pglite.socketView(), path, maxConnections: 8 });
    await socket.start();
  }

  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  let stopping = false;

  const ready = (async () => {
    for (;;) {
      try {
        const applied = await migrate(db);
        if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
        if (config.demo && (await seedDemo(db, { type: 'system', id: null, label: 'demo seed' }))) {
          app.log.info('demo commune berkane seeded');
        }
        break;
      } catch (error) {
        if (stopping || !isDatabaseUnavailable(error)) throw error;
        app.log.warn('database unavailable; retrying migrations in 2 s');
        await sleep(2000);
      }
    }
    readiness.migrated = true;
    await platform.telemetry.start();
    platform.jobs.start();
    // Fonts and shaping tables parsed now, not in the first citizen's receipt (~2 s once).
    await warmUpPdfWriter();
    printBanner(config, url, connection.via, platform.telemetry.port);
  })();
  ready.catch((error) => {
    app.log.fatal({ err: error }, 'start-up failed');
    process.exitCode = 1;
    void stop();
  });

  async function stop() {
    if (stopping) return;
    stopping = true;
    await app.close(); // lets in-flight requests finish, then stops the job runner
    await socket?.stop();
    await db.close();
    connection.release();
  }
  return { url, stop };
}

/** Builds web/dist if it is stale; a failed build is logged and the API starts anyway (pages then say so). */
async function buildFrontEnd(config: Config) {
  const log = pino({ level: config.logLevel });
  try {
    await ensureWebBuild({ log });
  } catch (error) {
    log.error({ err: error }, 'the front-end build failed; serving the API (and the previous build, if any)');
  }
}

function printBanner(config: Config, url: string, via: string, mqttPort: number | undefined) {
  if (config.env === 'test') return;
  const lines = [
    '',
    `Madina is ready at ${url}  (database: ${via === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`})`,
    `Portal (citizens): ${url}/   Office (staff): ${url}/office   API docs: ${url}/docs`,
    config.mqttUrl
      ? `MQTT: telemetry from the broker at ${new URL(config.mqttUrl).host}`
      : mqttPort
        ? `MQTT: embedded broker on port ${mqttPort} (try: npx madina simulate lighting --devices 50 --interval 10${mqttPort === 1883 ? '' : ` --url mqtt://127.0.0.1:${mqttPort}`})`
        : 'MQTT: the embedded broker could not listen (see the log); devices cannot connect',
  ];
  if (config.demo) {
    lines.push(`Demo commune "berkane": sign in with one of these accounts, password ${DEMO_PASSWORD}`);
    for (const account of DEMO_ACCOUNTS) lines.push(`  ${account.role.padEnd(11)} ${demoEmail(account.role)}`);
    lines.push('  e.g. curl -c jar -H "content-type: application/json" \\');
    lines.push(`       -d '{"email":"${demoEmail('admin')}","password":"${DEMO_PASSWORD}"}' ${url}/api/v1/auth/login`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

/** Runs the server until SIGTERM or SIGINT, then shuts down cleanly (PGlite's files stay consistent). */
export async function serve(config: Config) {
  const server = await startServer(config);
  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) process.exit(1);
    process.stdout.write(`${signal} received: finishing requests and closing the database…\n`);
    server.stop().then(
      () => process.exit(process.exitCode ?? 0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await serve(loadConfig());
  } catch (error) {
    console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
    process.exit(1);
  }
}
