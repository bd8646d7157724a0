import { sql } from 'kysely';
import client from 'prom-client';
import type { Database } from '../db/database.js';
import type { App } from '../platform.js';

export interface Readiness {
  /** Set once migrations are applied at start-up. */
  migrated: boolean;
}

/** More for the operations endpoints: registries `/metrics` appends, and a part `/ready` reports. */
export interface OperationsExtras {
  registries?: client.Registry[];
  /** Shown in `/ready`'s body under `mqtt`; it never makes `/ready` fail (HTTP works without MQTT). */
  mqttStatus?: () => unknown;
}

/**
 * `/health` (the process lives), `/ready` (migrated and the database answers within a second) and
 * `/metrics` (Prometheus: requests, latencies, database pool, event-loop lag and the process).
 */
export function registerOperations(app: App, db: Database, readiness: Readiness, extras: OperationsExtras = {}) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const requests = new client.Histogram({
    name: 'madina_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new client.Gauge({
    name: 'madina_db_connections',
    help: 'Database connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = db.stats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    requests.labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode)).observe(reply.elapsedTime / 1000);
  });

  const tags = ['operations'];
  app.get('/health', { schema: { tags, summary: 'The process is alive' } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { tags, summary: 'Migrations applied and the database answers' } }, async (_request, reply) => {
    if (!readiness.migrated) return reply.code(503).send({ status: 'starting' });
    try {
      await Promise.race([
        sql`SELECT 1`.execute(db.kysely),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      return { status: 'ready', database: db.kind, ...(extras.mqttStatus ? { mqtt: extras.mqttStatus() } : {}) };
    } catch {
      return reply.code(503).send({ status: 'database_unavailable' });
    }
  });

  app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics', hide: false } }, async (_request, reply) => {
    reply.type(registry.contentType);
    const parts = await Promise.all([registry, ...(extras.registries ?? [])].map((r) => r.metrics()));
    return parts.join('\n');
  });
}
