import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { sqlState } from '../../platform/db/errors.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, conflict, notFound } from '../../platform/http/errors.js';
import { enqueue } from '../../platform/jobs/jobs.js';
import { COMMAND_JOB } from './commands.js';
import * as repo from './groups.repository.js';
import { MANAGE, READ } from './schedules.service.js';

type Text = Record<string, string>;

export interface GroupInput {
  code: string;
  name: Text;
  description?: Text | null;
}

/** Lamp groups (lighting.lamp_group) and their members: what a schedule is assigned to. */
export class GroupsService {
  constructor(private readonly db: Database) {}

  list(ctx: CallContext) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listGroups(trx));
  }

  create(ctx: CallContext, input: GroupInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      let id: string;
      try {
        id = await repo.insertGroup(trx, {
          communeId: ctx.communeId,
          code: input.code,
          name: input.name,
          description: input.description ?? null,
        });
      } catch (error) {
        if (sqlState(error) === '23505') throw conflict('problem.already_exists.detail', { field: 'code' });
        throw error;
      }
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.group.create',
        entityType: 'lamp_group',
        entityId: id,
        after: input,
      });
      return (await repo.findGroup(trx, id))!;
    });
  }

  update(ctx: CallContext, id: string, input: GroupInput) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findGroup(trx, id);
      if (!before) throw notFound();
      try {
        await repo.updateGroup(trx, id, { code: input.code, name: input.name, description: input.description ?? null });
      } catch (error) {
        if (sqlState(error) === '23505') throw conflict('problem.already_exists.detail', { field: 'code' });
        throw error;
      }
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.group.update',
        entityType: 'lamp_group',
        entityId: id,
        before: { code: before.code, name: before.name, description: before.description },
        after: input,
      });
      return (await repo.findGroup(trx, id))!;
    });
  }

  delete(ctx: CallContext, id: string) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findGroup(trx, id);
      if (!before) throw notFound();
      await repo.deleteGroup(trx, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, { action: 'lighting.group.delete', entityType: 'lamp_group', entityId: id, before });
      await enqueue(trx, { kind: COMMAND_JOB, communeId: ctx.communeId });
    });
  }

  members(ctx: CallContext, id: string, limit: number, offset: number) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const group = await repo.findGroup(trx, id);
      if (!group) throw notFound();
      return { rows: await repo.listMembers(trx, id, limit, offset), total: group.memberCount };
    });
  }

  /** Adds luminaires (by id, or all of some cabinets); each leaves the group it was in. */
  addMembers(ctx: CallContext, id: string, luminaireIds: string[], cabinetIds: string[]) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      if (!(await repo.findGroup(trx, id))) throw notFound();
      const known = await repo.countKnown(trx, luminaireIds, cabinetIds);
      if (known.luminaires !== luminaireIds.length) throw unknown('/body/luminaireIds');
      if (known.cabinets !== cabinetIds.length) throw unknown('/body/cabinetIds');
      const changed = await repo.addMembers(trx, id, luminaireIds, cabinetIds);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.group.add_members',
        entityType: 'lamp_group',
        entityId: id,
        after: { luminaireIds, cabinetIds, changed },
      });
      await enqueue(trx, { kind: COMMAND_JOB, communeId: ctx.communeId });
      return { changed, memberCount: (await repo.findGroup(trx, id))!.memberCount };
    });
  }

  removeMembers(ctx: CallContext, id: string, luminaireIds: string[]) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      if (!(await repo.findGroup(trx, id))) throw notFound();
      const changed = await repo.removeMembers(trx, id, luminaireIds);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.group.remove_members',
        entityType: 'lamp_group',
        entityId: id,
        after: { luminaireIds, changed },
      });
      await enqueue(trx, { kind: COMMAND_JOB, communeId: ctx.communeId });
      return { changed, memberCount: (await repo.findGroup(trx, id))!.memberCount };
    });
  }
}

const unknown = (pointer: string) =>
  new AppError('validation_failed', 400, undefined, {}, [{ pointer, key: 'problem.field.unknown_reference' }]);
