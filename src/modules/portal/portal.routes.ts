import { contextOf, fallbackOrder } from '../../platform/http/context.js';
import { IdParams, page, problemResponses } from '../../platform/http/schemas.js';
import { LOCALES } from '../../platform/i18n/index.js';
import type { App, Platform } from '../../platform/platform.js';
import { AnnouncementsService } from './announcements.service.js';
import { OfficesService } from './offices.service.js';
import { presentAnnouncement, presentOffice } from './portal.presenters.js';
import * as s from './portal.schemas.js';

const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 413, 415);

export async function portalRoutes(app: App, { db }: Platform) {
  const announcements = new AnnouncementsService(db);
  const offices = new OfficesService(db);

  let tags = ['portal: announcements'];
  app.get(
    '/api/v1/portal/announcements',
    {
      schema: {
        tags,
        summary: 'Published announcements, newest first (no sign-in needed)',
        querystring: s.AnnouncementListQuery,
        response: { 200: s.AnnouncementListResponse, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, total } = await announcements.listPublished(contextOf(request), { limit, offset });
      return { items: rows.map((a) => presentAnnouncement(a, { withAuthor: false })), page: { total, limit, offset } };
    },
  );
  app.get(
    '/api/v1/portal/announcements/manage',
    {
      schema: {
        tags,
        summary: 'Every announcement (drafts, published, archived), last changed first, for the staff who manage them',
        querystring: s.AnnouncementManageQuery,
        response: { 200: s.AnnouncementListResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, total } = await announcements.listForStaff(contextOf(request), { status: request.query.status, limit, offset });
      return { items: rows.map((a) => presentAnnouncement(a, { withAuthor: true })), page: { total, limit, offset } };
    },
  );
  app.get(
    '/api/v1/portal/announcements/:id',
    {
      schema: {
        tags,
        summary: 'One published announcement (no sign-in needed)',
        params: IdParams,
        response: { 200: s.AnnouncementResponse, ...problemResponses(400, 404) },
      },
    },
    async (request) => presentAnnouncement(await announcements.getPublished(contextOf(request), request.params.id), { withAuthor: false }),
  );
  app.post(
    '/api/v1/portal/announcements',
    {
      schema: {
        tags,
        summary: 'Write an announcement, as a draft or published at once',
        body: s.AnnouncementCreateBody,
        response: { 201: s.AnnouncementResponse, ...write },
      },
    },
    async (request, reply) => {
      const row = await announcements.create(contextOf(request), request.body);
      return reply.code(201).send(presentAnnouncement(row, { withAuthor: true }));
    },
  );
  app.patch(
    '/api/v1/portal/announcements/:id',
    {
      schema: {
        tags,
        summary: 'Edit, publish (dated by its first publication) or archive (hidden from the public) an announcement',
        params: IdParams,
        body: s.AnnouncementUpdateBody,
        response: { 200: s.AnnouncementResponse, ...write },
      },
    },
    async (request) =>
      presentAnnouncement(await announcements.update(contextOf(request), request.params.id, request.body), { withAuthor: true }),
  );

  tags = ['portal: offices'];
  app.get(
    '/api/v1/portal/offices',
    {
      schema: {
        tags,
        summary: "The commune's offices with their contacts and opening hours (no sign-in needed)",
        response: { 200: s.OfficeListResponse },
      },
    },
    async (request) => {
      // Ties in sort order go by name, in the caller's language first.
      const languages = [...new Set([request.locale, ...fallbackOrder(request.commune), ...LOCALES])];
      return { items: (await offices.list(contextOf(request), languages)).map(presentOffice) };
    },
  );
  app.post(
    '/api/v1/portal/offices',
    { schema: { tags, summary: 'Add an office', body: s.OfficeCreateBody, response: { 201: s.OfficeResponse, ...write } } },
    async (request, reply) => {
      const b = request.body;
      const row = await offices.create(contextOf(request), {
        name: b.name,
        address: b.address ?? null,
        phone: b.phone ?? null,
        email: b.email ?? null,
        hours: b.hours ?? [],
        note: b.note ?? null,
        sortOrder: b.sortOrder ?? 0,
      });
      return reply.code(201).send(presentOffice(row));
    },
  );
  app.patch(
    '/api/v1/portal/offices/:id',
    {
      schema: {
        tags,
        summary: "Change an office's name, contacts, hours, note or order",
        params: IdParams,
        body: s.OfficeUpdateBody,
        response: { 200: s.OfficeResponse, ...write },
      },
    },
    async (request) => presentOffice(await offices.update(contextOf(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/v1/portal/offices/:id',
    { schema: { tags, summary: 'Remove an office', params: IdParams, response: { 204: { type: 'null' }, ...write } } },
    async (request, reply) => {
      await offices.remove(contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
