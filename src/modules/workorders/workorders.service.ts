import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, holds, type Principal, reaches } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import type { ChecklistItem, Point, Priority, WorkOrderRow, WorkOrderStatus } from './workorders.repository.js';
import * as repo from './workorders.repository.js';

const READ = 'workorders.orders.read';
const MANAGE = 'workorders.orders.manage';
const COMPLETE = 'workorders.orders.complete';

export interface Source {
  type: string;
  id: string;
}

export interface WorkOrderInput {
  title: string;
  description?: string | null;
  location?: Point | null;
  departmentId?: string | null;
  team?: string | null;
  assigneeId?: string | null;
  contractorId?: string | null;
  priority?: Priority;
  dueAt?: Date | null;
  checklist?: ChecklistItem[];
  isDemo?: boolean;
}

export type WorkOrderEvent = { type: 'started' | 'completed' | 'cancelled'; workOrder: WorkOrderRow; sources: Source[] };
export type WorkOrderListener = (trx: Tx, ctx: CallContext, event: WorkOrderEvent) => Promise<void>;

// Other modules react to work orders through these listeners, inside the transaction of the change.
const listeners = new Map<string, WorkOrderListener>();

/**
 * A module's reaction to work orders, under its name (a later registration under the same name
 * replaces it): e.g. reports marks its reports fixed when their work order is done.
 */
export function onWorkOrderEvent(name: string, listener: WorkOrderListener) {
  listeners.set(name, listener);
}

async function emit(trx: Tx, ctx: CallContext, type: WorkOrderEvent['type'], workOrder: WorkOrderRow) {
  const sources = (await repo.listSources(trx, workOrder.id)).map((s) => ({ type: s.sourceType, id: s.sourceId }));
  for (const listener of listeners.values()) await listener(trx, ctx, { type, workOrder, sources });
}

/** Refuses an assignee or contractor that is not an active account of the commune with the right role. */
async function checkPeople(trx: Tx, input: { assigneeId?: string | null; contractorId?: string | null; departmentId?: string | null }) {
  if (input.assigneeId) {
    const staff = await repo.findStaff(trx, input.assigneeId);
    if (!staff || staff.role === 'contractor' || staff.role === 'viewer')
      throw invalid('/body/assigneeId', 'problem.workorder.assignee.detail');
  }
  if (input.contractorId) {
    const staff = await repo.findStaff(trx, input.contractorId);
    if (staff?.role !== 'contractor') throw invalid('/body/contractorId', 'problem.workorder.contractor.detail');
  }
  if (input.departmentId && !(await repo.findDepartmentPath(trx, input.departmentId))) {
    throw invalid('/body/departmentId', 'problem.field.unknown_reference');
  }
}

/**
 * Creates a work order for `sources` inside the caller's transaction (the caller has checked its
 * own permission for the action that leads here) and records it in the audit log.
 */
export async function createWorkOrder(trx: Tx, ctx: CallContext, input: WorkOrderInput, sources: Source[] = []) {
  await checkPeople(trx, input);
  const row = await repo.insertWorkOrder(trx, ctx.communeId, {
    title: input.title,
    description: input.description ?? null,
    location: input.location ?? null,
    departmentId: input.departmentId ?? null,
    team: input.team ?? null,
    assigneeId: input.assigneeId ?? null,
    contractorId: input.contractorId ?? null,
    priority: input.priority ?? 'normal',
    dueAt: input.dueAt ?? null,
    checklist: input.checklist ?? [],
    isDemo: input.isDemo,
  });
  for (const s of sources) await repo.linkSource(trx, ctx.communeId, row.id, s.type, s.id);
  await recordAudit(trx, ctx.communeId, ctx.actor, {
    action: 'workorders.work_order.create',
    entityType: 'work_order',
    entityId: row.id,
    after: { ...row, sources },
  });
  return row;
}

export { findWorkOrderBySource } from './workorders.repository.js';

/**
 * Links one more source to an existing work order inside the caller's transaction (e.g. a
 * citizen's report of a fault the telemetry already reported), and records it in the audit log.
 */
export async function linkWorkOrderSource(trx: Tx, ctx: CallContext, workOrder: WorkOrderRow, source: Source) {
  await repo.linkSource(trx, ctx.communeId, workOrder.id, source.type, source.id);
  await recordAudit(trx, ctx.communeId, ctx.actor, {
    action: 'workorders.work_order.link_source',
    entityType: 'work_order',
    entityId: workOrder.id,
    after: { source },
  });
}

export interface WorkOrderChanges {
  title?: string;
  description?: string | null;
  location?: Point | null;
  departmentId?: string | null;
  team?: string | null;
  assigneeId?: string | null;
  contractorId?: string | null;
  priority?: Priority;
  dueAt?: Date | null;
  checklist?: ChecklistItem[];
  status?: Exclude<WorkOrderStatus, 'done'>;
}

const TRANSITIONS: Record<WorkOrderStatus, readonly WorkOrderStatus[]> = {
  open: ['in_progress', 'cancelled'],
  in_progress: ['open', 'cancelled'],
  done: ['open'],
  cancelled: ['open'],
};

/** Changes a work order inside the caller's transaction; a status change is checked and announced to listeners. */
export async function changeWorkOrder(trx: Tx, ctx: CallContext, before: WorkOrderRow, changes: WorkOrderChanges) {
  await checkPeople(trx, changes);
  if (changes.status && changes.status !== before.status && !TRANSITIONS[before.status].includes(changes.status)) {
    throw new AppError('invalid_transition', 409, 'problem.transition.detail', { from: before.status, to: changes.status });
  }
  const reopened = changes.status === 'open' && before.status === 'done';
  const after = await repo.updateWorkOrder(trx, before.id, {
    ...changes,
    ...(reopened ? { completedAt: null, completedBy: null } : {}),
  });
  const action =
    changes.status && changes.status !== before.status ? `workorders.work_order.${changes.status}` : 'workorders.work_order.update';
  await recordAudit(trx, ctx.communeId, ctx.actor, { action, entityType: 'work_order', entityId: before.id, before, after });
  if (changes.status === 'in_progress' && before.status !== 'in_progress') await emit(trx, ctx, 'started', after);
  if (changes.status === 'cancelled' && before.status !== 'cancelled') await emit(trx, ctx, 'cancelled', after);
  return after;
}

function mayRead(principal: Principal, wo: WorkOrderRow) {
  if (principal.kind === 'user') {
    if (principal.role === 'contractor') return wo.contractorId === principal.id;
    if (wo.assigneeId === principal.id) return true;
  }
  return reaches(principal, [wo.departmentPath]);
}

/**
 * The work orders staff plan and close. Staff see those of their departments' subtree (and those
 * assigned to them); a contractor sees only the work orders assigned to it.
 */
export class WorkOrdersService {
  constructor(private readonly db: Database) {}

  list(ctx: CallContext, filter: { status?: WorkOrderStatus; mine?: boolean; limit: number; offset: number }) {
    const principal = ctx.principal;
    authorize(principal, READ);
    const user = principal.kind === 'user' ? principal : null;
    return withCommune(this.db, ctx.communeId, (trx) =>
      repo.listWorkOrders(trx, {
        status: filter.status,
        limit: filter.limit,
        offset: filter.offset,
        ...(user?.role === 'contractor'
          ? { contractorId: user.id }
          : filter.mine && user
            ? { assigneeId: user.id }
            : { departmentPath: user?.departmentPath ?? null }),
      }),
    );
  }

  /** Who may be given work: staff and contractors in the caller's departments' subtree. */
  assignees(ctx: CallContext) {
    const principal = ctx.principal;
    authorize(principal, MANAGE);
    return withCommune(this.db, ctx.communeId, (trx) =>
      repo.listAssignees(trx, principal.kind === 'user' ? principal.departmentPath : null),
    );
  }

  /** One work order with its sources and photos, if the caller may see it. */
  get(ctx: CallContext, id: string) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const wo = await repo.findWorkOrder(trx, id);
      if (!wo || !mayRead(principal, wo)) throw notFound();
      return { ...wo, sources: await repo.listSources(trx, id), photos: await repo.listPhotos(trx, id) };
    });
  }

  create(ctx: CallContext, input: WorkOrderInput) {
    const principal = ctx.principal;
    authorize(principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const path = input.departmentId ? await repo.findDepartmentPath(trx, input.departmentId) : null;
      if (input.departmentId && !path) throw invalid('/body/departmentId', 'problem.field.unknown_reference');
      authorize(principal, MANAGE, [path ?? null]);
      return createWorkOrder(trx, ctx, input);
    });
  }

  /**
   * Changes a work order. Planners (`workorders.orders.manage`) change anything; those who do the
   * field work may only start it and tick its checklist.
   */
  update(ctx: CallContext, id: string, changes: WorkOrderChanges) {
    const principal = ctx.principal;
    if (!principal) authorize(principal, MANAGE);
    const fieldOnly = !holds(principal, MANAGE);
    if (fieldOnly) {
      authorize(principal, COMPLETE);
      const allowed = Object.entries(changes).every(
        ([k, v]) => v === undefined || k === 'checklist' || (k === 'status' && v === 'in_progress'),
      );
      if (!allowed) throw new AppError('forbidden', 403, 'problem.forbidden.detail');
    }
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findWorkOrder(trx, id);
      if (!before || !mayRead(principal, before)) throw notFound();
      if (fieldOnly) {
        this.checkField(principal, before);
        if (changes.checklist && changes.checklist.length !== before.checklist.length) throw invalid('/body/checklist');
        return changeWorkOrder(trx, ctx, before, changes);
      }
      const target = changes.departmentId ? await repo.findDepartmentPath(trx, changes.departmentId) : before.departmentPath;
      authorize(principal, MANAGE, [before.departmentPath, target ?? null]);
      return changeWorkOrder(trx, ctx, before, changes);
    });
  }

  /** May the caller do the field work of this work order (complete it, add photos)? */
  private checkField(principal: Principal, wo: WorkOrderRow) {
    if (!mayRead(principal, wo)) throw notFound();
    if (!holds(principal, COMPLETE)) throw new AppError('forbidden', 403, 'problem.forbidden.detail');
  }

  /**
   * Field completion: a note, where it was closed, the checklist as done on site. Listeners mark
   * the linked reports fixed and tell their citizens, in the same transaction.
   */
  complete(ctx: CallContext, id: string, input: { note: string; location: Point | null; checklist?: ChecklistItem[] }) {
    const principal = ctx.principal;
    authorize(principal, COMPLETE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findWorkOrder(trx, id);
      if (!before) throw notFound();
      this.checkField(principal, before);
      if (before.status === 'done' || before.status === 'cancelled') {
        throw new AppError('invalid_transition', 409, 'problem.transition.detail', { from: before.status, to: 'done' });
      }
      if (input.checklist && input.checklist.length !== before.checklist.length) throw invalid('/body/checklist');
      const after = await repo.updateWorkOrder(trx, id, {
        status: 'done',
        completionNote: input.note,
        completionLocation: input.location,
        completedAt: new Date(),
        completedBy: principal.kind === 'user' ? principal.id : null,
        ...(input.checklist ? { checklist: input.checklist } : {}),
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'workorders.work_order.complete',
        entityType: 'work_order',
        entityId: id,
        before,
        after,
      });
      await emit(trx, ctx, 'completed', after);
      return after;
    });
  }

  /** Records a site photo already processed and stored by the caller (at most `max` per work order). */
  addPhoto(
    ctx: CallContext,
    id: string,
    photo: { fileKey: string; thumbKey: string; width: number; height: number; bytes: number },
    max: number,
  ) {
    const principal = ctx.principal;
    authorize(principal, COMPLETE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const wo = await repo.findWorkOrder(trx, id);
      if (!wo) throw notFound();
      this.checkField(principal, wo);
      if ((await repo.countPhotos(trx, id)) >= max) throw new AppError('too_many_photos', 422, 'problem.photos.too_many.detail', { max });
      const row = await repo.insertPhoto(trx, {
        communeId: ctx.communeId,
        workOrderId: id,
        ...photo,
        createdBy: principal.kind === 'user' ? principal.id : null,
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'workorders.photo.add',
        entityType: 'work_order',
        entityId: id,
        after: { photoId: row.id, ...photo },
      });
      return row;
    });
  }

  /** The stored file of a photo the caller may see. */
  photo(ctx: CallContext, id: string, photoId: string) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const wo = await repo.findWorkOrder(trx, id);
      if (!wo || !mayRead(principal, wo)) throw notFound();
      const photo = await repo.findPhoto(trx, id, photoId);
      if (!photo) throw notFound();
      return photo;
    });
  }
}
