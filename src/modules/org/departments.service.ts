import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { sqlState } from '../../platform/db/errors.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, conflict, notFound } from '../../platform/http/errors.js';
import * as repo from './departments.repository.js';

export interface DepartmentInput {
  code: string;
  name: Multilingual;
  parentId: string | null;
}

/** A unique-key violation becomes a 409 naming the field; anything else is rethrown. */
export function conflictOn<T>(field: string) {
  return (error: unknown): T => {
    if (sqlState(error) === '23505') throw conflict('problem.already_exists.detail', { field });
    throw error;
  };
}

async function parentPath(trx: Tx, parentId: string | null): Promise<string> {
  if (parentId === null) return '/';
  const parent = await repo.findDepartment(trx, parentId);
  if (!parent) throw new AppError('validation_failed', 400, undefined, {}, [{ pointer: '/body/parentId', key: 'problem.field.invalid' }]);
  return parent.path;
}

/** The commune's organization chart: a tree of departments, each with a materialized path. */
export class DepartmentsService {
  constructor(private readonly db: Database) {}

  list(ctx: CallContext) {
    authorize(ctx.principal, 'platform.departments.read');
    return withCommune(this.db, ctx.communeId, (trx) => repo.listDepartments(trx));
  }

  async get(ctx: CallContext, id: string) {
    authorize(ctx.principal, 'platform.departments.read');
    const row = await withCommune(this.db, ctx.communeId, (trx) => repo.findDepartment(trx, id));
    if (!row) throw notFound();
    return row;
  }

  create(ctx: CallContext, input: DepartmentInput) {
    authorize(ctx.principal, 'platform.departments.manage');
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const id = randomUUID();
      const path = `${await parentPath(trx, input.parentId)}${id}/`;
      const row = await repo
        .insertDepartment(trx, { communeId: ctx.communeId, id, code: input.code, name: input.name, parentId: input.parentId, path })
        .catch(conflictOn<never>('code'));
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'platform.department.create',
        entityType: 'department',
        entityId: id,
        after: row,
      });
      return row;
    });
  }

  update(ctx: CallContext, id: string, changes: Partial<DepartmentInput>) {
    authorize(ctx.principal, 'platform.departments.manage');
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findDepartment(trx, id);
      if (!before) throw notFound();
      if (changes.parentId !== undefined && changes.parentId !== before.parentId) {
        const newParentPath = await parentPath(trx, changes.parentId);
        if (newParentPath.startsWith(before.path)) throw conflict('problem.department_cycle.detail');
        await repo.moveDepartment(trx, id, before.path, changes.parentId, `${newParentPath}${id}/`);
      }
      const after = await repo.updateDepartment(trx, id, { code: changes.code, name: changes.name }).catch(conflictOn<never>('code'));
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'platform.department.update',
        entityType: 'department',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  remove(ctx: CallContext, id: string) {
    authorize(ctx.principal, 'platform.departments.manage');
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findDepartment(trx, id);
      if (!before) throw notFound();
      const usage = await repo.departmentUsage(trx, id);
      if (usage.children > 0 || usage.users > 0) throw conflict('problem.department_in_use.detail');
      await repo.deleteDepartment(trx, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'platform.department.delete',
        entityType: 'department',
        entityId: id,
        before,
      });
    });
  }
}
