import type { Tx } from '../db/tenant.js';

/** Who made a change: a staff member, a machine client, the system itself, or an operator at the CLI. */
export interface Actor {
  type: 'user' | 'api_key' | 'system' | 'cli';
  id: string | null;
  label: string;
  requestId?: string;
  ip?: string;
}

export interface AuditEntry {
  /** dotted, e.g. `platform.user.create` */
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

const SECRET_KEYS = new Set(['passwordHash', 'secretHash', 'tokenHash', 'csrfToken', 'password']);

/** Copies a row for the audit log without its secrets. */
function redact(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !SECRET_KEYS.has(key))
      .map(([key, v]) => [key, redact(v)]),
  );
}

/**
 * Records a state change in the append-only audit log, inside the transaction that makes it, so
 * the change and its record commit or fail together.
 */
export async function recordAudit(trx: Tx, communeId: string, actor: Actor, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('platform.auditEvent')
    .values({
      communeId,
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
      after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
    })
    .execute();
}
