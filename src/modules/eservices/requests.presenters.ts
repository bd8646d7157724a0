import type { Multilingual } from '../../platform/db/types.js';
import type { Answers, ProcedureDefinition, Text } from './procedure.js';
import type { AttachmentRow, DocumentRow, MissingDocument, RequestRow } from './requests.repository.js';
import { isOverdue } from './workflow.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const text = (m: unknown) => (m ?? {}) as Multilingual;

export const definitionOf = (r: RequestRow) => JSON.parse(r.procedureJson) as ProcedureDefinition;
export const answersOf = (r: RequestRow) => JSON.parse(r.answersJson) as Answers;
export const consentsOf = (r: RequestRow) => JSON.parse(r.consentsJson) as Record<string, boolean>;
export const missingOf = (r: RequestRow) => JSON.parse(r.missingJson) as MissingDocument[];

export interface EventRow {
  at: Date;
  status: RequestRow['status'];
  action: string;
  note: string | null;
  isPublic: boolean;
  actorLabel: string | null;
}

export interface RequestDetail {
  request: RequestRow;
  attachments: AttachmentRow[];
  events: EventRow[];
  documents: DocumentRow[];
}

export function presentAttachment(a: AttachmentRow) {
  return {
    id: a.id,
    documentKey: a.documentKey,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    createdAt: a.createdAt.toISOString(),
  };
}

/**
 * A request as its applicant (with the tracking secret) or staff see it. Staff see every history
 * row with who did it; the applicant the public rows.
 */
export function presentRequest(d: RequestDetail, options: { staff: boolean; actions: string[]; now: Date }) {
  const r = d.request;
  const p = definitionOf(r);
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    channel: r.channel,
    language: r.language as 'ar' | 'fr' | 'zgh' | 'en',
    procedure: { id: r.procedureId, code: r.procedureCode, name: p.name, silence: r.silence ?? p.silence, deadline: deadlineOf(r, p) },
    applicant: { name: r.applicantName, email: r.applicantEmail, phone: r.applicantPhone },
    answers: answersOf(r),
    consents: consentsOf(r),
    swornStatements: r.swornStatements,
    attachments: d.attachments.map(presentAttachment),
    missingDocuments: missingOf(r),
    completionMessage: r.completionMessage,
    clocks: {
      depositedAt: iso(r.depositedAt),
      completeAt: iso(r.completeAt),
      completionDueAt: iso(r.completionDueAt),
      deadlineAt: iso(r.deadlineAt),
      pausedAt: iso(r.pausedAt),
      remainingDays: r.remainingDays,
      completionRequestUntil: iso(r.completionRequestUntil),
      completionRequested: r.completionRequested,
      extendedTo: iso(r.extendedTo),
      extensionReason: r.extensionReason,
      deliveryDueAt: iso(r.deliveryDueAt),
      certificateRequestedAt: iso(r.certificateRequestedAt),
      certificateDueAt: iso(r.certificateDueAt),
      appealUntil: iso(r.appealUntil),
      appealAnswerDueAt: iso(r.appealAnswerDueAt),
      escalationDueAt: iso(r.escalationDueAt),
    },
    decision:
      r.decisionOutcome && r.decisionAt ? { outcome: r.decisionOutcome, reasons: r.decisionReasons, at: r.decisionAt.toISOString() } : null,
    appeal:
      r.appealFiledAt && r.appealStatus
        ? {
            filedAt: r.appealFiledAt.toISOString(),
            reason: r.appealReason ?? '',
            status: r.appealStatus,
            answer: r.appealAnswer,
            outcome: r.appealOutcome,
            answeredAt: iso(r.appealAnsweredAt),
          }
        : null,
    documents: d.documents.map((doc) => ({
      code: doc.code,
      title: JSON.parse(doc.titleJson) as Text,
      issuedAt: doc.issuedAt.toISOString(),
      revokedAt: iso(doc.revokedAt),
    })),
    history: d.events
      .filter((e) => options.staff || e.isPublic)
      .map((e) => ({
        at: e.at.toISOString(),
        status: e.status,
        action: e.action,
        note: e.note,
        ...(options.staff ? { actor: e.actorLabel } : {}),
      })),
    department: { id: r.departmentId, name: text(r.departmentName) },
    assignee: options.staff && r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? '' } : null,
    availableActions: options.actions,
    overdue: isOverdue(r, options.now),
    isDemo: r.isDemo,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The deadline the request is held to: the one frozen at deposit, else the fiche's. */
function deadlineOf(r: RequestRow, p: ProcedureDefinition) {
  return r.deadlineDays !== null && r.deadlineKind !== null
    ? { days: r.deadlineDays, kind: r.deadlineKind, investment: p.deadline.investment }
    : p.deadline;
}

export function presentSummary(r: RequestRow, now: Date) {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    procedure: { code: r.procedureCode, name: definitionOf(r).name },
    applicantName: r.applicantName,
    channel: r.channel,
    deadlineAt: iso(r.deadlineAt),
    overdue: isOverdue(r, now),
    assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? '' } : null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** A request as the audit log keeps it: no answers (a CIN may be among them), no contact, no secret. */
export function auditView(r: RequestRow) {
  return {
    number: r.number,
    status: r.status,
    procedure: r.procedureCode,
    channel: r.channel,
    departmentId: r.departmentId,
    assigneeId: r.assigneeId,
    depositedAt: r.depositedAt,
    completeAt: r.completeAt,
    completionDueAt: r.completionDueAt,
    deadlineAt: r.deadlineAt,
    pausedAt: r.pausedAt,
    remainingDays: r.remainingDays,
    extendedTo: r.extendedTo,
    decisionOutcome: r.decisionOutcome,
    decisionAt: r.decisionAt,
    appealStatus: r.appealStatus,
    missingDocuments: missingOf(r).map((m) => m.key),
  };
}
