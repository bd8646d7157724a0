import { contextOf } from '../../platform/http/context.js';
import { Binary, IdParams, page, problemResponses, Strict } from '../../platform/http/schemas.js';
import type { App } from '../../platform/platform.js';
import type { DocumentsService } from './documents.service.js';
import type { OfficeService } from './office.service.js';
import type { RequestDetail } from './requests.presenters.js';
import { presentAttachment, presentRequest, presentSummary } from './requests.presenters.js';
import { idempotencyKey } from './requests.routes.js';
import type { RequestStatus } from './requests.schemas.js';
import * as s from './requests.schemas.js';
import type { RequestsService } from './requests.service.js';
import { readUpload, sendBytes, sendFile } from './uploads.js';

const BASE = '/api/v1/eservices';
const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409, 413, 415, 422);

/** The office's routes: the queue, a request (every read audited), the actions, counter mode, revocation. */
export function officeRoutes(app: App, office: OfficeService, requests: RequestsService, documents: DocumentsService) {
  const present = (r: { detail: RequestDetail; actions: string[] }) =>
    presentRequest(r.detail, { staff: true, actions: r.actions, now: requests.now() });
  const tags = ['eservices: office'];

  app.get(
    `${BASE}/queue`,
    {
      schema: {
        tags,
        summary: "Requests of the caller's departments (deposited ones, and drafts filed at the counter), nearest deadline first",
        querystring: s.QueueQuery,
        response: { 200: s.QueueResponse, ...read },
      },
    },
    async (request) => {
      const q = request.query;
      const { limit, offset } = page(q);
      const now = requests.now();
      const { rows, total } = await office.queue(contextOf(request), {
        statuses: q.status ? (q.status.split(',') as RequestStatus[]) : undefined,
        procedureCode: q.procedure,
        assigned: q.assigned,
        overdue: q.overdue,
        q: q.q,
        limit,
        offset,
      });
      return { items: rows.map((r) => presentSummary(r, now)), total };
    },
  );
  app.get(
    `${BASE}/queue/:id`,
    {
      schema: {
        tags,
        summary: 'A request with its answers, attachments, clocks, full history and the actions open to the caller (the read is audited)',
        params: IdParams,
        response: { 200: s.RequestResponse, ...read },
      },
    },
    async (request) => present(await office.get(contextOf(request), request.params.id)),
  );
  app.post(
    `${BASE}/queue/:id/actions`,
    {
      schema: {
        tags,
        summary:
          'A step of the workflow: start_review, request_completion, approve, reject, extend, issue, close, answer_appeal, return, accept_completion',
        description: 'A step the state machine does not allow from where the request is answers 409 with a code saying why.',
        params: IdParams,
        body: s.StaffActionBody,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) => present(await office.act(contextOf(request), request.params.id, request.body)),
  );
  app.post(
    `${BASE}/queue/:id/assign`,
    {
      schema: {
        tags,
        summary: 'Assign the request within its department (null: nobody)',
        params: IdParams,
        body: s.AssignBody,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) => present(await office.assign(contextOf(request), request.params.id, request.body.userId)),
  );
  app.get(
    `${BASE}/queue/:id/attachments/:attachmentId`,
    {
      schema: {
        tags,
        summary: 'An attachment of the request (the access is audited)',
        params: s.IdAttachmentParams,
        response: { 200: Binary, ...read },
      },
    },
    async (request, reply) => {
      const a = await office.attachmentFile(contextOf(request), request.params.id, request.params.attachmentId);
      return sendFile(reply, documents.files, a.fileKey, a.contentType, a.filename);
    },
  );
  app.get(
    `${BASE}/queue/:id/receipt.pdf`,
    {
      schema: {
        tags,
        summary: 'The receipt of a deposited request, to print for a citizen at the counter',
        params: IdParams,
        querystring: s.ReceiptQuery,
        response: { 200: Binary, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const d = await office.forFiles(ctx, request.params.id, 'receipt');
      const lang = request.query.lang ?? (request.locale === 'fr' ? 'fr' : 'ar');
      return sendBytes(reply, await documents.receipt(ctx, d, lang), 'application/pdf', `${d.request.number}-${lang}.pdf`);
    },
  );
  app.get(
    `${BASE}/queue/:id/documents/:code.pdf`,
    {
      schema: {
        tags,
        summary: 'An issued document of the request (signed PDF)',
        params: s.IdDocumentParams,
        response: { 200: Binary, ...read },
      },
    },
    async (request, reply) => {
      const d = await office.forFiles(contextOf(request), request.params.id, `document ${request.params.code}`);
      const doc = documents.documentOf(d, request.params.code);
      return sendFile(reply, documents.files, doc.fileKey, 'application/pdf', `${doc.code}.pdf`);
    },
  );

  const counterTags = ['eservices: counter'];
  app.post(
    `${BASE}/counter`,
    {
      schema: {
        tags: counterTags,
        summary:
          'Counter mode: file a request for a citizen who came in person (a draft, channel counter); give them the number and secret',
        body: s.RequestCreateBody,
        response: { 200: s.CreatedResponse, 201: s.CreatedResponse, ...write },
      },
    },
    async (request, reply) => {
      const created = await office.counterCreate(contextOf(request), request.body, {
        ip: request.ip,
        idempotencyKey: idempotencyKey(request),
      });
      return reply.code(created.replayed ? 200 : 201).send({
        number: created.detail.request.number,
        token: created.secret,
        request: present({ detail: created.detail, actions: created.actions }),
      });
    },
  );
  app.patch(
    `${BASE}/queue/:id`,
    {
      schema: {
        tags: counterTags,
        summary: 'Change a draft filed at the counter (as PATCH /requests/{number})',
        params: IdParams,
        body: s.RequestPatchBody,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) => present(await office.counterPatch(contextOf(request), request.params.id, request.body)),
  );
  app.post(
    `${BASE}/queue/:id/attachments`,
    {
      schema: {
        tags: counterTags,
        summary: 'Attach a document the citizen brought (multipart/form-data: documentKey, file), checked like online ones',
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 201: s.AttachmentResponse, ...write },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      await office.checkCounterUpload(ctx, request.params.id);
      const upload = await readUpload(request);
      return reply.code(201).send(presentAttachment(await office.counterAttachment(ctx, request.params.id, upload)));
    },
  );
  app.post(
    `${BASE}/queue/:id/submit`,
    {
      schema: {
        tags: counterTags,
        summary: 'Deposit a draft filed at the counter (the receipt can then be printed)',
        params: IdParams,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) => present(await office.counterSubmit(contextOf(request), request.params.id)),
  );

  app.post(
    `${BASE}/documents/:code/revoke`,
    {
      schema: {
        tags: ['eservices: verification'],
        summary: 'Revoke an issued document: its verification page says so from now on, with the reason',
        params: Strict({ code: s.VerificationCode }),
        body: s.RevokeBody,
        response: { 200: s.VerificationResponse, ...write },
      },
    },
    async (request) => documents.revoke(contextOf(request), request.params.code, request.body.reason),
  );
}
