/**
 * The writes every change of a request makes together, in the caller's transaction: the row, a
 * history row, an audit entry, and the notifications (queued: sent when the transaction commits).
 * Also the moves shared by the citizen, the counter and the clock job: depositing a file and
 * resuming a paused clock.
 */
import { recordAudit } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, type FieldError } from '../../platform/http/errors.js';
import { fieldErrors } from './catalog.service.js';
import { type CitizenEvent, type EventValues, type Links, queueCitizen, queueStaff, type StaffEvent } from './notifications.js';
import { type Answers, checkAnswers, type ProcedureDefinition } from './procedure.js';
import { answersOf, auditView, consentsOf, definitionOf, type EventRow, type RequestDetail } from './requests.presenters.js';
import type { AttachmentRow, MissingDocument, RequestChanges, RequestRow } from './requests.repository.js';
import * as repo from './requests.repository.js';
import type { RequestStatus } from './requests.schemas.js';
import { type Clock, firstHalfEnd } from './workflow.js';

export interface Change {
  /** The new status; unchanged when absent. */
  status?: RequestStatus;
  /** What happened, as the history and the audit log name it (e.g. `submit`, `approve`). */
  action: string;
  changes?: RequestChanges;
  /** Shown in the history (to the citizen too when public). */
  note?: string | null;
  /** false: a history row staff alone see (assignments, views…). Default true. */
  isPublic?: boolean;
  citizen?: { event: CitizenEvent; values?: EventValues };
  staff?: StaffEvent;
  at?: Date;
}

/** Who the history says acted: the staff member, the clock, or the applicant. */
function actorOf(ctx: CallContext) {
  if (ctx.actor.type === 'user' || ctx.actor.type === 'api_key')
    return { actorId: ctx.actor.type === 'user' ? ctx.actor.id : null, actorLabel: ctx.actor.label };
  if (ctx.actor.type === 'system' && ctx.actor.label !== 'anonymous') return { actorId: null, actorLabel: ctx.actor.label };
  return { actorId: null, actorLabel: 'applicant' };
}

/** Applies one change of a request (locked by the caller) with its history row, audit entry and notifications. */
export async function applyChange(trx: Tx, ctx: CallContext, before: RequestRow, c: Change, links: Links): Promise<RequestRow> {
  const at = c.at ?? new Date();
  const after = await repo.updateRequest(trx, before.id, { ...(c.changes ?? {}), ...(c.status ? { status: c.status } : {}) }, at);
  await repo.insertEvent(trx, ctx.communeId, {
    requestId: before.id,
    status: after.status,
    action: c.action,
    note: c.note ?? null,
    isPublic: c.isPublic ?? true,
    ...actorOf(ctx),
    at,
  });
  await recordAudit(trx, ctx.communeId, ctx.actor, {
    action: `eservices.request.${c.action}`,
    entityType: 'eservice_request',
    entityId: before.id,
    before: auditView(before),
    after: auditView(after),
  });
  if (c.citizen) await queueCitizen(trx, ctx.communeId, after, c.citizen.event, c.citizen.values ?? {}, links);
  if (c.staff) await queueStaff(trx, ctx.communeId, after, c.staff, links);
  return after;
}

export async function loadDetail(trx: Tx, request: RequestRow): Promise<RequestDetail> {
  return {
    request,
    attachments: await repo.listAttachments(trx, request.id),
    events: (await repo.listEvents(trx, request.id, { publicOnly: false })) as EventRow[],
    documents: await repo.listDocuments(trx, request.id),
  };
}

/** The documents still missing from a file: required ones with no attachment and no sworn statement the fiche allows. */
export function missingDocuments(
  p: ProcedureDefinition,
  attachments: readonly Pick<AttachmentRow, 'documentKey'>[],
  sworn: readonly string[],
): MissingDocument[] {
  const attached = new Set(attachments.map((a) => a.documentKey));
  const missing: MissingDocument[] = [];
  for (const d of p.citizenDocuments) {
    if (!d.required || attached.has(d.key)) continue;
    if (d.swornStatementAllowed && sworn.includes(d.key)) continue;
    missing.push({ key: d.key, name: d.name });
  }
  for (const f of p.fields) if (f.type === 'file' && f.required && !attached.has(f.key)) missing.push({ key: f.key, name: f.label });
  return missing;
}

/** The keys a document may be attached under: the fiche's citizen documents and its file fields. */
export const documentKeys = (p: ProcedureDefinition) =>
  new Set([...p.citizenDocuments.map((d) => d.key), ...p.fields.filter((f) => f.type === 'file').map((f) => f.key)]);

export const invalidAnswers = (fields: FieldError[]) =>
  new AppError('invalid_answers', 422, 'problem.eservices.invalid_answers.detail', {}, fields);

/** Consents name fetched documents; sworn statements name documents the fiche lets one replace (art 8). */
export function checkDeclarations(
  p: ProcedureDefinition,
  consents: Record<string, boolean> | undefined,
  sworn: readonly string[] | undefined,
  base = '/body',
): FieldError[] {
  const problems: FieldError[] = [];
  const fetched = new Set(p.fetchedDocuments.map((d) => d.key));
  for (const key of Object.keys(consents ?? {}))
    if (!fetched.has(key)) problems.push({ pointer: `${base}/consents/${key}`, key: 'problem.field_unknown' });
  const replaceable = new Set(p.citizenDocuments.filter((d) => d.swornStatementAllowed).map((d) => d.key));
  (sworn ?? []).forEach((key, i) => {
    if (!replaceable.has(key)) problems.push({ pointer: `${base}/swornStatements/${i}`, key: 'problem.eservices.sworn_not_allowed' });
  });
  return problems;
}

/** The answers' problems in the problem's field list (pointers /body/answers/<key>). */
export function answerProblems(
  p: ProcedureDefinition,
  answers: Readonly<Record<string, unknown>>,
  complete: boolean,
  base = '/body/answers',
) {
  return fieldErrors(checkAnswers(p.fields, answers, complete), base);
}

/**
 * Deposits a draft (art 10): the form must be complete and every fetched document consented to
 * (422 otherwise, nothing changes); then the file is either complete (`submitted`, the deadline
 * runs) or not (`incomplete`, with the exhaustive list of missing documents, given once, and the
 * delay to complete it).
 */
export async function deposit(trx: Tx, ctx: CallContext, before: RequestRow, clock: Clock, now: Date, links: Links) {
  const p = definitionOf(before);
  const problems = answerProblems(p, answersOf(before), true);
  const consents = consentsOf(before);
  for (const d of p.fetchedDocuments)
    if (consents[d.key] !== true) problems.push({ pointer: `/body/consents/${d.key}`, key: 'problem.eservices.consent_required' });
  if (problems.length) throw invalidAnswers(problems);
  const attachments = await repo.listAttachments(trx, before.id);
  const missing = missingDocuments(p, attachments, before.swornStatements);
  const frozen = { deadlineDays: p.deadline.days, deadlineKind: p.deadline.kind, silence: p.silence, depositedAt: now };
  if (missing.length) {
    const completionDueAt = clock.after(now, clock.settings.completionDays);
    return applyChange(
      trx,
      ctx,
      before,
      {
        status: 'incomplete',
        action: 'submit',
        changes: { ...frozen, completeAtDeposit: false, missingDocuments: missing, completionDueAt },
        citizen: { event: 'deposited_incomplete', values: { missing, date: completionDueAt } },
        at: now,
      },
      links,
    );
  }
  return startClock(trx, ctx, before, clock, now, links, { ...frozen, completeAtDeposit: true }, 'submit');
}

/** The file is complete: the deadline runs from now (or from the first deposit, per the commune's setting). */
async function startClock(
  trx: Tx,
  ctx: CallContext,
  before: RequestRow,
  clock: Clock,
  now: Date,
  links: Links,
  extra: RequestChanges,
  action: string,
) {
  const days = extra.deadlineDays ?? before.deadlineDays ?? definitionOf(before).deadline.days;
  const kind = extra.deadlineKind ?? before.deadlineKind ?? definitionOf(before).deadline.kind;
  const depositedAt = extra.depositedAt ?? before.depositedAt ?? now;
  const start = clock.settings.silenceStartsAt === 'deposit' ? depositedAt : now;
  const deadlineAt = clock.after(start, days, kind);
  return applyChange(
    trx,
    ctx,
    before,
    {
      status: 'submitted',
      action,
      changes: { ...extra, completeAt: now, deadlineAt, completionRequestUntil: firstHalfEnd(start, deadlineAt) },
      citizen: { event: 'submitted', values: { date: deadlineAt } },
      staff: 'submitted',
      at: now,
    },
    links,
  );
}

export const stillMissing = (missing: MissingDocument[]) =>
  new AppError(
    'documents_missing',
    422,
    'problem.eservices.documents_missing.detail',
    { count: missing.length },
    missing.map((m) => ({ pointer: `/documents/${m.key}`, key: 'problem.eservices.document_missing' })),
  );

/**
 * The citizen completes a file. `incomplete`: every document of the frozen list must now be there
 * (attached, or replaced by a sworn statement the fiche allows); the deadline then starts.
 * `needs_completion`: each requested document attached since the request (or sworn); the clock
 * resumes with the days that remained.
 */
export async function complete(
  trx: Tx,
  ctx: CallContext,
  before: RequestRow,
  clock: Clock,
  now: Date,
  links: Links,
  message: string | null,
) {
  const p = definitionOf(before);
  const attachments = await repo.listAttachments(trx, before.id);
  const requested = JSON.parse(before.missingJson) as MissingDocument[];
  const replaceable = new Set(p.citizenDocuments.filter((d) => d.swornStatementAllowed).map((d) => d.key));
  const since = before.status === 'needs_completion' ? before.pausedAt : null;
  const open = requested.filter(
    (m) =>
      !attachments.some((a) => a.documentKey === m.key && (!since || a.createdAt >= since)) &&
      !(replaceable.has(m.key) && before.swornStatements.includes(m.key)),
  );
  if (open.length) throw stillMissing(open);
  if (before.status === 'incomplete') return startClock(trx, ctx, before, clock, now, links, {}, 'complete');
  return resume(trx, ctx, before, clock, now, links, 'complete', message);
}

/** The clock paused by a completion request runs again with the days that remained (art 14). */
export async function resume(
  trx: Tx,
  ctx: CallContext,
  before: RequestRow,
  clock: Clock,
  now: Date,
  links: Links,
  action: string,
  note: string | null,
) {
  const kind = before.deadlineKind ?? 'calendar';
  const deadlineAt = clock.after(now, before.remainingDays ?? 0, kind);
  return applyChange(
    trx,
    ctx,
    before,
    {
      status: 'under_review',
      action,
      note,
      changes: { deadlineAt, pausedAt: null, remainingDays: null },
      citizen: { event: 'completed', values: { date: deadlineAt } },
      staff: 'completed',
      at: now,
    },
    links,
  );
}

/** Answers as stored after a change: the new ones over the old, emptied ones removed, normalized. */
export function mergedAnswers(old: Answers, given: Record<string, unknown> | undefined): Record<string, unknown> {
  return given === undefined ? old : { ...old, ...given };
}
