import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';
import type { Readiness } from './operations.js';

/** Until migrations are applied, API requests get a 503 instead of touching a half-built schema. */
export function registerStartingGate(app: FastifyInstance, readiness: Readiness) {
  app.addHook('onRequest', async (request) => {
    if (readiness.migrated || /^\/(health|ready|metrics)(\/|$|\?)/.test(request.url)) return;
    throw new AppError('database_unavailable', 503, 'problem.database_unavailable.detail', {}, [], { 'retry-after': '2' });
  });
}
