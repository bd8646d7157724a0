import { type ColumnType, type Generated, type SqlBool, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { ProcedureTable } from './catalog.repository.js';
import type { Answers, DeadlineKind, ExtensionReason, SilenceEffect, Text } from './procedure.js';
import type { RequestStatus } from './requests.schemas.js';

export type Channel = 'online' | 'counter';
export type DecisionOutcome = 'approved' | 'rejected' | 'deemed_approved';
export type AttachmentType = 'application/pdf' | 'image/jpeg' | 'image/png';
export interface MissingDocument {
  key: string;
  name: Text;
}

type Json = ColumnType<unknown, string, string>;
type Ts = Date | null;

export interface RequestTable {
  communeId: string;
  id: Generated<string>;
  number: string;
  procedureId: string;
  departmentId: string;
  receivingDepartmentId: string;
  status: RequestStatus;
  channel: Channel;
  language: string;
  applicantName: string;
  applicantEmail: string | null;
  applicantPhone: string | null;
  answers: Json;
  consents: Json;
  swornStatements: string[];
  tokenHash: string;
  deadlineDays: number | null;
  deadlineKind: DeadlineKind | null;
  silence: SilenceEffect | null;
  missingDocuments: Json;
  completionMessage: string | null;
  completeAtDeposit: boolean | null;
  depositedAt: Ts;
  completeAt: Ts;
  completionDueAt: Ts;
  deadlineAt: Ts;
  pausedAt: Ts;
  remainingDays: number | null;
  completionRequestUntil: Ts;
  completionRequested: Generated<boolean>;
  extendedTo: Ts;
  extensionReason: ExtensionReason | null;
  deliveryDueAt: Ts;
  certificateRequestedAt: Ts;
  certificateDueAt: Ts;
  appealUntil: Ts;
  appealAnswerDueAt: Ts;
  escalationDueAt: Ts;
  decisionOutcome: DecisionOutcome | null;
  decisionReasons: string | null;
  decisionAt: Ts;
  appealFiledAt: Ts;
  appealReason: string | null;
  appealStatus: 'filed' | 'escalated' | 'answered' | null;
  appealAnswer: string | null;
  appealOutcome: 'upheld' | 'dismissed' | null;
  appealAnsweredAt: Ts;
  assigneeId: string | null;
  createdBy: string | null;
  isDemo: Generated<boolean>;
  createdAt: ColumnType<Date, Date | undefined, never>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

interface CounterTable {
  communeId: string;
  year: number;
  last: number;
}

interface SubmissionKeyTable {
  communeId: string;
  key: string;
  requestHash: string;
  requestId: string;
  secret: string;
  createdAt: Generated<Date>;
}

export interface AttachmentTable {
  communeId: string;
  id: Generated<string>;
  requestId: string;
  documentKey: string;
  filename: string;
  contentType: AttachmentType;
  size: number;
  sha256: string;
  fileKey: string;
  uploadedBy: 'citizen' | 'staff';
  createdAt: Generated<Date>;
}

interface EventTable {
  communeId: string;
  id: Generated<string>;
  requestId: string;
  at: Generated<Date>;
  status: RequestStatus;
  action: string;
  note: string | null;
  isPublic: Generated<boolean>;
  actorId: string | null;
  actorLabel: string | null;
}

export interface DocumentTable {
  communeId: string;
  id: Generated<string>;
  requestId: string;
  code: string;
  title: Json;
  decision: ColumnType<unknown, string | null, string | null>;
  holderName: string;
  holderVisible: boolean;
  fileKey: string;
  sha256: string;
  keyFingerprint: string;
  issuedAt: Generated<Date>;
  issuedBy: string | null;
  revokedAt: Date | null;
  revocationReason: string | null;
  revokedBy: string | null;
}

export interface SigningKeyTable {
  communeId: string;
  id: Generated<string>;
  fingerprint: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAt: Generated<Date>;
  retiredAt: Date | null;
}

export const tables = (trx: Tx) =>
  withTables<{
    'eservices.request': RequestTable;
    'eservices.procedure': ProcedureTable;
    'eservices.requestCounter': CounterTable;
    'eservices.submissionKey': SubmissionKeyTable;
    'eservices.attachment': AttachmentTable;
    'eservices.requestEvent': EventTable;
    'eservices.document': DocumentTable;
    'eservices.signingKey': SigningKeyTable;
  }>(trx);

function base(trx: Tx) {
  return tables(trx)
    .selectFrom('eservices.request as r')
    .innerJoin('eservices.procedure as p', (j) => j.onRef('p.communeId', '=', 'r.communeId').onRef('p.id', '=', 'r.procedureId'))
    .innerJoin('platform.department as d', (j) => j.onRef('d.communeId', '=', 'r.communeId').onRef('d.id', '=', 'r.departmentId'))
    .innerJoin('platform.department as rd', (j) =>
      j.onRef('rd.communeId', '=', 'r.communeId').onRef('rd.id', '=', 'r.receivingDepartmentId'),
    )
    .leftJoin('platform.userAccount as u', (j) => j.onRef('u.communeId', '=', 'r.communeId').onRef('u.id', '=', 'r.assigneeId'));
}

const COLUMNS = [
  'r.id',
  'r.number',
  'r.procedureId',
  'p.code as procedureCode',
  sql<string>`p.definition::text`.as('procedureJson'),
  'r.departmentId',
  'd.name as departmentName',
  'd.path as departmentPath',
  'r.receivingDepartmentId',
  'rd.path as receivingDepartmentPath',
  'r.status',
  'r.channel',
  'r.language',
  'r.applicantName',
  'r.applicantEmail',
  'r.applicantPhone',
  // As text: the plugin that camelCases column names would rewrite the answers' keys too.
  sql<string>`r.answers::text`.as('answersJson'),
  sql<string>`r.consents::text`.as('consentsJson'),
  'r.swornStatements',
  'r.tokenHash',
  'r.deadlineDays',
  'r.deadlineKind',
  'r.silence',
  sql<string>`r.missing_documents::text`.as('missingJson'),
  'r.completionMessage',
  'r.completeAtDeposit',
  'r.depositedAt',
  'r.completeAt',
  'r.completionDueAt',
  'r.deadlineAt',
  'r.pausedAt',
  'r.remainingDays',
  'r.completionRequestUntil',
  'r.completionRequested',
  'r.extendedTo',
  'r.extensionReason',
  'r.deliveryDueAt',
  'r.certificateRequestedAt',
  'r.certificateDueAt',
  'r.appealUntil',
  'r.appealAnswerDueAt',
  'r.escalationDueAt',
  'r.decisionOutcome',
  'r.decisionReasons',
  'r.decisionAt',
  'r.appealFiledAt',
  'r.appealReason',
  'r.appealStatus',
  'r.appealAnswer',
  'r.appealOutcome',
  'r.appealAnsweredAt',
  'r.assigneeId',
  'u.displayName as assigneeName',
  'r.createdBy',
  'r.isDemo',
  'r.createdAt',
  'r.updatedAt',
] as const;

export type RequestRow = Awaited<ReturnType<typeof findRequest>> & {};

export function findRequest(trx: Tx, id: string) {
  return base(trx).select(COLUMNS).where('r.id', '=', id).executeTakeFirst();
}

export function findRequestByNumber(trx: Tx, number: string) {
  return base(trx).select(COLUMNS).where('r.number', '=', number).executeTakeFirst();
}

/** Locks the request's row for the rest of the transaction (one transition at a time), then reads it. */
export async function lockRequest(trx: Tx, id: string) {
  await tables(trx).selectFrom('eservices.request').select('id').where('id', '=', id).forUpdate().execute();
  return findRequest(trx, id);
}

/** The next tracking number of the commune for `year` (ES-2026-000123); one counter row per year. */
export async function nextNumber(trx: Tx, communeId: string, year: number) {
  const { last } = await tables(trx)
    .insertInto('eservices.requestCounter')
    .values({ communeId, year, last: 1 })
    .onConflict((oc) => oc.columns(['communeId', 'year']).doUpdateSet({ last: sql`eservices.request_counter.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return `ES-${year}-${String(last).padStart(6, '0')}`;
}

export interface RequestValues {
  number: string;
  procedureId: string;
  departmentId: string;
  receivingDepartmentId: string;
  channel: Channel;
  language: string;
  applicantName: string;
  applicantEmail: string | null;
  applicantPhone: string | null;
  answers: Answers;
  consents: Record<string, boolean>;
  swornStatements: string[];
  tokenHash: string;
  createdBy: string | null;
  isDemo?: boolean;
  createdAt?: Date;
}

export async function insertRequest(trx: Tx, communeId: string, v: RequestValues) {
  const { answers, consents, ...rest } = v;
  const { id } = await tables(trx)
    .insertInto('eservices.request')
    .values({
      communeId,
      ...rest,
      status: 'draft',
      answers: JSON.stringify(answers),
      consents: JSON.stringify(consents),
      missingDocuments: '[]',
      ...(v.createdAt ? { updatedAt: v.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** The columns a change may set (JSON ones as values, serialized here). */
export type RequestChanges = Partial<
  Omit<
    RequestTable,
    | 'communeId'
    | 'id'
    | 'number'
    | 'answers'
    | 'consents'
    | 'missingDocuments'
    | 'createdAt'
    | 'updatedAt'
    | 'isDemo'
    | 'completionRequested'
  >
> & {
  answers?: Answers;
  consents?: Record<string, boolean>;
  missingDocuments?: MissingDocument[];
  completionRequested?: boolean;
};

export async function updateRequest(trx: Tx, id: string, c: RequestChanges, at = new Date()) {
  const { answers, consents, missingDocuments, ...rest } = c;
  await tables(trx)
    .updateTable('eservices.request')
    .set({
      ...rest,
      ...(answers !== undefined ? { answers: JSON.stringify(answers) } : {}),
      ...(consents !== undefined ? { consents: JSON.stringify(consents) } : {}),
      ...(missingDocuments !== undefined ? { missingDocuments: JSON.stringify(missingDocuments) } : {}),
      updatedAt: at,
    })
    .where('id', '=', id)
    .execute();
  return (await findRequest(trx, id))!;
}

export interface RequestFilter {
  statuses?: readonly RequestStatus[];
  procedureCode?: string;
  assigned?: 'me' | 'none' | 'any';
  userId?: string;
  overdue?: boolean;
  /** Staff: requests processed or received by departments under this materialized path. */
  departmentPath?: string | null;
  /** A tracking number or part of the applicant's name. */
  q?: string;
  now: Date;
  limit: number;
  offset: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The statuses in which the commune's deadline runs. */
export const RUNNING: readonly RequestStatus[] = ['submitted', 'under_review'];

export async function listRequests(trx: Tx, f: RequestFilter) {
  const query = base(trx).where((eb) => {
    const c = [eb('r.status', '<>', 'draft')];
    if (f.statuses?.length) c.push(eb('r.status', 'in', f.statuses));
    if (f.procedureCode) c.push(eb('p.code', '=', f.procedureCode));
    if (f.assigned === 'me' && f.userId) c.push(eb('r.assigneeId', '=', f.userId));
    if (f.assigned === 'none') c.push(eb('r.assigneeId', 'is', null));
    if (f.overdue) c.push(eb.and([eb('r.status', 'in', RUNNING), eb('r.deadlineAt', '<', f.now)]));
    if (f.departmentPath)
      c.push(eb.or([eb('d.path', 'like', `${likeEscape(f.departmentPath)}%`), eb('rd.path', 'like', `${likeEscape(f.departmentPath)}%`)]));
    if (f.q) {
      const like = `%${likeEscape(f.q)}%`;
      c.push(eb.or([eb('r.number', 'ilike', like), eb('r.applicantName', 'ilike', like)]));
    }
    return eb.and(c);
  });
  const rows = await query
    .select(COLUMNS)
    .orderBy(sql`r.deadline_at IS NULL`)
    .orderBy('r.deadlineAt', 'asc')
    .orderBy('r.createdAt', 'desc')
    .orderBy('r.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  if (rows.length < f.limit && (rows.length > 0 || f.offset === 0)) return { rows, total: f.offset + rows.length };
  const { n } = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: n };
}

export async function insertEvent(
  trx: Tx,
  communeId: string,
  e: {
    requestId: string;
    status: RequestStatus;
    action: string;
    note?: string | null;
    isPublic?: boolean;
    actorId?: string | null;
    actorLabel?: string | null;
    at?: Date;
  },
) {
  await tables(trx)
    .insertInto('eservices.requestEvent')
    .values({
      communeId,
      requestId: e.requestId,
      status: e.status,
      action: e.action,
      note: e.note ?? null,
      isPublic: e.isPublic ?? true,
      actorId: e.actorId ?? null,
      actorLabel: e.actorLabel ?? null,
      ...(e.at ? { at: e.at } : {}),
    })
    .execute();
}

export function listEvents(trx: Tx, requestId: string, options: { publicOnly: boolean }) {
  return tables(trx)
    .selectFrom('eservices.requestEvent')
    .select(['at', 'status', 'action', 'note', 'isPublic', 'actorLabel'])
    .where('requestId', '=', requestId)
    .where((eb) => eb.and(options.publicOnly ? [eb('isPublic', '=', true)] : []))
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export type AttachmentRow = Awaited<ReturnType<typeof listAttachments>>[number];

export function listAttachments(trx: Tx, requestId: string) {
  return tables(trx)
    .selectFrom('eservices.attachment')
    .select(['id', 'documentKey', 'filename', 'contentType', 'size', 'sha256', 'fileKey', 'uploadedBy', 'createdAt'])
    .where('requestId', '=', requestId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export function insertAttachment(trx: Tx, communeId: string, a: Omit<AttachmentTable, 'communeId' | 'id' | 'createdAt'>) {
  return tables(trx)
    .insertInto('eservices.attachment')
    .values({ communeId, ...a })
    .returning(['id', 'documentKey', 'filename', 'contentType', 'size', 'sha256', 'fileKey', 'uploadedBy', 'createdAt'])
    .executeTakeFirstOrThrow();
}

export function deleteAttachment(trx: Tx, requestId: string, attachmentId: string) {
  return tables(trx)
    .deleteFrom('eservices.attachment')
    .where('requestId', '=', requestId)
    .where('id', '=', attachmentId)
    .returning(['id', 'fileKey', 'documentKey', 'sha256'])
    .executeTakeFirst();
}

export type DocumentRow = Awaited<ReturnType<typeof listDocuments>>[number];

const DOCUMENT_COLUMNS = [
  'id',
  'requestId',
  'code',
  sql<string>`title::text`.as('titleJson'),
  sql<string | null>`decision::text`.as('decisionJson'),
  'holderName',
  'holderVisible',
  'fileKey',
  'sha256',
  'keyFingerprint',
  'issuedAt',
  'revokedAt',
  'revocationReason',
] as const;

export function listDocuments(trx: Tx, requestId: string) {
  return tables(trx)
    .selectFrom('eservices.document')
    .select(DOCUMENT_COLUMNS)
    .where('requestId', '=', requestId)
    .orderBy('issuedAt')
    .execute();
}

export function findDocumentByCode(trx: Tx, code: string) {
  return tables(trx).selectFrom('eservices.document').select(DOCUMENT_COLUMNS).where('code', '=', code).executeTakeFirst();
}

export interface DocumentValues {
  requestId: string;
  code: string;
  title: Text;
  decision: Text | null;
  holderName: string;
  holderVisible: boolean;
  fileKey: string;
  sha256: string;
  keyFingerprint: string;
  issuedBy: string | null;
  issuedAt?: Date;
}

export async function insertDocument(trx: Tx, communeId: string, d: DocumentValues) {
  await tables(trx)
    .insertInto('eservices.document')
    .values({
      communeId,
      ...d,
      title: JSON.stringify(d.title),
      decision: d.decision ? JSON.stringify(d.decision) : null,
      revokedAt: null,
      revocationReason: null,
      revokedBy: null,
    })
    .execute();
}

export async function revokeDocument(trx: Tx, code: string, reason: string, by: string | null) {
  const row = await tables(trx)
    .updateTable('eservices.document')
    .set({ revokedAt: new Date(), revocationReason: reason, revokedBy: by })
    .where('code', '=', code)
    .where('revokedAt', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return Boolean(row);
}

export function currentSigningKey(trx: Tx) {
  return tables(trx)
    .selectFrom('eservices.signingKey')
    .select(['id', 'fingerprint', 'publicKeyPem', 'privateKeyPem'])
    .where('retiredAt', 'is', null)
    .executeTakeFirst();
}

export function listSigningKeys(trx: Tx) {
  return tables(trx)
    .selectFrom('eservices.signingKey')
    .select(['fingerprint', 'publicKeyPem', 'createdAt', 'retiredAt'])
    .orderBy('createdAt', 'desc')
    .execute();
}

export async function insertSigningKey(
  trx: Tx,
  communeId: string,
  k: { fingerprint: string; publicKeyPem: string; privateKeyPem: string },
) {
  await tables(trx)
    .insertInto('eservices.signingKey')
    .values({ communeId, ...k, retiredAt: null })
    .execute();
}

export function findSubmissionKey(trx: Tx, key: string) {
  return tables(trx)
    .selectFrom('eservices.submissionKey')
    .select(['requestHash', 'requestId', 'secret'])
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function insertSubmissionKey(
  trx: Tx,
  communeId: string,
  v: { key: string; requestHash: string; requestId: string; secret: string },
) {
  await tables(trx)
    .insertInto('eservices.submissionKey')
    .values({ communeId, ...v })
    .execute();
}

/** Forgets idempotency keys (and the secrets kept with them) after a day. */
/** Deletes the drafts last changed before `before` (their attachments and history go with them); returns what was deleted. */
export async function deleteStaleDrafts(trx: Tx, before: Date) {
  const { rows } = await sql<{ id: string; number: string; fileKeys: string[] }>`
    DELETE FROM eservices.request r
     WHERE r.status = 'draft' AND r.updated_at < ${before}
    RETURNING r.id, r.number,
      ARRAY(SELECT a.file_key FROM eservices.attachment a WHERE a.request_id = r.id) AS file_keys`.execute(trx);
  return rows;
}

export async function purgeSubmissionKeys(trx: Tx) {
  await tables(trx).deleteFrom('eservices.submissionKey').where('createdAt', '<', sql<Date>`now() - interval '1 day'`).execute();
}

/** Staff of a department who work requests (agents and supervisors), with an email, to tell them of new work. */
export function departmentStaff(trx: Tx, departmentId: string) {
  return trx
    .selectFrom('platform.userAccount')
    .select(['email', 'locale'])
    .where('departmentId', '=', departmentId)
    .where('active', '=', true)
    .where('role', 'in', ['supervisor', 'agent'])
    .execute();
}

export function findStaffMember(trx: Tx, userId: string) {
  return trx
    .selectFrom('platform.userAccount as u')
    .leftJoin('platform.department as d', (j) => j.onRef('d.communeId', '=', 'u.communeId').onRef('d.id', '=', 'u.departmentId'))
    .select(['u.id', 'u.displayName', 'u.role', 'u.active', 'd.path as departmentPath'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
}

/**
 * Failed guesses (tracking secrets, verification codes) counted for `key` in the current window
 * of `windowSeconds`, without counting one more: checked before a guess is even tried.
 */
export async function failuresSoFar(trx: Tx, key: string, windowSeconds: number) {
  const row = await trx
    .selectFrom('platform.rateLimit')
    .select('hits')
    .where('key', '=', key)
    .where(
      sql<SqlBool>`window_start = to_timestamp(floor(extract(epoch FROM statement_timestamp()) / ${windowSeconds}::int) * ${windowSeconds}::int)`,
    )
    .executeTakeFirst();
  return row?.hits ?? 0;
}
