import type { FastifyRequest } from 'fastify';
import { contextOf } from '../../platform/http/context.js';
import { invalid } from '../../platform/http/errors.js';
import { Binary, problemResponses } from '../../platform/http/schemas.js';
import type { App } from '../../platform/platform.js';
import type { DocumentsService } from './documents.service.js';
import { FIELD_LIMITS } from './procedure.js';
import { presentAttachment, presentRequest } from './requests.presenters.js';
import * as s from './requests.schemas.js';
import type { CallerMeta, RequestsService } from './requests.service.js';
import { readUpload, sendBytes, sendFile } from './uploads.js';
import { citizenActions } from './workflow.js';

const BASE = '/api/v1/eservices';
const read = problemResponses(400, 404, 429);
const write = problemResponses(400, 404, 409, 413, 415, 422, 429);

export function idempotencyKey(request: FastifyRequest) {
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !/^[A-Za-z0-9_.:-]{8,128}$/.test(key))) throw invalid('/headers/idempotency-key');
  return key as string | undefined;
}

const metaOf = (request: FastifyRequest): CallerMeta => ({ ip: request.ip, idempotencyKey: idempotencyKey(request) });

/** The citizen's routes: a request by its number, with its tracking secret in X-Tracking-Token. */
export function requestsRoutes(app: App, requests: RequestsService, documents: DocumentsService) {
  const present = (d: Parameters<typeof presentRequest>[0]) => {
    const now = requests.now();
    return presentRequest(d, { staff: false, actions: citizenActions(d.request, now), now });
  };
  const tags = ['eservices: citizens'];

  app.post(
    `${BASE}/requests`,
    {
      schema: {
        tags,
        summary: 'Start a request (a draft) for a published procedure; the answer holds its number and tracking secret, shown once',
        description:
          'Send an Idempotency-Key header (any unique string) so a retried creation makes one request. Answers are checked as the portal checks them (procedure.ts), all of them at deposit.',
        body: s.RequestCreateBody,
        response: { 200: s.CreatedResponse, 201: s.CreatedResponse, ...write },
      },
    },
    async (request, reply) => {
      const { detail, secret, replayed } = await requests.create(contextOf(request), request.body, {
        ...metaOf(request),
        channel: 'online',
      });
      return reply
        .code(replayed ? 200 : 201)
        .header('location', `${BASE}/requests/${detail.request.number}`)
        .send({ number: detail.request.number, token: secret, request: present(detail) });
    },
  );
  app.get(
    `${BASE}/requests/:number`,
    {
      schema: {
        tags,
        summary: 'A request with its steps, clocks, missing documents, decision, appeal and documents',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        response: { 200: s.RequestResponse, ...read },
      },
    },
    async (request) =>
      present(await requests.get(contextOf(request), metaOf(request), request.params.number, request.headers['x-tracking-token'])),
  );
  app.patch(
    `${BASE}/requests/:number`,
    {
      schema: {
        tags,
        summary: 'Change a draft: applicant, answers (merged; an empty string clears one), consents, sworn statements',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        body: s.RequestPatchBody,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) =>
      present(
        await requests.patch(contextOf(request), metaOf(request), request.params.number, request.headers['x-tracking-token'], request.body),
      ),
  );
  app.post(
    `${BASE}/requests/:number/attachments`,
    {
      schema: {
        tags,
        summary: `Attach a document (multipart/form-data: documentKey, file): PDF, JPEG or PNG by content, at most ${FIELD_LIMITS.attachmentBytesMax / 1024 / 1024} MB; PDFs without JavaScript or embedded files`,
        params: s.NumberParams,
        headers: s.TokenHeaders,
        consumes: ['multipart/form-data'],
        response: { 201: s.AttachmentResponse, ...write },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const meta = metaOf(request);
      const token = request.headers['x-tracking-token'];
      await requests.checkUploadAllowed(ctx, meta, request.params.number, token);
      const upload = await readUpload(request);
      const row = await requests.addAttachment(ctx, meta, request.params.number, token, upload);
      return reply.code(201).send(presentAttachment(row));
    },
  );
  app.get(
    `${BASE}/requests/:number/attachments/:attachmentId`,
    {
      schema: {
        tags,
        summary: 'An attachment of the request, as stored',
        params: s.NumberAttachmentParams,
        headers: s.TokenHeaders,
        response: { 200: Binary, ...read },
      },
    },
    async (request, reply) => {
      const a = await requests.attachmentFile(
        contextOf(request),
        metaOf(request),
        request.params.number,
        request.headers['x-tracking-token'],
        request.params.attachmentId,
      );
      return sendFile(reply, documents.files, a.fileKey, a.contentType, a.filename);
    },
  );
  app.delete(
    `${BASE}/requests/:number/attachments/:attachmentId`,
    {
      schema: {
        tags,
        summary: 'Remove an attachment from a draft',
        params: s.NumberAttachmentParams,
        headers: s.TokenHeaders,
        response: { 204: { type: 'null' }, ...write },
      },
    },
    async (request, reply) => {
      await requests.deleteAttachment(
        contextOf(request),
        metaOf(request),
        request.params.number,
        request.headers['x-tracking-token'],
        request.params.attachmentId,
      );
      return reply.code(204).send(null);
    },
  );
  app.post(
    `${BASE}/requests/:number/submit`,
    {
      schema: {
        tags,
        summary:
          'Deposit the draft (art 10): `submitted` when the file is complete (the deadline runs), else `incomplete` with every missing document listed once and the delay to complete it',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) =>
      present(await requests.submit(contextOf(request), metaOf(request), request.params.number, request.headers['x-tracking-token'])),
  );
  app.post(
    `${BASE}/requests/:number/complete`,
    {
      schema: {
        tags,
        summary:
          'Complete the file (incomplete → submitted) or answer a completion request (needs_completion → under_review; the clock resumes)',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        body: s.CompleteBody,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) =>
      present(
        await requests.complete(
          contextOf(request),
          metaOf(request),
          request.params.number,
          request.headers['x-tracking-token'],
          request.body,
        ),
      ),
  );
  app.post(
    `${BASE}/requests/:number/appeal`,
    {
      schema: {
        tags,
        summary: 'Appeal (art 21) against a refusal, a silence meaning refusal, or a silence-as-approval whose decision was not delivered',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        body: s.AppealBody,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) =>
      present(
        await requests.appeal(
          contextOf(request),
          metaOf(request),
          request.params.number,
          request.headers['x-tracking-token'],
          request.body.reason,
        ),
      ),
  );
  app.post(
    `${BASE}/requests/:number/silence-certificate`,
    {
      schema: {
        tags,
        summary: "Record the request for the governor's certificate of silence (arts 19–20), once the decision was not delivered in time",
        params: s.NumberParams,
        headers: s.TokenHeaders,
        response: { 200: s.RequestResponse, ...write },
      },
    },
    async (request) =>
      present(
        await requests.silenceCertificate(contextOf(request), metaOf(request), request.params.number, request.headers['x-tracking-token']),
      ),
  );
  app.get(
    `${BASE}/requests/:number/receipt.pdf`,
    {
      schema: {
        tags,
        summary: 'The receipt (récépissé, art 10) of the deposited request, in Arabic or French',
        params: s.NumberParams,
        headers: s.TokenHeaders,
        querystring: s.ReceiptQuery,
        response: { 200: Binary, ...problemResponses(400, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const d = await requests.get(ctx, metaOf(request), request.params.number, request.headers['x-tracking-token']);
      const lang = request.query.lang ?? (request.locale === 'fr' ? 'fr' : 'ar');
      return sendBytes(reply, await documents.receipt(ctx, d, lang), 'application/pdf', `${d.request.number}-${lang}.pdf`);
    },
  );
  app.get(
    `${BASE}/requests/:number/documents/:code.pdf`,
    {
      schema: {
        tags,
        summary: 'An issued document (signed PDF)',
        params: s.NumberDocumentParams,
        headers: s.TokenHeaders,
        response: { 200: Binary, ...read },
      },
    },
    async (request, reply) => {
      const d = await requests.get(contextOf(request), metaOf(request), request.params.number, request.headers['x-tracking-token']);
      const doc = documents.documentOf(d, request.params.code);
      return sendFile(reply, documents.files, doc.fileKey, 'application/pdf', `${doc.code}.pdf`);
    },
  );

  app.get(
    `${BASE}/verify/:code`,
    {
      schema: {
        tags: ['eservices: verification'],
        summary:
          'Is this document authentic? Who issued it and when, its SHA-256, revoked or not; the holder only if they chose to show it',
        params: s.VerifyParams,
        response: { 200: s.VerificationResponse, ...read },
      },
    },
    async (request) => documents.verify(contextOf(request), request.ip, request.params.code),
  );
  app.get(
    `${BASE}/signing-keys`,
    {
      schema: {
        tags: ['eservices: verification'],
        summary: "The commune's Ed25519 public keys, to check a document offline (retired keys stay listed)",
        response: { 200: s.SigningKeysResponse },
      },
    },
    async (request) => ({
      items: (await documents.signingKeys(contextOf(request))).map((k) => ({
        fingerprint: k.fingerprint,
        publicKeyPem: k.publicKeyPem,
        createdAt: k.createdAt.toISOString(),
        retiredAt: k.retiredAt ? k.retiredAt.toISOString() : null,
      })),
    }),
  );
}
