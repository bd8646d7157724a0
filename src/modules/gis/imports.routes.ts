import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import yauzl from 'yauzl';
import { contextOf } from '../../platform/http/context.js';
import { AppError, invalid } from '../../platform/http/errors.js';
import { IdParams, problemResponses, Strict } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';
import { sniffFormat } from './formats/sniff.js';
import type { LayerRow } from './gis.repository.js';
import type { ImportJobRow } from './imports.repository.js';
import { Code, CrsQuery, ImportJobResponse } from './imports.schemas.js';
import { IMPORT_JOB, type ImportsService, type Upload } from './imports.service.js';

/** The largest import file; larger ones are refused (413) as soon as the limit is passed, never read whole. */
export const IMPORT_BYTES_MAX = 50 * 1024 * 1024;

const tags = ['gis: imports'];
const formatProblem = () => new AppError('unsupported_media_type', 415, 'problem.gis.import.format.detail');
const tooLarge = () =>
  new AppError('payload_too_large', 413, 'problem.gis.import.too_large.detail', { max: IMPORT_BYTES_MAX / 1024 / 1024 });

/** Whether a zip's central directory can be read (a cheap check before a job is queued). */
const readableZip = (file: string) =>
  yauzl.openPromise(file, { lazyEntries: true }).then(
    (zip) => {
      zip.close();
      return true;
    },
    () => false,
  );

/**
 * Streams the multipart field `file` to disk under DATA_DIR/files (with the optional field `layer`,
 * a GeoPackage's table) and tells its format by its content. The caller has checked who may import.
 */
export async function receiveUpload(request: FastifyRequest, imports: ImportsService, communeId: string): Promise<Upload> {
  if (!request.isMultipart()) throw formatProblem();
  const fileKey = imports.newFileKey(communeId);
  const target = imports.pathOf(fileKey);
  let fileName: string | undefined;
  let sourceLayer: string | undefined;
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
    for await (const part of request.parts({ limits: { fileSize: IMPORT_BYTES_MAX, files: 1, fields: 1, parts: 2, fieldSize: 1024 } })) {
      if (part.type === 'file' && part.fieldname === 'file') {
        fileName = (part.filename || 'upload').slice(0, 255);
        await pipeline(part.file, createWriteStream(target, { flags: 'wx' })).catch((err: { code?: string }) => {
          throw err.code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge() : err;
        });
      } else if (part.type === 'field' && part.fieldname === 'layer' && typeof part.value === 'string' && part.value.length <= 255) {
        sourceLayer = part.value;
      } else throw invalid(`/body/${part.fieldname}`, 'problem.field.unknown');
    }
    if (fileName === undefined) throw invalid('/body/file', 'problem.field.required');
    const handle = await fs.open(target);
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0).finally(() => handle.close());
    const format = sniffFormat(head.subarray(0, bytesRead));
    if (!format || (format === 'shapefile' && !(await readableZip(target)))) throw formatProblem();
    return { fileKey, fileName, format, sourceLayer };
  } catch (err) {
    await fs.rm(target, { force: true });
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw err;
  }
}

const percent = (job: ImportJobRow) =>
  job.status === 'succeeded'
    ? 100
    : job.rowsTotal
      ? Math.min(100, Math.floor((job.rowsDone * 100) / job.rowsTotal))
      : job.rowsTotal === 0
        ? 0
        : null;

export function presentJob(request: FastifyRequest, job: ImportJobRow) {
  return {
    id: job.id,
    layerCode: job.layerCode,
    fileName: job.fileName,
    format: job.format,
    status: job.status,
    rowsTotal: job.rowsTotal,
    rowsDone: job.rowsDone,
    percent: percent(job),
    srid: job.srid,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    result: job.result,
    errors: job.errors.map((e) => ({ pointer: e.pointer, key: e.key, message: request.i18n.t(e.key, e.values) })),
  };
}

/** Receives a file for a layer the caller may import into: the layer is checked before the upload is read. */
export async function receiveFor(
  request: FastifyRequest,
  imports: ImportsService,
  code: string,
): Promise<{ layer: LayerRow; upload: Upload }> {
  const ctx = contextOf(request);
  const layer = await imports.importableLayer(ctx, code);
  return { layer, upload: await receiveUpload(request, imports, ctx.communeId) };
}

/** Staged background imports: upload, progress, list, cancel. The worker is a platform job. */
export async function importsRoutes(app: App, imports: ImportsService, { jobs }: Platform) {
  jobs.handle(IMPORT_JOB, async (job) => {
    const id = job.payload.importId;
    if (job.communeId && typeof id === 'string') await imports.run(job.communeId, id);
  });

  app.post(
    '/api/v1/gis/layers/:code/imports',
    {
      schema: {
        tags,
        summary: 'Start importing a file into a layer in the background (GeoJSON, CSV, zipped Shapefile, GeoPackage)',
        description:
          'Multipart field `file` (its format is told by its content) and, for a GeoPackage with several feature tables, field `layer` (the table). The coordinate system is the one the file names (.prj, GeoPackage srs, GeoJSON crs) or `crs`. Answers at once with the job; poll it for progress. All or nothing: errors name their rows.',
        params: Strict({ code: Code }),
        querystring: CrsQuery,
        consumes: ['multipart/form-data'],
        response: { 202: ImportJobResponse, ...problemResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      const { layer, upload } = await receiveFor(request, imports, request.params.code);
      const job = await imports.create(contextOf(request), layer, upload, request.query.crs, { queue: true });
      return reply.code(202).send(presentJob(request, job));
    },
  );
  app.get(
    '/api/v1/gis/imports/:id',
    {
      schema: {
        tags,
        summary: 'An import job: progress, result or errors',
        params: IdParams,
        response: { 200: ImportJobResponse, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => presentJob(request, await imports.job(contextOf(request), request.params.id)),
  );
  app.get(
    '/api/v1/gis/layers/:code/imports',
    {
      schema: {
        tags,
        summary: 'The latest 20 import jobs of a layer, newest first',
        params: Strict({ code: Code }),
        response: { 200: Type.Object({ items: Type.Array(ImportJobResponse) }), ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => ({ items: (await imports.jobs(contextOf(request), request.params.code)).map((job) => presentJob(request, job)) }),
  );
  app.post(
    '/api/v1/gis/imports/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an import: at once when queued; a running one stops after its current batch (status stays running until then)',
        params: IdParams,
        response: { 200: ImportJobResponse, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => presentJob(request, await imports.cancel(contextOf(request), request.params.id)),
  );
}
