import { contextOf } from '../../platform/http/context.js';
import { IdParams, page, problemResponses } from '../../platform/http/schemas.js';
import type { App } from '../../platform/platform.js';
import { presentProcedure, presentProcedureSummary } from './catalog.presenters.js';
import * as s from './catalog.schemas.js';
import type { CatalogService } from './catalog.service.js';

const BASE = '/api/v1/eservices';
const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409, 422);

export function catalogRoutes(app: App, catalog: CatalogService) {
  let tags = ['eservices: citizens'];
  app.get(
    `${BASE}/procedures`,
    {
      schema: {
        tags,
        summary: 'The published procedures (fiches); q searches names and summaries, Arabic letter variants and diacritics ignored',
        querystring: s.ProcedureListQuery,
        response: { 200: s.ProcedureListResponse, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, total } = await catalog.listPublic(contextOf(request), { ...request.query, limit, offset });
      return { items: rows.map(presentProcedureSummary), total };
    },
  );
  app.get(
    `${BASE}/procedures/:code`,
    {
      schema: {
        tags,
        summary: 'A published procedure: documents, fees, deadline, effect of silence, appeals, the request form',
        params: s.CodeParams,
        response: { 200: s.ProcedureResponse, ...read },
      },
    },
    async (request) => presentProcedure(await catalog.getPublic(contextOf(request), request.params.code)),
  );

  tags = ['eservices: catalog'];
  app.get(
    `${BASE}/catalog`,
    { schema: { tags, summary: 'Every procedure, whatever its status', response: { 200: s.CatalogListResponse, ...read } } },
    async (request) => ({ items: (await catalog.listAll(contextOf(request))).map(presentProcedureSummary) }),
  );
  app.post(
    `${BASE}/catalog`,
    {
      schema: {
        tags,
        summary:
          'Add a procedure; what Law 55.19 art 7 forbids (legalized signatures, certified copies, several copies, documents about others) and a deadline beyond art 10 are refused (422)',
        body: s.ProcedureBody,
        response: { 201: s.ProcedureResponse, ...write },
      },
    },
    async (request, reply) => reply.code(201).send(presentProcedure(await catalog.create(contextOf(request), request.body))),
  );
  app.get(
    `${BASE}/catalog/:id`,
    { schema: { tags, summary: 'A procedure, whatever its status', params: IdParams, response: { 200: s.ProcedureResponse, ...read } } },
    async (request) => presentProcedure(await catalog.get(contextOf(request), request.params.id)),
  );
  app.put(
    `${BASE}/catalog/:id`,
    {
      schema: {
        tags,
        summary: 'Replace a procedure; its status publishes or archives it',
        params: IdParams,
        body: s.ProcedureBody,
        response: { 200: s.ProcedureResponse, ...write },
      },
    },
    async (request) => presentProcedure(await catalog.update(contextOf(request), request.params.id, request.body)),
  );
}
