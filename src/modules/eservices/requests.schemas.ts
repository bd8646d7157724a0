import { Type } from 'typebox';
import { Email, Locale, Nullable, PageQuery, Phone, plainText, Strict, TextOut, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import { DeadlineKindT, ExtensionReasonT, ProcedureCode, SilenceT } from './catalog.schemas.js';
import { FIELD_LIMITS } from './procedure.js';

export const REQUEST_STATUSES = [
  'draft',
  'incomplete',
  'returned',
  'submitted',
  'under_review',
  'needs_completion',
  'approved',
  'rejected',
  'deemed_approved',
  'issued',
  'closed',
  'appealed',
  'appeal_escalated',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const RequestStatusT = Type.Unsafe<RequestStatus>({ type: 'string', enum: [...REQUEST_STATUSES] });

const Line = (max: number) => plainText(max, 'line');
const Reasons = plainText(LIMITS.eservicesReasonsMax, 'text');
const DocKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' });

export const NumberPattern = '^ES-[0-9]{4}-[0-9]{6,9}$';
export const NumberParams = Strict({
  number: Type.String({ pattern: NumberPattern, description: 'The tracking number, e.g. ES-2026-000123' }),
});
export const NumberAttachmentParams = Strict({ number: NumberParams.properties.number, attachmentId: Uuid });
export const IdAttachmentParams = Strict({ id: Uuid, attachmentId: Uuid });
export const VerificationCode = Type.String({ pattern: '^[A-Z2-7]{12}$', description: '12 characters (base32)' });
export const NumberDocumentParams = Strict({ number: NumberParams.properties.number, code: VerificationCode });
export const IdDocumentParams = Strict({ id: Uuid, code: VerificationCode });
export const VerifyParams = Strict({ code: Type.String({ maxLength: 64, description: 'The verification code printed on the document' }) });
export const ReceiptQuery = Strict({ lang: Type.Optional(Type.Unsafe<'ar' | 'fr'>({ type: 'string', enum: ['ar', 'fr'] })) });

/** The tracking secret travels in a header, never in a URL that logs would keep. */
export const TokenHeaders = Type.Object({
  'x-tracking-token': Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

const AddressAnswer = Strict({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  text: Type.Optional(Type.String({ maxLength: FIELD_LIMITS.textMax })),
});
// The type each field wants is checked by checkAnswers (procedure.ts), which names the field.
const AnswerValue = Type.Union([Type.String({ maxLength: FIELD_LIMITS.textareaMax }), Type.Number(), AddressAnswer]);
export const AnswersIn = Type.Record(Type.String({ maxLength: 64 }), AnswerValue, { maxProperties: FIELD_LIMITS.fieldsMax });
const ConsentsIn = Type.Record(Type.String({ maxLength: 64 }), Type.Boolean(), {
  maxProperties: FIELD_LIMITS.documentsMax,
  description: "{fetchedDocumentKey: true}: the applicant's consent that the commune obtains it (arts 23–24)",
});
const SwornIn = Type.Array(DocKey, {
  maxItems: FIELD_LIMITS.documentsMax,
  uniqueItems: true,
  description: 'Keys of the documents the applicant replaces by a sworn statement (art 8)',
});
const ApplicantIn = Strict({
  name: Line(LIMITS.displayNameMax),
  email: Type.Optional(Nullable(Email)),
  phone: Type.Optional(Nullable(Phone)),
});

export const RequestCreateBody = Strict({
  procedureCode: ProcedureCode,
  language: Locale,
  applicant: ApplicantIn,
  answers: Type.Optional(AnswersIn),
  consents: Type.Optional(ConsentsIn),
  swornStatements: Type.Optional(SwornIn),
});
export const RequestPatchBody = Strict({
  applicant: Type.Optional(ApplicantIn),
  answers: Type.Optional(AnswersIn),
  consents: Type.Optional(ConsentsIn),
  swornStatements: Type.Optional(SwornIn),
});
export const CompleteBody = Strict({
  message: Type.Optional(Reasons),
  swornStatements: Type.Optional(SwornIn),
});
export const AppealBody = Strict({ reason: Reasons });

export const StaffActionBody = Type.Union([
  Strict({ action: Type.Literal('start_review') }),
  Strict({
    action: Type.Literal('request_completion'),
    missingDocuments: Type.Array(DocKey, { minItems: 1, maxItems: FIELD_LIMITS.documentsMax, uniqueItems: true }),
    message: Reasons,
  }),
  Strict({ action: Type.Literal('approve'), note: Type.Optional(Reasons) }),
  Strict({ action: Type.Literal('reject'), reasons: Reasons }),
  Strict({
    action: Type.Literal('extend'),
    reason: ExtensionReasonT,
    days: Type.Integer({ minimum: 1, maximum: LIMITS.eservicesExtensionDaysMax }),
  }),
  Strict({
    action: Type.Literal('issue'),
    holderVisible: Type.Boolean({ description: 'Show the holder’s name on the verification page' }),
  }),
  Strict({ action: Type.Literal('close') }),
  Strict({
    action: Type.Literal('answer_appeal'),
    outcome: Type.Unsafe<'upheld' | 'dismissed'>({ type: 'string', enum: ['upheld', 'dismissed'] }),
    answer: Reasons,
  }),
  Strict({ action: Type.Literal('return') }),
  Strict({ action: Type.Literal('accept_completion') }),
]);
export const AssignBody = Strict({ userId: Nullable(Uuid) });
export const RevokeBody = Strict({ reason: Reasons });

export const QueueQuery = Strict({
  ...PageQuery,
  status: Type.Optional(
    Type.String({
      pattern: `^(${REQUEST_STATUSES.join('|')})(,(${REQUEST_STATUSES.join('|')})){0,12}$`,
      description: 'One or more statuses, comma-separated',
    }),
  ),
  procedure: Type.Optional(ProcedureCode),
  assigned: Type.Optional(Type.Unsafe<'me' | 'none' | 'any'>({ type: 'string', enum: ['me', 'none', 'any'] })),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Line(LIMITS.searchMax)),
});

const ProcedureRef = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: TextOut,
  silence: SilenceT,
  deadline: Type.Object({ days: Type.Integer(), kind: DeadlineKindT, investment: Type.Boolean() }),
});
const AnswerOut = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Object({ lat: Type.Number(), lon: Type.Number(), text: Type.Optional(Type.String()) }),
]);
export const AttachmentResponse = Type.Object({
  id: Uuid,
  documentKey: Type.String(),
  filename: Type.String(),
  contentType: Type.Unsafe<'application/pdf' | 'image/jpeg' | 'image/png'>({
    type: 'string',
    enum: ['application/pdf', 'image/jpeg', 'image/png'],
  }),
  size: Type.Integer(),
  sha256: Type.String(),
  createdAt: Timestamp,
});
const Ts = Nullable(Timestamp);
const Clocks = Type.Object({
  depositedAt: Ts,
  completeAt: Ts,
  completionDueAt: Ts,
  deadlineAt: Ts,
  pausedAt: Ts,
  remainingDays: Nullable(Type.Integer()),
  completionRequestUntil: Ts,
  completionRequested: Type.Boolean(),
  extendedTo: Ts,
  extensionReason: Nullable(ExtensionReasonT),
  deliveryDueAt: Ts,
  certificateRequestedAt: Ts,
  certificateDueAt: Ts,
  appealUntil: Ts,
  appealAnswerDueAt: Ts,
  escalationDueAt: Ts,
});
export const RequestResponse = Type.Object({
  id: Uuid,
  number: Type.String(),
  status: RequestStatusT,
  channel: Type.Unsafe<'online' | 'counter'>({ type: 'string', enum: ['online', 'counter'] }),
  language: Locale,
  procedure: ProcedureRef,
  applicant: Type.Object({ name: Type.String(), email: Nullable(Type.String()), phone: Nullable(Type.String()) }),
  answers: Type.Record(Type.String(), AnswerOut),
  consents: Type.Record(Type.String(), Type.Boolean()),
  swornStatements: Type.Array(Type.String()),
  attachments: Type.Array(AttachmentResponse),
  missingDocuments: Type.Array(Type.Object({ key: Type.String(), name: TextOut })),
  completionMessage: Nullable(Type.String()),
  clocks: Clocks,
  decision: Nullable(
    Type.Object({
      outcome: Type.Unsafe<'approved' | 'rejected' | 'deemed_approved'>({
        type: 'string',
        enum: ['approved', 'rejected', 'deemed_approved'],
      }),
      reasons: Nullable(Type.String()),
      at: Timestamp,
    }),
  ),
  appeal: Nullable(
    Type.Object({
      filedAt: Timestamp,
      reason: Type.String(),
      status: Type.Unsafe<'filed' | 'escalated' | 'answered'>({ type: 'string', enum: ['filed', 'escalated', 'answered'] }),
      answer: Nullable(Type.String()),
      outcome: Nullable(Type.Unsafe<'upheld' | 'dismissed'>({ type: 'string', enum: ['upheld', 'dismissed'] })),
      answeredAt: Ts,
    }),
  ),
  documents: Type.Array(Type.Object({ code: Type.String(), title: TextOut, issuedAt: Timestamp, revokedAt: Ts })),
  history: Type.Array(
    Type.Object({
      at: Timestamp,
      status: RequestStatusT,
      action: Type.String(),
      note: Nullable(Type.String()),
      actor: Type.Optional(Nullable(Type.String({ description: 'Staff view only: who did it' }))),
    }),
  ),
  department: Type.Object({ id: Uuid, name: TextOut }),
  assignee: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  /** What the caller may do now (citizen: patch, attach, submit, complete, appeal, silence_certificate; staff: the actions). */
  availableActions: Type.Array(Type.String(), { description: 'The actions the caller may take now' }),
  overdue: Type.Boolean(),
  isDemo: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const CreatedResponse = Type.Object({
  number: Type.String(),
  token: Type.String({ description: 'The tracking secret, shown once: send it back in X-Tracking-Token' }),
  request: RequestResponse,
});
export const RequestSummaryResponse = Type.Object({
  id: Uuid,
  number: Type.String(),
  status: RequestStatusT,
  procedure: Type.Object({ code: Type.String(), name: TextOut }),
  applicantName: Type.String(),
  channel: Type.Unsafe<'online' | 'counter'>({ type: 'string', enum: ['online', 'counter'] }),
  deadlineAt: Ts,
  overdue: Type.Boolean(),
  assignee: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  createdAt: Timestamp,
});
export const QueueResponse = Type.Object({ items: Type.Array(RequestSummaryResponse), total: Type.Integer() });

export const VerificationResponse = Type.Object({
  code: Type.String(),
  status: Type.Unsafe<'valid' | 'revoked'>({ type: 'string', enum: ['valid', 'revoked'] }),
  title: TextOut,
  procedure: TextOut,
  commune: TextOut,
  department: TextOut,
  issuedAt: Timestamp,
  sha256: Type.String(),
  holder: Nullable(Type.String()),
  decision: Nullable(TextOut),
  revokedAt: Ts,
  revocationReason: Nullable(Type.String()),
  keyFingerprint: Type.String(),
});
export const SigningKeysResponse = Type.Object({
  items: Type.Array(Type.Object({ fingerprint: Type.String(), publicKeyPem: Type.String(), createdAt: Timestamp, retiredAt: Ts })),
});
