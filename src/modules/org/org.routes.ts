import { contextOf } from '../../platform/http/context.js';
import { IdParams, page, problemResponses } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';
import { ApiKeysService } from './api-keys.service.js';
import { DepartmentsService } from './departments.service.js';
import { presentApiKey, presentDepartment, presentUser } from './org.presenters.js';
import * as s from './org.schemas.js';
import { UsersService } from './users.service.js';

const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409, 413, 415);

export async function orgRoutes(app: App, { db }: Platform) {
  const departments = new DepartmentsService(db);
  const users = new UsersService(db);
  const apiKeys = new ApiKeysService(db);

  let tags = ['org: departments'];
  app.get(
    '/api/v1/org/departments',
    { schema: { tags, summary: 'The organization chart, parents before children', response: { 200: s.DepartmentListResponse, ...read } } },
    async (request) => ({
      items: (await departments.list(contextOf(request))).map(presentDepartment),
    }),
  );
  app.get(
    '/api/v1/org/departments/:id',
    { schema: { tags, params: IdParams, response: { 200: s.DepartmentResponse, ...read } } },
    async (request) => presentDepartment(await departments.get(contextOf(request), request.params.id)),
  );
  app.post(
    '/api/v1/org/departments',
    { schema: { tags, body: s.DepartmentCreateBody, response: { 201: s.DepartmentResponse, ...write } } },
    async (request, reply) => {
      const row = await departments.create(contextOf(request), { ...request.body, parentId: request.body.parentId ?? null });
      return reply.code(201).send(presentDepartment(row));
    },
  );
  app.patch(
    '/api/v1/org/departments/:id',
    {
      schema: {
        tags,
        summary: 'Rename, recode or move (with its subtree)',
        params: IdParams,
        body: s.DepartmentUpdateBody,
        response: { 200: s.DepartmentResponse, ...write },
      },
    },
    async (request) => presentDepartment(await departments.update(contextOf(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/v1/org/departments/:id',
    { schema: { tags, summary: 'Delete an empty department', params: IdParams, response: { 204: { type: 'null' }, ...write } } },
    async (request, reply) => {
      await departments.remove(contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  tags = ['org: users'];
  app.get(
    '/api/v1/org/users',
    {
      schema: {
        tags,
        summary: "Staff accounts within the caller's reach",
        querystring: s.UserListQuery,
        response: { 200: s.UserListResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, total } = await users.list(contextOf(request), { ...request.query, limit, offset });
      return { items: rows.map(presentUser), page: { total, limit, offset } };
    },
  );
  app.get('/api/v1/org/users/:id', { schema: { tags, params: IdParams, response: { 200: s.UserResponse, ...read } } }, async (request) =>
    presentUser(await users.get(contextOf(request), request.params.id)),
  );
  app.post(
    '/api/v1/org/users',
    { schema: { tags, body: s.UserCreateBody, response: { 201: s.UserResponse, ...write } } },
    async (request, reply) => {
      const b = request.body;
      const row = await users.create(contextOf(request), { ...b, departmentId: b.departmentId ?? null, locale: b.locale ?? null });
      return reply.code(201).send(presentUser(row));
    },
  );
  app.patch(
    '/api/v1/org/users/:id',
    {
      schema: {
        tags,
        summary: 'Change role, department, language, activity, or reset the password',
        params: IdParams,
        body: s.UserUpdateBody,
        response: { 200: s.UserResponse, ...write },
      },
    },
    async (request) => presentUser(await users.update(contextOf(request), request.params.id, request.body)),
  );

  tags = ['org: API keys'];
  app.get('/api/v1/org/api-keys', { schema: { tags, response: { 200: s.ApiKeyListResponse, ...read } } }, async (request) => ({
    items: (await apiKeys.list(contextOf(request))).map(presentApiKey),
  }));
  app.post(
    '/api/v1/org/api-keys',
    {
      schema: {
        tags,
        summary: 'Create a key for a machine client; the key is shown once',
        body: s.ApiKeyCreateBody,
        response: { 201: s.ApiKeyCreatedResponse, ...write },
      },
    },
    async (request, reply) => {
      const created = await apiKeys.create(contextOf(request), request.body.name, request.body.permissions);
      return reply.code(201).send({ ...presentApiKey(created), key: created.key });
    },
  );
  app.delete(
    '/api/v1/org/api-keys/:id',
    { schema: { tags, summary: 'Revoke a key', params: IdParams, response: { 204: { type: 'null' }, ...write } } },
    async (request, reply) => {
      await apiKeys.revoke(contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
