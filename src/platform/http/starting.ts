import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';
import type { Readiness } from './operations.js';
import { servesFrontEnd } from './paths.js';

/**
 * Until migrations are applied, API requests get a 503 instead of touching a half-built schema.
 * The front end's files need no database, so they are served meanwhile.
 */
export function registerStartingGate(app: FastifyInstance, readiness: Readiness) {
  app.addHook('onRequest', async (request) => {
    if (readiness.migrated || /^\/(health|ready|metrics)(\/|$|\?)/.test(request.url) || servesFrontEnd(request)) return;
    throw new AppError('database_unavailable', 503, 'problem.database_unavailable.detail', {}, [], { 'retry-after': '2' });
  });
}
