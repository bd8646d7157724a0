/**
 * Administrative e-services under Law 55.19 (and Decree 2.22.141 for communes): the published
 * procedure catalog (fiches), online and counter requests with their legal receipts, deadline
 * clocks (pauses, extension, silence-as-approval), appeals, the office's workflow, and issued
 * documents signed with the commune's Ed25519 key that anyone can verify. Routes under
 * `/api/v1/eservices`; the clock job `eservices.clocks` runs every five minutes.
 */
import multipart from '@fastify/multipart';
import { definePermissions } from '../../platform/auth/permissions.js';
import { withCommune } from '../../platform/db/tenant.js';
import { LIMITS } from '../../platform/limits.js';
import type { App, Platform } from '../../platform/platform.js';
import { adminRoutes } from './admin.routes.js';
import { catalogRoutes } from './catalog.routes.js';
import { CatalogService } from './catalog.service.js';
import { CLOCK_JOB, purgeStaleDrafts, runClocks } from './clock-job.js';
import { DocumentsService } from './documents.service.js';
import { IndicatorsService } from './indicators.service.js';
import { officeRoutes } from './office.routes.js';
import { OfficeService } from './office.service.js';
import { purgeSubmissionKeys } from './requests.repository.js';
import { requestsRoutes } from './requests.routes.js';
import { RequestsService } from './requests.service.js';
import { SettingsService } from './settings.service.js';

// Personal data (Law 09-08) is read only by those who process requests: no viewer role here.
definePermissions({
  'eservices.catalog.manage': ['supervisor'],
  'eservices.requests.read': ['supervisor', 'agent'],
  'eservices.requests.process': ['supervisor', 'agent'],
  'eservices.requests.counter': ['supervisor', 'agent'],
  'eservices.documents.revoke': ['supervisor'],
  'eservices.indicators.read': ['supervisor', 'agent', 'viewer'],
  'eservices.settings.manage': [],
});

/** The module's Fastify plugin: routes, the clock job, the purge of idempotency keys. */
export async function eservicesModule(app: App, platform: Platform) {
  const { db, files, config, jobs } = platform;
  const links = { publicUrl: config.publicUrl };
  const requests = new RequestsService(db, {
    links,
    files,
    createLimit: LIMITS.eservicesRequestsPerHour,
    trackingFailureLimit: LIMITS.eservicesTrackingFailuresPerHour,
  });
  const documents = new DocumentsService(db, files, links, requests, platform.secrets);
  const office = new OfficeService(db, requests, documents, links);
  await app.register(multipart);
  catalogRoutes(app, new CatalogService(db));
  requestsRoutes(app, requests, documents);
  officeRoutes(app, office, requests, documents);
  adminRoutes(app, new SettingsService(db), new IndicatorsService(db, () => new Date()));

  jobs.handle(CLOCK_JOB, async (job) => {
    // A test (or an operator replaying a day) may run the clocks at a chosen time.
    const at = typeof job.payload.now === 'string' ? new Date(job.payload.now) : new Date();
    await runClocks(db, links, at);
    await purgeStaleDrafts(db, files, at);
    const communes = await db.kysely.selectFrom('platform.commune').select('id').execute();
    for (const c of communes) await withCommune(db, c.id, (trx) => purgeSubmissionKeys(trx));
  });
  jobs.schedule('*/5 * * * *', CLOCK_JOB);
}

export { countProcedures, findProcedureByCode, insertProcedure } from './catalog.repository.js';
/** For the demo seed (inside the commune's transaction; it records its own audit entries). */
export { foldsOf, prepareProcedure } from './catalog.service.js';
export { runClocks } from './clock-job.js';
/** For the lighting calendars: the Hijri date of a day (Ramadan nights) and day numbers. */
export { dateOfDayNumber, dayNumberOf, hijriOf } from './holidays.js';
export type { Answers, Field, ProcedureDefinition } from './procedure.js';
export { insertEvent, insertRequest, nextNumber, updateRequest } from './requests.repository.js';
export { BERKANE_PROCEDURES, SEED_DEPARTMENTS } from './seed-procedures.js';
/** For `madina verify` (a document checked offline). */
export { verifyPdf } from './signing.js';
export { loadClock } from './workflow.js';
