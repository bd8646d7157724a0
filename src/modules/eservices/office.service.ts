import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, holds, type Principal, reaches } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { daysLeft } from './calendar.js';
import * as catalog from './catalog.repository.js';
import type { DocumentsService } from './documents.service.js';
import type { Links } from './notifications.js';
import type { RequestDetail } from './requests.presenters.js';
import { definitionOf } from './requests.presenters.js';
import type { RequestRow } from './requests.repository.js';
import * as repo from './requests.repository.js';
import {
  type CallerMeta,
  type RequestInput,
  type RequestPatch,
  type RequestsService,
  recordAttachment,
  type Upload,
} from './requests.service.js';
import { applyChange, deposit, documentKeys, loadDetail, resume } from './transitions.js';
import { invalidTransition, loadClock, type StaffAction, staffActionProblem, staffActions } from './workflow.js';

export const READ = 'eservices.requests.read';
export const PROCESS = 'eservices.requests.process';
export const COUNTER = 'eservices.requests.counter';

export type ActionBody =
  | { action: 'start_review' }
  | { action: 'request_completion'; missingDocuments: string[]; message: string }
  | { action: 'approve'; note?: string }
  | { action: 'reject'; reasons: string }
  | { action: 'extend'; reason: 'technical_study' | 'public_inquiry'; days: number }
  | { action: 'issue'; holderVisible: boolean }
  | { action: 'close' }
  | { action: 'answer_appeal'; outcome: 'upheld' | 'dismissed'; answer: string }
  | { action: 'return' }
  | { action: 'accept_completion' };

export interface QueueFilter {
  statuses?: repo.RequestFilter['statuses'];
  procedureCode?: string;
  assigned?: 'me' | 'none' | 'any';
  overdue?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

/** How a staff member touches a request: reading it, processing it (its department), or filing it at the counter. */
type Reach = 'read' | 'process' | 'counter';

/**
 * The office's side: the queue of the caller's departments, the request (every read audited),
 * the staff actions of the state machine, assignment, counter mode and revocation. A request of
 * a department the caller does not reach looks exactly like a request that does not exist.
 */
export class OfficeService {
  constructor(
    private readonly db: Database,
    private readonly requests: RequestsService,
    private readonly documents: DocumentsService,
    private readonly links: Links,
  ) {}

  private now() {
    return this.requests.now();
  }

  /**
   * The request if the caller reaches it: processing staff through its processing department;
   * reading and counter work also through the department that received it. Drafts are the
   * citizen's own until deposited, except those filed at the counter.
   */
  private async reachable(trx: Tx, principal: Principal, id: string, how: Reach, lock = false): Promise<RequestRow> {
    const r = lock ? await repo.lockRequest(trx, id) : await repo.findRequest(trx, id);
    if (!r || (r.status === 'draft' && r.channel !== 'counter')) throw notFound();
    const paths = how === 'process' ? [r.departmentPath] : [r.departmentPath, r.receivingDepartmentPath];
    if (!paths.some((p) => reaches(principal, [p]))) throw notFound();
    return r;
  }

  actionsFor(principal: Principal, r: RequestRow) {
    const now = this.now();
    if (!holds(principal, PROCESS) || !reaches(principal, [r.departmentPath])) return [];
    const actions: string[] = staffActions(r, now, definitionOf(r).extensionReasons);
    if (holds(principal, COUNTER) && r.channel === 'counter' && r.status === 'draft') actions.push('submit');
    return actions;
  }

  queue(ctx: CallContext, f: QueueFilter) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, (trx) =>
      repo.listRequests(trx, {
        ...f,
        userId: principal.kind === 'user' ? principal.id : undefined,
        departmentPath: principal.kind === 'user' ? principal.departmentPath : null,
        now: this.now(),
      }),
    );
  }

  /** A request for staff; the read is recorded in the audit log (Law 09-08: who accessed a file). */
  get(ctx: CallContext, id: string) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const r = await this.reachable(trx, principal, id, 'read');
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'eservices.request.viewed',
        entityType: 'eservice_request',
        entityId: r.id,
      });
      return { detail: await loadDetail(trx, r), actions: this.actionsFor(principal, r) };
    });
  }

  /** One staff action of the state machine, in one transaction with its history, audit entry and notifications. */
  act(ctx: CallContext, id: string, body: ActionBody) {
    const principal = ctx.principal;
    authorize(principal, PROCESS);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.reachable(trx, principal, id, 'process', true);
      const now = this.now();
      const p = definitionOf(before);
      const problem = staffActionProblem(before, body.action as StaffAction, now, p.extensionReasons);
      if (problem) throw problem;
      const clock = await loadClock(trx, ctx.communeId);
      const links = this.links;
      let after: RequestRow;
      switch (body.action) {
        case 'start_review':
          after = await applyChange(
            trx,
            ctx,
            before,
            { status: 'under_review', action: 'start_review', citizen: { event: 'review_started' }, at: now },
            links,
          );
          break;
        case 'request_completion': {
          const keys = documentKeys(p);
          const names = new Map([
            ...p.citizenDocuments.map((d) => [d.key, d.name] as const),
            ...p.fields.map((f) => [f.key, f.label] as const),
          ]);
          body.missingDocuments.forEach((key, i) => {
            if (!keys.has(key)) throw invalid(`/body/missingDocuments/${i}`, 'problem.field.unknown_reference');
          });
          const missing = body.missingDocuments.map((key) => ({ key, name: names.get(key) ?? {} }));
          const remainingDays = before.deadlineAt
            ? daysLeft(now, before.deadlineAt, before.deadlineKind ?? 'calendar', clock.holidays, clock.timeZone)
            : 0;
          after = await applyChange(
            trx,
            ctx,
            before,
            {
              status: 'needs_completion',
              action: 'request_completion',
              note: body.message,
              changes: {
                pausedAt: now,
                remainingDays,
                completionRequested: true,
                missingDocuments: missing,
                completionMessage: body.message,
              },
              citizen: { event: 'completion_requested', values: { missing, message: body.message } },
              at: now,
            },
            links,
          );
          break;
        }
        case 'approve':
          after = await applyChange(
            trx,
            ctx,
            before,
            {
              status: 'approved',
              action: 'approve',
              note: body.note ?? null,
              changes: { decisionOutcome: 'approved', decisionReasons: null, decisionAt: now },
              citizen: { event: 'approved' },
              at: now,
            },
            links,
          );
          break;
        case 'reject': {
          const appealUntil = clock.after(now, clock.settings.appealDays);
          after = await applyChange(
            trx,
            ctx,
            before,
            {
              status: 'rejected',
              action: 'reject',
              note: body.reasons,
              changes: { decisionOutcome: 'rejected', decisionReasons: body.reasons, decisionAt: now, appealUntil },
              citizen: { event: 'rejected', values: { reasons: body.reasons, date: appealUntil } },
              at: now,
            },
            links,
          );
          break;
        }
        case 'extend': {
          if (!p.extensionReasons.includes(body.reason)) throw invalid('/body/reason', 'problem.eservices.extension_reason');
          // Art 17 allows one extension; this reads it as at most the fiche's own deadline again.
          const max = before.deadlineDays ?? p.deadline.days;
          if (body.days > max) {
            throw new AppError('validation_failed', 400, undefined, {}, [
              { pointer: '/body/days', key: 'problem.field_max', values: { max } },
            ]);
          }
          const extendedTo = clock.after(before.deadlineAt ?? now, body.days, before.deadlineKind ?? 'calendar');
          after = await applyChange(
            trx,
            ctx,
            before,
            {
              action: 'extend',
              changes: { deadlineAt: extendedTo, extendedTo, extensionReason: body.reason },
              citizen: { event: 'extended', values: { date: extendedTo, reason: body.reason } },
              at: now,
            },
            links,
          );
          break;
        }
        case 'issue':
          after = await this.documents.issue(trx, ctx, before, body.holderVisible, now);
          break;
        case 'close':
          after = await applyChange(trx, ctx, before, { status: 'closed', action: 'close', citizen: { event: 'closed' }, at: now }, links);
          break;
        case 'answer_appeal': {
          const upheld = body.outcome === 'upheld';
          after = await applyChange(
            trx,
            ctx,
            before,
            {
              status: upheld ? 'approved' : 'rejected',
              action: 'answer_appeal',
              note: body.answer,
              changes: {
                appealStatus: 'answered',
                appealOutcome: body.outcome,
                appealAnswer: body.answer,
                appealAnsweredAt: now,
                decisionOutcome: upheld ? 'approved' : 'rejected',
                decisionReasons: upheld ? null : body.answer,
                decisionAt: now,
              },
              citizen: { event: upheld ? 'appeal_upheld' : 'appeal_dismissed', values: { answer: body.answer } },
              at: now,
            },
            links,
          );
          break;
        }
        case 'return':
          after = await applyChange(
            trx,
            ctx,
            before,
            { status: 'returned', action: 'return', citizen: { event: 'returned' }, at: now },
            links,
          );
          break;
        case 'accept_completion':
          after = await resume(trx, ctx, before, clock, now, links, 'accept_completion', null);
          break;
      }
      return { detail: await loadDetail(trx, after), actions: this.actionsFor(principal, after) };
    });
  }

  /** Assigns the request to a staff member of its department (or to nobody). */
  assign(ctx: CallContext, id: string, userId: string | null) {
    const principal = ctx.principal;
    authorize(principal, PROCESS);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.reachable(trx, principal, id, 'process', true);
      if (userId) {
        const member = await repo.findStaffMember(trx, userId);
        // Within the owning department: the assignee must work in its subtree (or commune-wide).
        if (
          !member?.active ||
          (member.departmentPath !== null &&
            !before.departmentPath.startsWith(member.departmentPath) &&
            !member.departmentPath.startsWith(before.departmentPath))
        )
          throw invalid('/body/userId', 'problem.eservices.assignee');
      }
      const after = await applyChange(
        trx,
        ctx,
        before,
        { action: 'assign', changes: { assigneeId: userId }, isPublic: false, at: this.now() },
        this.links,
      );
      return { detail: await loadDetail(trx, after), actions: this.actionsFor(principal, after) };
    });
  }

  /** Counter mode: an agent files a request for a citizen who came in person. */
  async counterCreate(ctx: CallContext, input: RequestInput, meta: CallerMeta) {
    const principal = ctx.principal;
    authorize(principal, COUNTER);
    await withCommune(this.db, ctx.communeId, async (trx) => {
      const p = await catalog.findProcedureByCode(trx, input.procedureCode);
      if (p?.status !== 'published') throw invalid('/body/procedureCode', 'problem.eservices.procedure_unavailable');
      if (!reaches(principal, [p.receivingDepartmentPath]) && !reaches(principal, [p.processingDepartmentPath]))
        throw new AppError('forbidden', 403, 'problem.outside_scope.detail');
    });
    const created = await this.requests.create(ctx, input, { ...meta, channel: 'counter' });
    return { ...created, actions: this.actionsFor(principal, created.detail.request) };
  }

  /** Before an upload is read: the caller may attach to this request now. */
  checkCounterUpload(ctx: CallContext, id: string) {
    const principal = ctx.principal;
    authorize(principal, COUNTER);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const r = await this.reachable(trx, principal, id, 'counter');
      if (r.status !== 'draft' && r.status !== 'incomplete' && r.status !== 'needs_completion') throw invalidTransition(r.status, 'attach');
      return r;
    });
  }

  counterAttachment(ctx: CallContext, id: string, upload: Upload) {
    const principal = ctx.principal;
    authorize(principal, COUNTER);
    return this.requests.uploadWith(ctx, upload, (stored) =>
      withCommune(this.db, ctx.communeId, async (trx) => {
        const r = await this.reachable(trx, principal, id, 'counter', true);
        return recordAttachment(trx, ctx, r, upload, stored, 'staff');
      }),
    );
  }

  /** Changes a draft filed at the counter. */
  counterPatch(ctx: CallContext, id: string, patch: RequestPatch) {
    const principal = ctx.principal;
    authorize(principal, COUNTER);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.reachable(trx, principal, id, 'counter', true);
      if (before.status !== 'draft') throw invalidTransition(before.status, 'patch');
      const after = await this.requests.applyPatch(trx, ctx, before, patch);
      return { detail: await loadDetail(trx, after), actions: this.actionsFor(principal, after) };
    });
  }

  /** Deposits a draft filed at the counter (the receipt is printed for the citizen). */
  counterSubmit(ctx: CallContext, id: string) {
    const principal = ctx.principal;
    authorize(principal, COUNTER);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.reachable(trx, principal, id, 'counter', true);
      let after = before;
      if (before.status === 'draft') {
        const clock = await loadClock(trx, ctx.communeId);
        after = await deposit(trx, ctx, before, clock, this.now(), this.links);
      } else if (!before.depositedAt) throw invalidTransition(before.status, 'submit');
      return { detail: await loadDetail(trx, after), actions: this.actionsFor(principal, after) };
    });
  }

  /** A file of the request (an attachment), for staff; the access is audited. */
  attachmentFile(ctx: CallContext, id: string, attachmentId: string) {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const r = await this.reachable(trx, principal, id, 'read');
      const a = (await repo.listAttachments(trx, r.id)).find((x) => x.id === attachmentId);
      if (!a) throw notFound();
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'eservices.attachment.viewed',
        entityType: 'eservice_request',
        entityId: r.id,
        after: { attachmentId: a.id, documentKey: a.documentKey },
      });
      return a;
    });
  }

  /** The request as staff read it for its receipt or an issued document; the access is audited. */
  forFiles(ctx: CallContext, id: string, what: string): Promise<RequestDetail> {
    const principal = ctx.principal;
    authorize(principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const r = await this.reachable(trx, principal, id, 'read');
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'eservices.request.file_viewed',
        entityType: 'eservice_request',
        entityId: r.id,
        after: { file: what },
      });
      return loadDetail(trx, r);
    });
  }
}
