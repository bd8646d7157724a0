import multipart from '@fastify/multipart';
import { discardPhotos, receivePhotos, sendPhoto } from '../../platform/files/uploads.js';
import { contextOf } from '../../platform/http/context.js';
import { invalid } from '../../platform/http/errors.js';
import { Binary, IdParams, page, problemResponses } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import type { App, Platform } from '../../platform/platform.js';
import { onWorkOrderEvent } from '../workorders/index.js';
import { trackingLink } from './notifications.js';
import { open311Routes } from './open311.routes.js';
import {
  presentCategory,
  presentPublic,
  presentPublicDetail,
  presentStaff,
  presentStaffDetail,
  presentTracked,
} from './reports.presenters.js';
import { OPEN_STATUSES, type ReportFilter, STATUSES, type Status } from './reports.repository.js';
import * as s from './reports.schemas.js';
import { NEARBY_METRES, ReportsService } from './reports.service.js';
import { TriageService } from './triage.service.js';

const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429);

interface ListQuery {
  limit?: number;
  offset?: number;
  category?: string;
  status?: string;
  district?: string;
  from?: string;
  to?: string;
  bbox?: string;
}

/** Turns the list filters of the query string into the repository's, refusing a box that is not one. */
export function listFilter(q: ListQuery): Omit<ReportFilter, 'publicOnly' | 'departmentPath'> {
  let bbox: ReportFilter['bbox'];
  if (q.bbox) {
    const [w, so, e, n] = q.bbox.split(',').map(Number) as [number, number, number, number];
    if (w < -180 || e > 180 || so < -90 || n > 90 || w >= e || so >= n) throw invalid('/query/bbox');
    bbox = [w, so, e, n];
  }
  const statuses = q.status
    ? [
        ...new Set(
          q.status
            .split(',')
            .flatMap((x): readonly Status[] =>
              x === 'unresolved' ? OPEN_STATUSES : x === 'resolved' ? STATUSES.filter((y) => !OPEN_STATUSES.includes(y)) : [x as Status],
            ),
        ),
      ]
    : undefined;
  return {
    ...page(q),
    categoryCodes: q.category?.split(','),
    statuses,
    districtId: q.district,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    bbox,
  };
}

export async function reportsRoutes(app: App, platform: Platform) {
  const { db, files, config } = platform;
  const links = { publicUrl: config.publicUrl };
  const reports = new ReportsService(db, { links, rateLimit: config.reportRateLimit, editMinutes: config.reportEditMinutes });
  const triage = new TriageService(db, links);
  onWorkOrderEvent('reports', (trx, ctx, event) => triage.onWorkOrder(trx, ctx, event));
  await app.register(multipart);
  await app.register(open311Routes, platform);

  let tags = ['reports: citizens'];
  app.get(
    '/api/v1/reports/categories',
    {
      schema: {
        tags,
        summary: 'What can be reported: the enabled categories with their questions',
        response: { 200: s.CategoryListResponse },
      },
    },
    async (request) => ({ items: (await reports.listCategories(contextOf(request))).map(presentCategory) }),
  );
  app.get(
    '/api/v1/reports/districts',
    { schema: { tags, summary: "The commune's districts, to say where without a map", response: { 200: s.DistrictListResponse } } },
    async (request) => ({ items: (await reports.listDistricts(contextOf(request))).map((d) => ({ id: d.id, name: d.name })) }),
  );
  app.get(
    '/api/v1/reports/nearby',
    {
      schema: {
        tags,
        summary: `"Is it one of these?": open public reports of a category within ${NEARBY_METRES} m of a point, nearest first`,
        querystring: s.NearbyQuery,
        response: { 200: s.NearbyResponse, ...problemResponses(400, 422) },
      },
    },
    async (request) => {
      const rows = await reports.nearby(contextOf(request), request.query.category, { lat: request.query.lat, lon: request.query.lon });
      return {
        radiusMetres: NEARBY_METRES,
        items: rows.map((r) => ({ ...presentPublic(r, []), distanceMetres: Math.round(r.distance * 10) / 10 })),
      };
    },
  );
  app.post(
    '/api/v1/reports',
    {
      schema: {
        tags,
        summary: 'File a report: a place on the map or an address, a category, a description; contact details optional and never public',
        description:
          'Send an Idempotency-Key header (any unique string) so a retried submission creates one report. The answer holds the tracking number and the secret of the tracking link (send it back in X-Report-Token).',
        body: s.ReportSubmitBody,
        response: { 200: s.SubmitResponse, 201: s.SubmitResponse, ...write },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const device = request.headers['x-device-id'];
      if (key !== undefined && (typeof key !== 'string' || !/^[A-Za-z0-9_.:-]{8,128}$/.test(key)))
        throw invalid('/headers/idempotency-key');
      const { detail, secret, replayed } = await reports.submit(
        contextOf(request),
        { ...request.body, locale: request.body.locale ?? request.locale },
        {
          // Staff filing at the counter or on the phone for a citizen.
          source: request.principal ? 'office' : 'portal',
          ip: request.ip,
          idempotencyKey: key,
          deviceId: typeof device === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(device) ? device : undefined,
        },
      );
      const number = detail.report.number;
      return reply
        .code(replayed ? 200 : 201)
        .header('location', `/api/v1/reports/${number}`)
        .send({ report: presentTracked(detail), token: secret, trackingUrl: trackingLink(links, number, secret) });
    },
  );
  app.get(
    '/api/v1/reports',
    {
      schema: {
        tags,
        summary: 'Public reports, newest first: filter by category, status (or unresolved/resolved), district, date, map box',
        querystring: s.PublicListQuery,
        response: { 200: s.PublicReportList, ...problemResponses(400) },
      },
    },
    async (request) => {
      const filter = listFilter(request.query);
      const { rows, total, photos } = await reports.listPublic(contextOf(request), filter);
      return { items: rows.map((r) => presentPublic(r, photos)), page: { total, limit: filter.limit, offset: filter.offset } };
    },
  );
  app.get(
    '/api/v1/reports/:number',
    {
      schema: {
        tags,
        summary: 'One public report with its public history',
        params: s.NumberParams,
        response: { 200: s.PublicReportDetail, ...read },
      },
    },
    async (request) => presentPublicDetail(await reports.getPublic(contextOf(request), request.params.number)),
  );
  app.post(
    '/api/v1/reports/:number/follow',
    {
      schema: {
        tags,
        summary: 'Follow a report instead of filing a duplicate: its public updates come by email',
        params: s.NumberParams,
        body: s.FollowBody,
        response: { 204: { type: 'null' }, ...write },
      },
    },
    async (request, reply) => {
      await reports.follow(contextOf(request), request.params.number, request.body.email, request.body.locale ?? request.locale);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/reports/:number/photos/:photoId',
    {
      schema: {
        tags,
        summary: "A report's photo (JPEG): approved ones for everyone, the citizen's own with X-Report-Token",
        params: s.NumberPhotoParams,
        querystring: s.PhotoQuery,
        headers: s.OptionalTokenHeaders,
        response: { 200: Binary, ...read },
      },
    },
    async (request, reply) => {
      const token = request.headers['x-report-token'];
      const photo = await reports.photo(contextOf(request), request.params.number, request.params.photoId, token);
      return sendPhoto(reply, files, photo, request.query.size, token ? 'private, no-store' : 'public, max-age=300');
    },
  );

  tags = ['reports: tracking'];
  app.get(
    '/api/v1/reports/:number/track',
    {
      schema: {
        tags,
        summary: "The citizen's own view of their report (secret of the tracking link in X-Report-Token)",
        params: s.NumberParams,
        headers: s.TokenHeaders,
        response: { 200: s.TrackedReport, ...read },
      },
    },
    async (request) => presentTracked(await reports.track(contextOf(request), request.params.number, request.headers['x-report-token'])),
  );
  app.patch(
    '/api/v1/reports/:number/track',
    {
      schema: {
        tags,
        summary: 'Edit the description or answers shortly after sending; remove my contact details at any time',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        body: s.CitizenEditBody,
        response: { 200: s.TrackedReport, ...write },
      },
    },
    async (request) =>
      presentTracked(
        await reports.editByCitizen(contextOf(request), request.params.number, request.headers['x-report-token'], request.body),
      ),
  );
  app.post(
    '/api/v1/reports/:number/track/photos',
    {
      schema: {
        tags,
        summary: `Add photos shortly after sending (multipart/form-data, fields named "photo"; at most ${LIMITS.photosPerReport} per report; shown publicly once staff approve them)`,
        params: s.NumberParams,
        headers: s.TokenHeaders,
        consumes: ['multipart/form-data'],
        response: { 201: s.TrackedReport, ...write },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const token = request.headers['x-report-token'];
      const report = await reports.checkPhotosAllowed(ctx, request.params.number, token, LIMITS.photosPerReport);
      const stored = await receivePhotos(request, files, ctx.communeId, LIMITS.photosPerReport);
      try {
        const detail = await reports.addCitizenPhotos(ctx, report.number, token, stored, LIMITS.photosPerReport);
        return reply.code(201).send(presentTracked(detail));
      } catch (err) {
        await discardPhotos(files, stored);
        throw err;
      }
    },
  );
  app.post(
    '/api/v1/reports/:number/track/reopen',
    {
      schema: {
        tags,
        summary: '"Not fixed": reopen a resolved report, saying what is still wrong',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        body: s.ReopenBody,
        response: { 200: s.TrackedReport, ...write },
      },
    },
    async (request) =>
      presentTracked(
        await reports.reopen(contextOf(request), request.params.number, request.headers['x-report-token'], request.body.reason),
      ),
  );

  tags = ['reports: office'];
  app.get(
    '/api/v1/triage/reports',
    {
      schema: {
        tags,
        summary: "The queue: reports of the caller's departments, filterable; overdue ones flagged",
        querystring: s.QueueQuery,
        response: { 200: s.StaffReportList, ...read },
      },
    },
    async (request) => {
      const filter = {
        ...listFilter(request.query),
        overdue: request.query.overdue,
        order: request.query.order,
        numbers: request.query.number ? [request.query.number] : undefined,
      };
      const { rows, total } = await triage.queue(contextOf(request), filter);
      return { items: rows.map((r) => presentStaff(r)), page: { total, limit: filter.limit, offset: filter.offset } };
    },
  );
  app.get(
    '/api/v1/triage/reports/:id',
    {
      schema: {
        tags,
        summary: 'Everything about a report: history with internal notes, all photos, its work order',
        params: IdParams,
        response: { 200: s.StaffReportDetail, ...read },
      },
    },
    async (request) => presentStaffDetail(await triage.get(contextOf(request), request.params.id)),
  );
  app.post(
    '/api/v1/triage/reports/:id/status',
    {
      schema: {
        tags,
        summary:
          'Change the status (the citizen is told): acknowledge, start, fix, close, or close without a fix, as not ours, as a duplicate, rejected; reopen',
        params: IdParams,
        body: s.TransitionBody,
        response: { 200: s.StaffReportDetail, ...write },
      },
    },
    async (request) => presentStaffDetail(await triage.transition(contextOf(request), request.params.id, request.body)),
  );
  app.post(
    '/api/v1/triage/reports/:id/updates',
    {
      schema: {
        tags,
        summary: 'A public update (sent to the citizen) or an internal note',
        params: IdParams,
        body: s.UpdateBody,
        response: { 200: s.StaffReportDetail, ...write },
      },
    },
    async (request) => presentStaffDetail(await triage.addUpdate(contextOf(request), request.params.id, request.body)),
  );
  app.post(
    '/api/v1/triage/reports/:id/assign',
    {
      schema: {
        tags,
        summary: "Assign to a team, a staff member or a contractor through the report's work order",
        params: IdParams,
        body: s.AssignBody,
        response: { 200: s.StaffReportDetail, ...write },
      },
    },
    async (request) => {
      const { dueAt, ...rest } = request.body;
      return presentStaffDetail(
        await triage.assign(contextOf(request), request.params.id, {
          ...rest,
          ...(dueAt !== undefined ? { dueAt: dueAt ? new Date(dueAt) : null } : {}),
        }),
      );
    },
  );
  app.post(
    '/api/v1/triage/reports/:id/moderation',
    {
      schema: {
        tags,
        summary: 'Hide the text from the public; approve or hide photos',
        params: IdParams,
        body: s.ModerationBody,
        response: { 200: s.StaffReportDetail, ...write },
      },
    },
    async (request) => presentStaffDetail(await triage.moderate(contextOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/v1/triage/reports/:id/photos/:photoId',
    {
      schema: {
        tags,
        summary: 'Any photo of a report (JPEG), approved or not',
        params: s.IdPhotoParams,
        querystring: s.PhotoQuery,
        response: { 200: Binary, ...read },
      },
    },
    async (request, reply) => {
      const photo = await triage.photo(contextOf(request), request.params.id, request.params.photoId);
      return sendPhoto(reply, files, photo, request.query.size, 'private, max-age=3600');
    },
  );

  tags = ['reports: categories'];
  app.get(
    '/api/v1/triage/categories',
    { schema: { tags, summary: 'Every category, enabled or not', response: { 200: s.CategoryListResponse, ...read } } },
    async (request) => ({ items: (await triage.listCategories(contextOf(request))).map(presentCategory) }),
  );
  app.post(
    '/api/v1/triage/categories',
    { schema: { tags, summary: 'Add a category', body: s.CategoryCreateBody, response: { 201: s.CategoryResponse, ...write } } },
    async (request, reply) => {
      const { group, ...b } = request.body;
      const row = await triage.createCategory(contextOf(request), {
        ...b,
        groupCode: group,
        description: b.description ?? null,
        keywords: b.keywords ?? [],
        attributes: b.attributes ?? [],
        isPublic: b.isPublic ?? true,
        enabled: b.enabled ?? true,
        sortOrder: b.sortOrder ?? 0,
      });
      return reply.code(201).send(presentCategory(row));
    },
  );
  app.patch(
    '/api/v1/triage/categories/:id',
    {
      schema: {
        tags,
        summary: 'Change a category',
        params: IdParams,
        body: s.CategoryUpdateBody,
        response: { 200: s.CategoryResponse, ...write },
      },
    },
    async (request) => {
      const { group, ...b } = request.body;
      return presentCategory(
        await triage.updateCategory(contextOf(request), request.params.id, { ...b, ...(group !== undefined ? { groupCode: group } : {}) }),
      );
    },
  );
}
