import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { enqueue, type JobRunner } from '../../platform/jobs/jobs.js';
import type { TelemetryService } from '../../platform/mqtt/telemetry.js';
import type { FiledReport } from '../reports/index.js';
import { findWorkOrderBySource, linkWorkOrderSource } from '../workorders/index.js';
import * as repo from './alarms.repository.js';
import type { ExpectedLevels } from './detection.js';
import { DETECT_JOB, evaluate, SWEEP_JOB } from './detection.service.js';

/** A citizen's report of a lighting problem this close to a luminaire with an open DARK alarm joins its work order. */
export const REPORT_LINK_METRES = 30;

export interface DetectionWiring {
  db: Database;
  jobs: JobRunner;
  telemetry: TelemetryService;
  expectedLevels: ExpectedLevels;
  links: { publicUrl: string };
}

/** Marks the devices a batch stored readings for and queues an evaluation (inside the batch's transaction: quick). */
async function markStored(trx: Tx, stored: { communeId: string; states: readonly { deviceId: string }[] }) {
  const added = await repo.markDevices(
    trx,
    stored.communeId,
    stored.states.map((s) => s.deviceId),
  );
  // Devices marked already have an evaluation queued that has not taken them yet.
  if (added > 0) await enqueue(trx, { kind: DETECT_JOB, communeId: stored.communeId, maxAttempts: 3 });
}

/**
 * Wires detection into the platform: ingestion batches mark their devices and queue
 * `lighting.detect`; that job (and the one due when a fault's window ends) evaluates the marked
 * devices; `lighting.detect_sweep` evaluates every device of every commune each minute (SILENT and
 * the time-based rules need no new reading to fire).
 */
export function registerDetection(w: DetectionWiring) {
  for (const kind of ['luminaire', 'cabinet']) w.telemetry.onStored(kind, markStored);
  const run = (communeId: string, deviceIds: readonly string[] | null) =>
    withCommune(w.db, communeId, (trx) =>
      evaluate(trx, communeId, { deviceIds, now: new Date(), expectedLevels: w.expectedLevels, links: w.links }),
    );
  w.jobs.handle(DETECT_JOB, async (job) => {
    if (!job.communeId) return;
    const ids = Array.isArray(job.payload.deviceIds) ? job.payload.deviceIds.filter((x): x is string => typeof x === 'string') : [];
    await run(job.communeId, ids);
  });
  w.jobs.handle(SWEEP_JOB, async () => {
    const communes = await w.db.kysely.selectFrom('platform.commune').select('id').execute();
    for (const c of communes) await run(c.id, null);
  });
  w.jobs.schedule('* * * * *', SWEEP_JOB);
}

/**
 * A citizen's report in a lighting category, filed within REPORT_LINK_METRES of a luminaire whose
 * DARK alarm is open, becomes a source of that luminaire's work order instead of waiting for its
 * own: the report follows the work order (in progress, fixed) like any report the office assigned.
 */
export async function linkDarkLampReport(trx: Tx, ctx: CallContext, report: FiledReport) {
  if (report.groupCode !== 'lighting' || report.lat === null || report.lon === null) return;
  const alarm = await repo.openDarkAlarmNear(trx, { lat: report.lat, lon: report.lon }, REPORT_LINK_METRES);
  if (!alarm) return;
  const wo = await findWorkOrderBySource(trx, 'lighting_luminaire', alarm.luminaireId);
  if (!wo || wo.status === 'done' || wo.status === 'cancelled') return;
  await linkWorkOrderSource(trx, ctx, wo, { type: 'report', id: report.id });
}
