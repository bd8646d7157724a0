import multipart from '@fastify/multipart';
import type { Multilingual } from '../../platform/db/types.js';
import { discardPhotos, receivePhotos, sendPhoto } from '../../platform/files/uploads.js';
import { contextOf } from '../../platform/http/context.js';
import { Binary, IdParams, page, problemResponses } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import type { App, Platform } from '../../platform/platform.js';
import { presentWorkOrder, presentWorkOrderDetail } from './workorders.presenters.js';
import * as s from './workorders.schemas.js';
import { WorkOrdersService } from './workorders.service.js';

const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409, 413, 415, 422);
const tags = ['work orders'];

const when = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

export async function workOrdersRoutes(app: App, { db, files }: Platform) {
  const service = new WorkOrdersService(db);
  await app.register(multipart);

  app.get(
    '/api/v1/workorders',
    {
      schema: {
        tags,
        summary: 'Work orders the caller may see: open and most urgent first (a contractor sees only its own)',
        querystring: s.WorkOrderListQuery,
        response: { 200: s.WorkOrderListResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, total } = await service.list(contextOf(request), {
        status: request.query.status,
        mine: request.query.mine,
        limit,
        offset,
      });
      return { items: rows.map((w) => presentWorkOrder(w)), page: { total, limit, offset } };
    },
  );
  app.get(
    '/api/v1/workorders/assignees',
    {
      schema: {
        tags,
        summary: "Who can be given field work: staff and contractors of the caller's departments",
        response: { 200: s.AssigneeListResponse, ...read },
      },
    },
    async (request) => ({
      items: (await service.assignees(contextOf(request))).map((u) => ({
        id: u.id,
        displayName: u.displayName,
        role: u.role,
        department: u.departmentId ? { id: u.departmentId, name: (u.departmentName ?? {}) as Multilingual } : null,
      })),
    }),
  );
  app.get(
    '/api/v1/workorders/:id',
    {
      schema: {
        tags,
        summary: 'One work order with what it fixes and its site photos',
        params: IdParams,
        response: { 200: s.WorkOrderDetailResponse, ...read },
      },
    },
    async (request) => presentWorkOrderDetail(await service.get(contextOf(request), request.params.id)),
  );
  app.post(
    '/api/v1/workorders',
    { schema: { tags, summary: 'Plan a work order', body: s.WorkOrderCreateBody, response: { 201: s.WorkOrderResponse, ...write } } },
    async (request, reply) => {
      const b = request.body;
      const row = await service.create(contextOf(request), { ...b, dueAt: when(b.dueAt) });
      return reply.code(201).send(presentWorkOrder(row));
    },
  );
  app.patch(
    '/api/v1/workorders/:id',
    {
      schema: {
        tags,
        summary: 'Assign (team, staff member, contractor), reprioritize, reschedule, start, cancel or reopen a work order',
        params: IdParams,
        body: s.WorkOrderUpdateBody,
        response: { 200: s.WorkOrderResponse, ...write },
      },
    },
    async (request) => {
      const b = request.body;
      return presentWorkOrder(await service.update(contextOf(request), request.params.id, { ...b, dueAt: when(b.dueAt) }));
    },
  );
  app.post(
    '/api/v1/workorders/:id/complete',
    {
      schema: {
        tags,
        summary: 'Complete a work order in the field: note, where, checklist. Its reports become fixed and their citizens are told.',
        params: IdParams,
        body: s.WorkOrderCompleteBody,
        response: { 200: s.WorkOrderResponse, ...write },
      },
    },
    async (request) => presentWorkOrder(await service.complete(contextOf(request), request.params.id, request.body)),
  );
  app.post(
    '/api/v1/workorders/:id/photos',
    {
      schema: {
        tags,
        summary: 'Add site photos (multipart/form-data, file fields named "photo"; JPEG, PNG or WebP; re-encoded without EXIF)',
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 201: s.WorkOrderDetailResponse, ...write },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      // Check the caller may touch it before reading the upload.
      await service.get(ctx, request.params.id);
      const stored = await receivePhotos(request, files, ctx.communeId, LIMITS.photosPerWorkOrder);
      try {
        for (const photo of stored) await service.addPhoto(ctx, request.params.id, photo, LIMITS.photosPerWorkOrder);
      } catch (err) {
        await discardPhotos(files, stored);
        throw err;
      }
      return reply.code(201).send(presentWorkOrderDetail(await service.get(ctx, request.params.id)));
    },
  );
  app.get(
    '/api/v1/workorders/:id/photos/:photoId',
    {
      schema: {
        tags,
        summary: 'A site photo (JPEG)',
        params: s.PhotoParams,
        querystring: s.PhotoQuery,
        response: { 200: Binary, ...read },
      },
    },
    async (request, reply) => {
      const photo = await service.photo(contextOf(request), request.params.id, request.params.photoId);
      return sendPhoto(reply, files, photo, request.query.size, 'private, max-age=3600');
    },
  );
}
