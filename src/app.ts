import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Config } from './config.js';
import { auditRoutes } from './modules/audit/index.js';
import { communesRoutes } from './modules/communes/index.js';
import { eservicesModule } from './modules/eservices/index.js';
import { gisModule } from './modules/gis/index.js';
import { lightingModule } from './modules/lighting/index.js';
import { orgModule } from './modules/org/index.js';
import { outboxRoutes } from './modules/outbox/index.js';
import { portalModule } from './modules/portal/index.js';
import { reportsModule } from './modules/reports/index.js';
import { workOrdersModule } from './modules/workorders/index.js';
import { authRoutes } from './platform/auth/auth.routes.js';
import { AuthService, purgeExpired } from './platform/auth/auth.service.js';
import { registerAuthentication } from './platform/auth/plugin.js';
import type { Database } from './platform/db/database.js';
import { createFileStore } from './platform/files/store.js';
import { registerRequestContext } from './platform/http/context.js';
import { type Readiness, registerOperations } from './platform/http/operations.js';
import { registerProblemHandling } from './platform/http/problem.js';
import { purgeRateLimits } from './platform/http/rate-limit.js';
import { Problem } from './platform/http/schemas.js';
import { registerStartingGate } from './platform/http/starting.js';
import { validatorCompiler } from './platform/http/validation.js';
import { registerWeb, WEB_DIST } from './platform/http/web.js';
import { JobRunner } from './platform/jobs/jobs.js';
import { TelemetryService } from './platform/mqtt/telemetry.js';
import { ngsiLdModule } from './platform/ngsi-ld/index.js';
import { createMailer } from './platform/notify/mail.js';
import { createSmsGateway } from './platform/notify/sms.js';
import type { App, Platform } from './platform/platform.js';
import { loadSecretKey, secretBox } from './platform/secrets/secret-box.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface BuiltApp {
  app: App;
  platform: Platform;
  readiness: Readiness;
}

/** Builds the Fastify app: platform plugins first, then each module. Does not listen. */
export async function buildApp(config: Config, db: Database, readiness: Readiness = { migrated: true }): Promise<BuiltApp> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Secrets in headers; and personal data a database error may carry (its parameters, and a
      // row's values in its detail): a request's answers may hold a national ID number (Law 09-08).
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-tracking-token"]', 'err.params', 'err.detail'],
    },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Keep a caller's request id when it looks like one, so logs join across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const auth = new AuthService(db, config);
  const jobs = new JobRunner(db, app.log);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: 'Madina <no-reply@madina.invalid>' });
  const sms = createSmsGateway({ smsUrl: config.smsUrl, dataDir: config.dataDir });
  const telemetry = new TelemetryService(config, db, app.log);
  const secrets = secretBox(loadSecretKey(config));
  const platform: Platform = { config, db, auth, jobs, mailer, files: createFileStore(config.dataDir), telemetry, secrets };

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setValidatorCompiler(validatorCompiler());
  app.addSchema(Problem);
  registerProblemHandling(app, config.bodyLimit);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Madina',
        version: '0.1.0',
        description:
          "The commune platform's own API. Errors are RFC 9457 problem+json. Staff sign in with a session cookie (send the CSRF token back in X-CSRF-Token on writes); machine clients send Authorization: Bearer <api key>.",
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'madina_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerStartingGate(app, readiness);
  registerRequestContext(app, db, config.defaultCommune);
  registerAuthentication(app, auth);

  registerOperations(app, db, readiness, { registries: [telemetry.metrics.registry], mqttStatus: () => telemetry.status() });
  app.addHook('onClose', () => jobs.stop());
  // The broker and the ingestion stop (writing what they received) before the database closes.
  app.addHook('onClose', () => telemetry.stop());
  telemetry.registerJobs(jobs);
  jobs.handle('notify.mail', async (job) => {
    const p = job.payload as { to: string; subject: string; text: string; language: string };
    await mailer.send({ ...p, communeId: job.communeId }, `job-${job.id}`);
  });
  jobs.handle('notify.sms', async (job) => {
    const p = job.payload as { to: string; text: string };
    await sms.send({ ...p, communeId: job.communeId }, `job-${job.id}`);
  });
  jobs.handle('platform.purge_expired', async () => {
    await purgeExpired(db, config.loginLockoutMinutes);
    await purgeRateLimits(db.kysely);
  });
  jobs.schedule('*/10 * * * *', 'platform.purge_expired');
  await app.register(authRoutes, platform);
  await app.register(communesRoutes, platform);
  await app.register(orgModule, platform);
  await app.register(auditRoutes, platform);
  await app.register(portalModule, platform);
  await app.register(outboxRoutes, platform);
  await app.register(workOrdersModule, platform);
  await app.register(reportsModule, platform);
  await app.register(eservicesModule, platform);
  await app.register(gisModule, platform);
  await app.register(lightingModule, platform);
  await app.register(ngsiLdModule, platform);
  // Last: the web app's files and pages, at every path the routes above do not answer.
  await registerWeb(app, { distDir: WEB_DIST });
  return { app, platform, readiness };
}
