import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';

export interface AuditFilter {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export async function listAuditEvents(trx: Tx, f: AuditFilter) {
  const query = trx.selectFrom('platform.auditEvent').where((eb) => {
    const c = [];
    // `action` matches a dotted prefix: `platform.user` finds every user change.
    if (f.action) c.push(eb.or([eb('action', '=', f.action), eb('action', 'like', `${f.action.replace(/[\\%_]/g, (x) => `\\${x}`)}.%`)]));
    if (f.entityType) c.push(eb('entityType', '=', f.entityType));
    if (f.entityId) c.push(eb('entityId', '=', f.entityId));
    if (f.actorId) c.push(eb('actorId', '=', f.actorId));
    if (f.from) c.push(eb('at', '>=', f.from));
    if (f.to) c.push(eb('at', '<', f.to));
    return eb.and(c);
  });
  const rows = await query
    .select(['id', 'at', 'actorType', 'actorId', 'actorLabel', 'action', 'entityType', 'entityId', 'before', 'after', 'requestId', 'ip'])
    .orderBy('id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const { n } = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: n };
}
