import { Type } from 'typebox';
import { contextOf } from '../../platform/http/context.js';
import { page, problemResponses } from '../../platform/http/schemas.js';
import type { App } from '../../platform/platform.js';
import type { GroupRow } from './groups.repository.js';
import * as s from './groups.schemas.js';
import type { GroupsService } from './groups.service.js';
import { IdParams } from './schedules.schemas.js';

const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409);
const tags = ['lighting'];
const base = '/api/v1/lighting/groups';

const presentGroup = (g: GroupRow) => ({
  id: g.id,
  code: g.code,
  name: g.name,
  description: g.description,
  memberCount: g.memberCount,
  scheduleId: g.scheduleId,
  isDemo: g.isDemo,
  updatedAt: new Date(g.updatedAt).toISOString(),
});

/** Lamp groups and their members under `/api/v1/lighting/groups`. */
export function groupsRoutes(app: App, service: GroupsService) {
  app.get(base, { schema: { tags, summary: 'Lamp groups', response: { 200: s.GroupListResponse, ...read } } }, async (request) => ({
    items: (await service.list(contextOf(request))).map(presentGroup),
  }));
  app.post(
    base,
    { schema: { tags, summary: 'Create a lamp group', body: s.GroupBody, response: { 201: s.GroupResponse, ...write } } },
    async (request, reply) => reply.code(201).send(presentGroup(await service.create(contextOf(request), request.body))),
  );
  app.put(
    `${base}/:id`,
    { schema: { tags, summary: 'Rename a lamp group', params: IdParams, body: s.GroupBody, response: { 200: s.GroupResponse, ...write } } },
    async (request) => presentGroup(await service.update(contextOf(request), request.params.id, request.body)),
  );
  app.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a lamp group (its luminaires stay, in no group)',
        params: IdParams,
        response: { 204: Type.Null(), ...write },
      },
    },
    async (request, reply) => {
      await service.delete(contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    `${base}/:id/members`,
    {
      schema: {
        tags,
        summary: 'The luminaires of a group',
        params: IdParams,
        querystring: s.MembersQuery,
        response: { 200: s.MembersResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, total } = await service.members(contextOf(request), request.params.id, limit, offset);
      return { items: rows, page: { total, limit, offset } };
    },
  );
  app.post(
    `${base}/:id/members`,
    {
      schema: {
        tags,
        summary: 'Add luminaires to a group, by id or all of some cabinets (they leave their former group)',
        params: IdParams,
        body: s.MembersAddBody,
        response: { 200: s.MembersChangeResponse, ...write },
      },
    },
    async (request) =>
      service.addMembers(contextOf(request), request.params.id, request.body.luminaireIds ?? [], request.body.cabinetIds ?? []),
  );
  app.post(
    `${base}/:id/members/remove`,
    {
      schema: {
        tags,
        summary: 'Take luminaires out of a group',
        params: IdParams,
        body: s.MembersRemoveBody,
        response: { 200: s.MembersChangeResponse, ...write },
      },
    },
    async (request) => service.removeMembers(contextOf(request), request.params.id, request.body.luminaireIds),
  );
}
