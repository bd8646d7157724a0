/**
 * Reading the audit log (`GET /api/v1/audit/events`). Writing it is the platform's
 * (`recordAudit`), inside the transaction of each change.
 */
import { Type } from 'typebox';
import { authorize } from '../../platform/auth/principal.js';
import { withCommune } from '../../platform/db/tenant.js';
import { invalid } from '../../platform/http/errors.js';
import { PageMeta, PageQuery, page, problemResponses, Strict, Uuid } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';
import { listAuditEvents } from './audit.repository.js';

export const AuditListQuery = Strict({
  ...PageQuery,
  action: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)*$', maxLength: 100 })),
  entityType: Type.Optional(Type.String({ pattern: '^[a-z_]+$', maxLength: 50 })),
  entityId: Type.Optional(Type.String({ maxLength: 100 })),
  actorId: Type.Optional(Uuid),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});

export const AuditEventResponse = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Type.Union([Uuid, Type.Null()]),
  actorLabel: Type.String(),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
});

export async function auditRoutes(app: App, { db }: Platform) {
  app.get(
    '/api/v1/audit/events',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first; filter by action prefix, entity, actor and time',
        querystring: AuditListQuery,
        response: { 200: Type.Object({ items: Type.Array(AuditEventResponse), page: PageMeta }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      authorize(request.principal, 'platform.audit.read');
      const q = request.query;
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if (from && to && from > to) throw invalid('/query/from');
      const { limit, offset } = page(q);
      const { rows, total } = await withCommune(db, request.commune.id, (trx) => listAuditEvents(trx, { ...q, from, to, limit, offset }));
      return {
        items: rows.map((r) => ({ ...r, at: r.at.toISOString(), before: r.before ?? null, after: r.after ?? null })),
        page: { total, limit, offset },
      };
    },
  );
}
