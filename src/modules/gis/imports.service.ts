/**
 * Staged imports. An upload is kept on disk and a job is queued (in the transaction that records
 * it); the worker reads the file in batches, checks every row against the layer, reprojects,
 * repairs and places it in PostGIS, and writes each batch to staging in a short transaction of its
 * own (so other requests run between batches, and the office polls the progress); a cancel is
 * honoured between batches. The last step moves the staged rows into the layer in one transaction
 * with its audit record: all or nothing. A failure or a cancel leaves no row behind.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { isDatabaseUnavailable } from '../../platform/db/errors.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { FileStore } from '../../platform/files/store.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, conflict, type FieldError, notFound } from '../../platform/http/errors.js';
import { enqueue } from '../../platform/jobs/jobs.js';
import { geoPackageSource } from './formats/geopackage.js';
import { FileProblem } from './formats/problem.js';
import { shapefileSource, workDirOf } from './formats/shapefile.js';
import { findLayerByCode, type LayerRow, touchLayer } from './gis.repository.js';
import { EDIT, REACH_KM } from './gis.service.js';
import { checkRecord, csvSource, geoJsonSource, type ImportRow, type ImportSource, type ImportSrid, isImportSrid } from './import.js';
import type { ImportFormat, ImportJobRow } from './imports.repository.js';
import * as repo from './imports.repository.js';

export const IMPORT_JOB = 'gis.import';
/** Rows read, checked and staged per transaction. */
export const BATCH_ROWS = 500;
const MAX_ERRORS = 20;
const LIST_LIMIT = 20;

/** A file received for import: where it is (a file store key under DATA_DIR/files) and what it is. */
export interface Upload {
  fileKey: string;
  fileName: string;
  format: ImportFormat;
  /** The table to read in a GeoPackage with several. */
  sourceLayer?: string;
}

const rowsProblem = (errors: FieldError[]) =>
  new AppError(
    'validation_failed',
    400,
    errors.some((e) => e.pointer.startsWith('/rows/')) ? 'problem.gis.import.rows.detail' : undefined,
    {},
    errors,
  );

export class ImportsService {
  constructor(
    private readonly db: Database,
    private readonly files: FileStore,
    private readonly filesDir: string,
  ) {}

  /** Where a stored upload is on disk (the readers need a path: zip and shapefile are read in place). */
  pathOf(fileKey: string) {
    return path.join(this.filesDir, fileKey);
  }

  /** A fresh key for an upload of the commune. */
  newFileKey(communeId: string) {
    return `gis-imports/${communeId}/${randomUUID()}.upload`;
  }

  /** The layer an upload goes to, checked before the upload is read: 403 for those who may not edit, 404 when there is none. */
  importableLayer(ctx: CallContext, code: string) {
    authorize(ctx.principal, EDIT);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const layer = await findLayerByCode(trx, code);
      if (!layer) throw notFound();
      return layer;
    });
  }

  /** Records a job for a received file and queues it for the worker (same transaction), or leaves it for the caller to run. */
  create(ctx: CallContext, layer: LayerRow, upload: Upload, srid: ImportSrid | undefined, options: { queue: boolean }) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const id = await repo.insertJob(trx, {
        communeId: ctx.communeId,
        layerId: layer.id,
        fileName: upload.fileName,
        fileKey: upload.fileKey,
        format: upload.format,
        sourceLayer: upload.sourceLayer ?? null,
        requestedSrid: srid ?? null,
        actor: ctx.actor,
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'gis.import.create',
        entityType: `layer:${layer.code}`,
        entityId: id,
        after: { fileName: upload.fileName, format: upload.format, srid: srid ?? null },
      });
      if (options.queue) await enqueue(trx, { kind: IMPORT_JOB, communeId: ctx.communeId, payload: { importId: id }, maxAttempts: 3 });
      return (await repo.findJob(trx, id))!;
    });
  }

  /** A synchronous import (small files): the same job and worker, run at once; its errors are the request's. */
  async runNow(ctx: CallContext, job: ImportJobRow) {
    await this.run(ctx.communeId, job.id);
    const done = await this.job(ctx, job.id);
    if (done.status !== 'succeeded') throw rowsProblem(done.errors);
    return { ...done.result!, srid: done.srid! };
  }

  job(ctx: CallContext, id: string) {
    authorize(ctx.principal, EDIT);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const job = await repo.findJob(trx, id);
      if (!job) throw notFound();
      return job;
    });
  }

  async jobs(ctx: CallContext, code: string) {
    const layer = await this.importableLayer(ctx, code);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listJobs(trx, layer.id, LIST_LIMIT));
  }

  /** Cancels a queued job at once, or asks the running worker to stop (it does after its batch); 409 once finished. */
  async cancel(ctx: CallContext, id: string) {
    authorize(ctx.principal, EDIT);
    const job = await withCommune(this.db, ctx.communeId, async (trx) => {
      const job = await repo.findJob(trx, id, { lock: true });
      if (!job) throw notFound();
      if (repo.FINISHED.includes(job.status)) throw conflict('problem.gis.import.finished.detail');
      if (job.status === 'queued') await repo.updateJob(trx, id, { status: 'cancelled', cancelRequested: true });
      else await repo.updateJob(trx, id, { cancelRequested: true });
      await recordAudit(trx, ctx.communeId, ctx.actor, { action: 'gis.import.cancel', entityType: `layer:${job.layerCode}`, entityId: id });
      return (await repo.findJob(trx, id))!;
    });
    if (job.status === 'cancelled') await this.files.remove(job.fileKey);
    return job;
  }

  /**
   * The worker: runs a job from the start (a job taken again after its worker died begins anew,
   * its staged rows cleared). Does nothing for a finished job.
   */
  async run(communeId: string, id: string) {
    const job = await withCommune(this.db, communeId, async (trx) => {
      const job = await repo.findJob(trx, id, { lock: true });
      if (!job || repo.FINISHED.includes(job.status)) return undefined;
      await repo.clearStaging(trx, id);
      await repo.updateJob(trx, id, { status: 'running', rowsDone: 0, errors: [] });
      return job;
    });
    if (!job) return;
    const file = this.pathOf(job.fileKey);
    try {
      await this.process(communeId, job, file);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err; // the queue runs the job again later
      const errors = err instanceof FileProblem ? [err.field] : [{ pointer: '/file', key: 'problem.gis.import.unreadable' }];
      await this.finish(communeId, job, 'failed', { errors });
      if (!(err instanceof FileProblem)) throw err;
    } finally {
      await fs.rm(workDirOf(file), { recursive: true, force: true });
    }
  }

  private async open(job: ImportJobRow, file: string, layer: LayerRow): Promise<ImportSource> {
    if (job.format === 'shapefile') return shapefileSource(file, workDirOf(file));
    if (job.format === 'geopackage') return geoPackageSource(await fs.readFile(file), job.sourceLayer ?? undefined);
    const text = await fs.readFile(file, 'utf8');
    return job.format === 'geojson' ? geoJsonSource(text) : csvSource(text, layer);
  }

  /** The coordinate system to read in: the one chosen, else the one the file names, else WGS 84. */
  private sridFor(job: ImportJobRow, source: ImportSource): ImportSrid {
    const declared = source.declaredSrid;
    const chosen = job.requestedSrid ?? undefined;
    if (isImportSrid(chosen)) {
      if (isImportSrid(declared ?? undefined) && declared !== chosen)
        throw new FileProblem('problem.gis.import.crs_conflict', {}, '/query/crs');
      return chosen;
    }
    if (declared === null || (declared !== undefined && !isImportSrid(declared))) throw new FileProblem('problem.gis.import.crs');
    return declared ?? 4326;
  }

  private async process(communeId: string, job: ImportJobRow, file: string) {
    const layer = await withCommune(this.db, communeId, (trx) => findLayerByCode(trx, job.layerCode));
    if (!layer) throw new FileProblem('problem.gis.import.layer_gone');
    const source = await this.open(job, file, layer);
    const srid = this.sridFor(job, source);
    await withCommune(this.db, communeId, (trx) => repo.updateJob(trx, job.id, { srid, rowsTotal: source.total }));
    // Degrees are checked for range; metres of a projected system only for being numbers.
    const projected = srid !== 4326 && srid !== 4261;
    const ignored = new Set<string>();
    const errors: FieldError[] = [];
    let batch: ImportRow[] = [];
    let done = 0;
    const flush = async () => {
      if (errors.length === 0 && batch.length) errors.push(...(await this.stage(communeId, job, layer, batch, srid)));
      batch = [];
      // Lets the event loop serve others between batches: on PGlite the database runs on this thread.
      await setImmediate();
      return withCommune(this.db, communeId, async (trx) => {
        await repo.updateJob(trx, job.id, { rowsDone: done });
        return (await repo.findJob(trx, job.id))!.cancelRequested;
      });
    };
    for await (const record of source.records()) {
      const checked = checkRecord(layer, record, projected, ignored);
      errors.push(...checked.problems);
      if (checked.row) batch.push(checked.row);
      done++;
      if (errors.length >= MAX_ERRORS) break;
      if (done % BATCH_ROWS === 0 && (await flush())) return this.finish(communeId, job, 'cancelled');
    }
    if (await flush()) return this.finish(communeId, job, 'cancelled');
    if (errors.length) return this.finish(communeId, job, 'failed', { errors: errors.slice(0, MAX_ERRORS) });
    await withCommune(this.db, communeId, async (trx) => {
      // Locked: a cancel arriving now waits, then finds the job finished.
      const current = await repo.findJob(trx, job.id, { lock: true });
      if (current?.cancelRequested) return this.finish(communeId, job, 'cancelled', {}, trx);
      const outcome = await repo.publishStaged(trx, communeId, layer.id, job.id);
      if (outcome.imported === 0)
        return this.finish(communeId, job, 'failed', { errors: [{ pointer: '/file', key: 'problem.gis.import.empty' }] }, trx);
      const result = { ...outcome, ignored: [...ignored].sort() };
      await touchLayer(trx, layer.id);
      await recordAudit(trx, communeId, job.actor, {
        action: 'gis.layer.import',
        entityType: `layer:${layer.code}`,
        entityId: layer.id,
        after: { ...result, importId: job.id, srid, format: job.format, fileName: job.fileName },
      });
      await repo.updateJob(trx, job.id, { status: 'succeeded', result, rowsDone: done });
    });
    await this.files.remove(job.fileKey);
  }

  /** Ends a job that did not succeed: its staged rows and its file are removed. */
  private async finish(communeId: string, job: ImportJobRow, status: 'failed' | 'cancelled', v: { errors?: FieldError[] } = {}, trx?: Tx) {
    const end = async (t: Tx) => {
      await repo.clearStaging(t, job.id);
      await repo.updateJob(t, job.id, { status, ...v });
    };
    if (trx) await end(trx);
    else await withCommune(this.db, communeId, end);
    await this.files.remove(job.fileKey);
  }

  /** Every feature of a layer for the GeoPackage and Shapefile exports (the caller has checked it may read the layer). */
  exportRows(communeId: string, layerId: string) {
    return withCommune(this.db, communeId, (trx) => repo.exportGeometries(trx, layerId));
  }

  /** Stages one batch; when PostGIS cannot read a geometry of it, row by row to name the rows at fault. */
  private async stage(communeId: string, job: ImportJobRow, layer: LayerRow, batch: ImportRow[], srid: number): Promise<FieldError[]> {
    const problems = (outcome: { staged: Set<number>; far: number[] }, rows: ImportRow[]): FieldError[] =>
      rows
        .filter((r) => !outcome.staged.has(r.row))
        .map((r) =>
          outcome.far.includes(r.row)
            ? { pointer: `/rows/${r.row}/geometry`, key: 'problem.gis.far_from_commune.detail', values: { km: REACH_KM } }
            : { pointer: `/rows/${r.row}/geometry`, key: 'problem.gis.import.geometry' },
        );
    const inOne = (rows: ImportRow[]) =>
      withCommune(this.db, communeId, (trx) => repo.stageRows(trx, communeId, job.id, layer.geometryType, rows, srid, REACH_KM));
    try {
      return problems(await inOne(batch), batch);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      const errors: FieldError[] = [];
      for (const r of batch) {
        try {
          errors.push(...problems(await inOne([r]), [r]));
        } catch (rowErr) {
          if (isDatabaseUnavailable(rowErr)) throw rowErr;
          errors.push(...problems({ staged: new Set(), far: [] }, [r]));
        }
      }
      return errors;
    }
  }
}
