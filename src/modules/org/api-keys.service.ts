import type { Actor } from '../../platform/audit/audit.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { isPermission } from '../../platform/auth/permissions.js';
import { authorize } from '../../platform/auth/principal.js';
import { newApiKey } from '../../platform/auth/tokens.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import * as repo from './api-keys.repository.js';

/**
 * Creates an API key for a commune and returns it in clear (shown once; only its hash is kept).
 * Used by the office (through the service below) and by `madina apikey add`.
 */
export async function createApiKey(db: Database, communeId: string, actor: Actor, name: string, permissions: string[]) {
  const unknown = permissions.find((p) => !isPermission(p));
  if (unknown) {
    throw new AppError('validation_failed', 400, 'problem.unknown_permission.detail', { permission: unknown }, [
      { pointer: '/body/permissions', key: 'problem.field.invalid' },
    ]);
  }
  const { key, prefix, secretHash } = newApiKey();
  const row = await withCommune(db, communeId, async (trx) => {
    const created = await repo.insertApiKey(trx, {
      communeId,
      name,
      prefix,
      secretHash,
      permissions: [...new Set(permissions)].sort(),
      createdBy: actor.type === 'user' ? actor.id : null,
    });
    await recordAudit(trx, communeId, actor, {
      action: 'platform.api_key.create',
      entityType: 'api_key',
      entityId: created.id,
      after: created,
    });
    return created;
  });
  return { ...row, key };
}

export class ApiKeysService {
  constructor(private readonly db: Database) {}

  list(ctx: CallContext) {
    authorize(ctx.principal, 'platform.apikeys.manage');
    return withCommune(this.db, ctx.communeId, (trx) => repo.listApiKeys(trx));
  }

  create(ctx: CallContext, name: string, permissions: string[]) {
    authorize(ctx.principal, 'platform.apikeys.manage');
    return createApiKey(this.db, ctx.communeId, ctx.actor, name, permissions);
  }

  revoke(ctx: CallContext, id: string) {
    authorize(ctx.principal, 'platform.apikeys.manage');
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const after = await repo.revokeApiKey(trx, id);
      if (!after) throw notFound();
      await recordAudit(trx, ctx.communeId, ctx.actor, { action: 'platform.api_key.revoke', entityType: 'api_key', entityId: id, after });
    });
  }
}
