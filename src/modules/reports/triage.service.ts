import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, holds, type Principal, reaches } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { pickText } from '../../platform/i18n/index.js';
import { changeWorkOrder, createWorkOrder, findWorkOrderBySource, type Priority, type WorkOrderEvent } from '../workorders/index.js';
import type { Attribute, CategoryValues } from './categories.repository.js';
import * as categories from './categories.repository.js';
import { type Links, queueUpdate } from './notifications.js';
import * as repo from './reports.repository.js';
import { OPEN_STATUSES, type ReportRow, type Status } from './reports.repository.js';
import { auditView } from './reports.service.js';

const READ = 'reports.reports.read';
const TRIAGE = 'reports.reports.triage';
const MODERATE = 'reports.reports.moderate';
const CONTACTS = 'reports.contacts.read';
const CATEGORIES = 'reports.categories.manage';

/** The moves staff may make from each status; reopening is always possible. */
const TRANSITIONS: Record<Status, readonly Status[]> = {
  open: ['acknowledged', 'in_progress', 'fixed', 'not_fixed', 'not_responsible', 'duplicate', 'rejected'],
  acknowledged: ['open', 'in_progress', 'fixed', 'not_fixed', 'not_responsible', 'duplicate', 'rejected'],
  in_progress: ['acknowledged', 'fixed', 'not_fixed', 'not_responsible', 'duplicate', 'rejected'],
  fixed: ['closed', 'open'],
  closed: ['open'],
  not_fixed: ['open'],
  not_responsible: ['open'],
  duplicate: ['open'],
  rejected: ['open'],
};

export interface Transition {
  status: Status;
  /** Shown to the citizen and sent to them; required to close without a fix or to reject. */
  note?: string | null;
  /** For `not_responsible`: the body whose job it is. */
  responsibleBody?: string | null;
  /** For `duplicate`: the tracking number of the report it duplicates. */
  duplicateOf?: string | null;
}

export interface Assignment {
  team?: string | null;
  assigneeId?: string | null;
  contractorId?: string | null;
  priority?: Priority;
  dueAt?: Date | null;
}

const reportQuestion = (pointer: string, key = 'problem.field.required') => invalid(pointer, key);

/** The office's side of reports: queues, triage, assignment to work orders, public updates, moderation, categories. */
export class TriageService {
  constructor(
    private readonly db: Database,
    private readonly links: Links,
  ) {}

  /** A report in the caller's departments' subtree (else "not found"), if they hold `permission`. */
  private async reachable(trx: Tx, principal: Principal, id: string, permission: string) {
    const report = await repo.findReport(trx, id);
    if (!report || !reaches(principal, [report.departmentPath])) throw notFound();
    authorize(principal, permission, [report.departmentPath]);
    return report;
  }

  queue(ctx: CallContext, filter: Omit<repo.ReportFilter, 'departmentPath' | 'publicOnly'>) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, (trx) =>
      repo.listReports(trx, { ...filter, departmentPath: principal.kind === 'user' ? principal.departmentPath : null }),
    );
  }

  /** Everything about a report for staff; the citizen's contact only for those who may read it. */
  get(ctx: CallContext, id: string) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => this.details(trx, principal, await this.reachable(trx, principal, id, READ)));
  }

  private async details(trx: Tx, principal: Principal, report: ReportRow) {
    return {
      report,
      showContact: holds(principal, CONTACTS),
      updates: await repo.listUpdates(trx, [report.id], { publicOnly: false }),
      photos: await repo.listPhotos(trx, [report.id], { approvedOnly: false }),
      workOrder: (await findWorkOrderBySource(trx, 'report', report.id)) ?? null,
    };
  }

  /** A photo of a report the caller may see, approved or not. */
  photo(ctx: CallContext, id: string, photoId: string) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      await this.reachable(trx, principal, id, READ);
      const photo = await repo.findPhoto(trx, id, photoId);
      if (!photo) throw notFound();
      return photo;
    });
  }

  transition(ctx: CallContext, id: string, t: Transition) {
    const principal = ctx.principal;
    authorize(principal, TRIAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.reachable(trx, principal, id, TRIAGE);
      await this.move(trx, ctx, before, t);
      return this.details(trx, principal, (await repo.findReport(trx, id))!);
    });
  }

  /** Checks and applies a status change, records it publicly, audits it and tells the citizen. */
  private async move(trx: Tx, ctx: CallContext, before: ReportRow, t: Transition, author?: string) {
    if (!TRANSITIONS[before.status].includes(t.status)) {
      throw new AppError('invalid_transition', 409, 'problem.transition.detail', { from: before.status, to: t.status });
    }
    let duplicateOf: string | null = null;
    if ((t.status === 'not_fixed' || t.status === 'rejected') && !t.note) throw reportQuestion('/body/note');
    if (t.status === 'not_responsible' && !t.responsibleBody) throw reportQuestion('/body/responsibleBody');
    if (t.status === 'duplicate') {
      if (!t.duplicateOf) throw reportQuestion('/body/duplicateOf');
      const original = await repo.findReportByNumber(trx, t.duplicateOf);
      if (!original || original.id === before.id || original.duplicateOf === before.id)
        throw reportQuestion('/body/duplicateOf', 'problem.field.unknown_reference');
      duplicateOf = original.id;
      // Whoever followed the duplicate follows the original now.
      if (before.contactEmail) await repo.addFollower(trx, ctx.communeId, original.id, before.contactEmail, before.contactLocale);
      for (const f of await repo.listFollowers(trx, before.id)) await repo.addFollower(trx, ctx.communeId, original.id, f.email, f.locale);
    }
    const resolved = !OPEN_STATUSES.includes(t.status);
    const after = await repo.updateReport(trx, before.id, {
      status: t.status,
      resolutionNote: t.status === 'open' ? null : (t.note ?? before.resolutionNote),
      responsibleBody: t.status === 'not_responsible' ? (t.responsibleBody ?? null) : null,
      duplicateOf,
      resolvedAt: resolved ? (before.resolvedAt ?? new Date()) : null,
      ...(t.status === 'open' ? { reopened: true } : {}),
    });
    await repo.insertUpdate(trx, ctx.communeId, {
      reportId: before.id,
      kind: 'status',
      status: t.status,
      text: t.note ?? null,
      isPublic: true,
      authorId: ctx.actor.type === 'user' ? ctx.actor.id : null,
      authorLabel: author ?? ctx.actor.label,
    });
    await recordAudit(trx, ctx.communeId, ctx.actor, {
      action: `reports.report.${t.status}`,
      entityType: 'report',
      entityId: before.id,
      before: auditView(before),
      after: auditView(after),
    });
    await queueUpdate(trx, ctx.communeId, after, t.note ?? null, this.links);
    return after;
  }

  /** A public update (shown on the report and sent to its citizens) or an internal note. */
  addUpdate(ctx: CallContext, id: string, u: { text: string; public: boolean }) {
    const principal = ctx.principal;
    authorize(principal, TRIAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const report = await this.reachable(trx, principal, id, TRIAGE);
      const { id: updateId } = await repo.insertUpdate(trx, ctx.communeId, {
        reportId: id,
        kind: u.public ? 'public_note' : 'internal_note',
        text: u.text,
        isPublic: u.public,
        authorId: ctx.actor.type === 'user' ? ctx.actor.id : null,
        authorLabel: ctx.actor.label,
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: u.public ? 'reports.report.public_update' : 'reports.report.internal_note',
        entityType: 'report',
        entityId: id,
        after: { updateId, text: u.text },
      });
      if (u.public) await queueUpdate(trx, ctx.communeId, report, u.text, this.links);
      return this.details(trx, principal, report);
    });
  }

  /**
   * Assigns the report to a team, a staff member or a contractor through its work order (created
   * on the first assignment); a new report becomes "acknowledged".
   */
  assign(ctx: CallContext, id: string, a: Assignment) {
    const principal = ctx.principal;
    authorize(principal, TRIAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      let report = await this.reachable(trx, principal, id, TRIAGE);
      const existing = await findWorkOrderBySource(trx, 'report', id);
      if (existing) {
        await changeWorkOrder(trx, ctx, existing, a);
      } else {
        const name = pickText(report.categoryName as Multilingual, 'fr', ['ar', 'en', 'zgh'])?.text ?? report.categoryCode;
        await createWorkOrder(
          trx,
          ctx,
          {
            title: `${name} — #${report.number}`.slice(0, 200),
            description: report.description,
            location: report.lat !== null && report.lon !== null ? { lat: report.lat, lon: report.lon } : null,
            departmentId: report.departmentId,
            team: a.team ?? null,
            assigneeId: a.assigneeId ?? null,
            contractorId: a.contractorId ?? null,
            priority: a.priority ?? 'normal',
            dueAt: a.dueAt === undefined ? report.dueAt : a.dueAt,
            isDemo: report.isDemo,
          },
          [{ type: 'report', id }],
        );
      }
      await repo.insertUpdate(trx, ctx.communeId, {
        reportId: id,
        kind: 'assignment',
        isPublic: false,
        text: null,
        authorId: ctx.actor.type === 'user' ? ctx.actor.id : null,
        authorLabel: ctx.actor.label,
      });
      if (report.status === 'open') report = await this.move(trx, ctx, report, { status: 'acknowledged' });
      return this.details(trx, principal, report);
    });
  }

  /** Hides the text of a report from the public, approves or hides photos. */
  moderate(ctx: CallContext, id: string, m: { textHidden?: boolean; photos?: { id: string; approved?: boolean; hidden?: boolean }[] }) {
    const principal = ctx.principal;
    authorize(principal, MODERATE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.reachable(trx, principal, id, MODERATE);
      const photoChanges = [];
      for (const [i, p] of (m.photos ?? []).entries()) {
        const changed = await repo.setPhotoFlags(trx, id, p.id, {
          ...(p.approved !== undefined ? { approved: p.approved } : {}),
          ...(p.hidden !== undefined ? { hidden: p.hidden } : {}),
        });
        if (!changed) throw invalid(`/body/photos/${i}/id`, 'problem.field.unknown_reference');
        photoChanges.push(changed);
      }
      const after = m.textHidden === undefined ? before : await repo.updateReport(trx, id, { textHidden: m.textHidden });
      await repo.insertUpdate(trx, ctx.communeId, {
        reportId: id,
        kind: 'moderation',
        isPublic: false,
        authorId: ctx.actor.type === 'user' ? ctx.actor.id : null,
        authorLabel: ctx.actor.label,
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'reports.report.moderate',
        entityType: 'report',
        entityId: id,
        before: { textHidden: before.textHidden },
        after: { textHidden: after.textHidden, photos: photoChanges },
      });
      return this.details(trx, principal, after);
    });
  }

  /**
   * Reacts to the work order of a report: started → in progress; completed → fixed, with the
   * field note as the public update the citizen receives.
   */
  async onWorkOrder(trx: Tx, ctx: CallContext, event: WorkOrderEvent) {
    if (event.type === 'cancelled') return;
    for (const source of event.sources.filter((s) => s.type === 'report')) {
      const report = await repo.findReport(trx, source.id);
      if (!report || !OPEN_STATUSES.includes(report.status)) continue;
      if (event.type === 'started' && report.status !== 'in_progress') await this.move(trx, ctx, report, { status: 'in_progress' });
      if (event.type === 'completed') await this.move(trx, ctx, report, { status: 'fixed', note: event.workOrder.completionNote });
    }
  }

  listCategories(ctx: CallContext) {
    authorize(ctx.principal, CATEGORIES);
    return withCommune(this.db, ctx.communeId, (trx) => categories.listCategories(trx, { enabledOnly: false }));
  }

  createCategory(ctx: CallContext, v: CategoryValues) {
    const principal = ctx.principal;
    authorize(principal, CATEGORIES);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      await this.checkCategory(trx, principal, v);
      const row = await categories.insertCategory(trx, ctx.communeId, v);
      if (!row) throw new AppError('conflict', 409, 'problem.category.code_taken.detail', { code: v.code });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'reports.category.create',
        entityType: 'category',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  }

  updateCategory(ctx: CallContext, id: string, changes: Partial<Omit<CategoryValues, 'code'>>) {
    const principal = ctx.principal;
    authorize(principal, CATEGORIES);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await categories.findCategory(trx, id);
      if (!before) throw notFound();
      authorize(principal, CATEGORIES, [before.departmentPath]);
      await this.checkCategory(trx, principal, changes);
      const after = await categories.updateCategory(trx, id, changes);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'reports.category.update',
        entityType: 'category',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  private async checkCategory(trx: Tx, principal: Principal, v: { departmentId?: string; attributes?: Attribute[] }) {
    if (v.departmentId) {
      const path = await trx.selectFrom('platform.department').select('path').where('id', '=', v.departmentId).executeTakeFirst();
      if (!path) throw invalid('/body/departmentId', 'problem.field.unknown_reference');
      authorize(principal, CATEGORIES, [path.path]);
    }
    const seen = new Set<string>();
    for (const [i, a] of (v.attributes ?? []).entries()) {
      if (seen.has(a.code)) throw invalid(`/body/attributes/${i}/code`, 'problem.field.duplicate');
      seen.add(a.code);
      const isList = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
      if (isList !== Boolean(a.values?.length))
        throw invalid(`/body/attributes/${i}/values`, isList ? 'problem.field.required' : 'problem.field.unknown');
      if (a.values && new Set(a.values.map((x) => x.key)).size !== a.values.length)
        throw invalid(`/body/attributes/${i}/values`, 'problem.field.duplicate');
    }
  }
}
