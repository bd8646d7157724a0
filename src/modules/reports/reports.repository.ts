import { type ColumnType, type Generated, type SqlBool, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { CategoryTable } from './categories.repository.js';

export const STATUSES = [
  'open',
  'acknowledged',
  'in_progress',
  'fixed',
  'closed',
  'not_fixed',
  'not_responsible',
  'duplicate',
  'rejected',
] as const;
export type Status = (typeof STATUSES)[number];
/** Statuses in which the commune still has work to do (Open311 "open"). */
export const OPEN_STATUSES: readonly Status[] = ['open', 'acknowledged', 'in_progress'];
export type Answers = Record<string, string | number | string[]>;
export type Source = 'portal' | 'open311' | 'office';
export type UpdateKind = 'created' | 'status' | 'public_note' | 'internal_note' | 'assignment' | 'citizen' | 'moderation';

export interface ReportTable {
  communeId: string;
  id: Generated<string>;
  number: Generated<string>;
  categoryId: string;
  status: Status;
  location: unknown;
  address: string | null;
  districtId: string | null;
  description: string;
  attributes: ColumnType<unknown, string, string>;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  contactLocale: string;
  secretHash: string;
  source: Source;
  apiKeyId: string | null;
  resolutionNote: string | null;
  responsibleBody: string | null;
  duplicateOf: string | null;
  textHidden: Generated<boolean>;
  reopenCount: Generated<number>;
  dueAt: Date;
  editableUntil: Date;
  resolvedAt: Date | null;
  isDemo: Generated<boolean>;
  createdAt: ColumnType<Date, Date | undefined, never>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

interface SubmissionKeyTable {
  communeId: string;
  key: string;
  requestHash: string;
  reportId: string;
  secret: string;
  createdAt: Generated<Date>;
}

interface UpdateTable {
  communeId: string;
  id: Generated<string>;
  reportId: string;
  kind: UpdateKind;
  status: Status | null;
  text: string | null;
  isPublic: boolean;
  authorId: string | null;
  authorLabel: string | null;
  createdAt: Generated<Date>;
}

interface PhotoTable {
  communeId: string;
  id: Generated<string>;
  reportId: string;
  fileKey: string;
  thumbKey: string;
  width: number;
  height: number;
  bytes: number;
  approved: boolean;
  hidden: Generated<boolean>;
  uploadedBy: 'citizen' | 'staff';
  createdAt: Generated<Date>;
}

interface FollowerTable {
  communeId: string;
  reportId: string;
  email: string;
  locale: string;
  createdAt: Generated<Date>;
}

const tables = (trx: Tx) =>
  withTables<{
    'reports.report': ReportTable;
    'reports.category': CategoryTable;
    'reports.submissionKey': SubmissionKeyTable;
    'reports.reportUpdate': UpdateTable;
    'reports.photo': PhotoTable;
    'reports.follower': FollowerTable;
  }>(trx);

export interface Point {
  lat: number;
  lon: number;
}

const pointSql = (p: Point) => sql`ST_SetSRID(ST_MakePoint(${p.lon}::float8, ${p.lat}::float8), 4326)`;

function base(trx: Tx) {
  return tables(trx)
    .selectFrom('reports.report as r')
    .innerJoin('reports.category as c', (j) => j.onRef('c.communeId', '=', 'r.communeId').onRef('c.id', '=', 'r.categoryId'))
    .innerJoin('platform.department as d', (j) => j.onRef('d.communeId', '=', 'c.communeId').onRef('d.id', '=', 'c.departmentId'))
    .leftJoin('platform.district as di', (j) => j.onRef('di.communeId', '=', 'r.communeId').onRef('di.id', '=', 'r.districtId'))
    .leftJoin('reports.report as dup', (j) => j.onRef('dup.communeId', '=', 'r.communeId').onRef('dup.id', '=', 'r.duplicateOf'));
}

const COLUMNS = [
  'r.id',
  sql<string>`r.number::text`.as('number'),
  'r.categoryId',
  'c.code as categoryCode',
  'c.name as categoryName',
  'c.groupCode',
  'c.isPublic',
  'c.departmentId',
  'd.path as departmentPath',
  'd.name as departmentName',
  'r.status',
  sql<number | null>`ST_Y(r.location)`.as('lat'),
  sql<number | null>`ST_X(r.location)`.as('lon'),
  'r.address',
  'r.districtId',
  'di.name as districtName',
  'r.description',
  // As text: the plugin that camelCases column names would rewrite the answers' keys too.
  sql<string>`r.attributes::text`.as('attributesJson'),
  'r.contactName',
  'r.contactEmail',
  'r.contactPhone',
  'r.contactLocale',
  'r.secretHash',
  'r.source',
  'r.resolutionNote',
  'r.responsibleBody',
  'r.duplicateOf',
  sql<string | null>`dup.number::text`.as('duplicateOfNumber'),
  'r.textHidden',
  'r.reopenCount',
  'r.dueAt',
  'r.editableUntil',
  'r.resolvedAt',
  'r.isDemo',
  'r.createdAt',
  'r.updatedAt',
] as const;

export type ReportRow = Awaited<ReturnType<typeof findReport>> & {};

export function findReport(trx: Tx, id: string) {
  return base(trx).select(COLUMNS).where('r.id', '=', id).executeTakeFirst();
}

export function findReportByNumber(trx: Tx, number: string) {
  return base(trx).select(COLUMNS).where(sql<SqlBool>`r.number = ${number}::bigint`).executeTakeFirst();
}

export interface ReportValues {
  categoryId: string;
  location: Point | null;
  address: string | null;
  districtId: string | null;
  description: string;
  attributes: Answers;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  contactLocale: string;
  secretHash: string;
  source: Source;
  apiKeyId: string | null;
  dueAt: Date;
  editableUntil: Date;
  createdAt?: Date;
  status?: Status;
  resolvedAt?: Date | null;
  isDemo?: boolean;
}

export async function insertReport(trx: Tx, communeId: string, v: ReportValues) {
  const { location, attributes, ...rest } = v;
  const { id } = await tables(trx)
    .insertInto('reports.report')
    .values({
      communeId,
      ...rest,
      status: v.status ?? 'open',
      location: location ? pointSql(location) : null,
      attributes: JSON.stringify(attributes),
      resolutionNote: null,
      responsibleBody: null,
      duplicateOf: null,
      resolvedAt: v.resolvedAt ?? null,
      ...(v.createdAt ? { updatedAt: v.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export interface ReportChanges {
  status?: Status;
  description?: string;
  attributes?: Answers;
  address?: string | null;
  districtId?: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  resolutionNote?: string | null;
  responsibleBody?: string | null;
  duplicateOf?: string | null;
  textHidden?: boolean;
  resolvedAt?: Date | null;
  categoryId?: string;
  dueAt?: Date;
  reopened?: boolean;
}

export async function updateReport(trx: Tx, id: string, c: ReportChanges) {
  const { attributes, reopened, ...rest } = c;
  await tables(trx)
    .updateTable('reports.report')
    .set({
      ...rest,
      ...(attributes !== undefined ? { attributes: JSON.stringify(attributes) } : {}),
      ...(reopened ? { reopenCount: sql`reopen_count + 1` } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .execute();
  return (await findReport(trx, id))!;
}

/**
 * Open reports of a category within `metres` of a point, nearest first ("is it one of these?"),
 * through `reports.nearby_open`, which keeps the geography index usable under row-level security.
 */
export function findNearbyOpen(trx: Tx, categoryId: string, p: Point, metres: number, limit: number) {
  return base(trx)
    .innerJoin(
      sql<{
        reportId: string;
        distance: number;
      }>`reports.nearby_open(${categoryId}::uuid, ${p.lon}::float8, ${p.lat}::float8, ${metres}::float8, ${limit}::int)`.as('near'),
      (j) => j.onRef('near.reportId', '=', 'r.id'),
    )
    .select([...COLUMNS, 'near.distance'])
    .orderBy('near.distance')
    .execute();
}

export function isInsideCommune(trx: Tx, communeId: string, p: Point) {
  return trx
    .selectFrom('platform.commune')
    .select(sql<boolean>`ST_Covers(boundary, ${pointSql(p)})`.as('inside'))
    .where('id', '=', communeId)
    .executeTakeFirst()
    .then((r) => r?.inside === true);
}

export interface ReportFilter {
  /** Only reports of public categories, not merged away (the public map and list). */
  publicOnly?: boolean;
  categoryCodes?: string[];
  statuses?: readonly Status[];
  districtId?: string;
  from?: Date;
  to?: Date;
  /** [west, south, east, north] */
  bbox?: [number, number, number, number];
  numbers?: string[];
  /** Staff: reports of departments under this materialized path. */
  departmentPath?: string | null;
  overdue?: boolean;
  /** false: the caller needs no total (Open311 returns none); `total` is then only what was read. */
  count?: boolean;
  limit: number;
  offset: number;
  order?: 'newest' | 'due';
}

export async function listReports(trx: Tx, f: ReportFilter) {
  const query = base(trx).where((eb) => {
    const t = [];
    if (f.publicOnly) t.push(eb('c.isPublic', '=', true));
    if (f.categoryCodes?.length) t.push(eb('c.code', 'in', f.categoryCodes));
    if (f.statuses?.length) t.push(eb('r.status', 'in', f.statuses));
    if (f.districtId) t.push(eb('r.districtId', '=', f.districtId));
    if (f.from) t.push(eb('r.createdAt', '>=', f.from));
    if (f.to) t.push(eb('r.createdAt', '<', f.to));
    if (f.bbox) {
      const [w, s, e, n] = f.bbox;
      t.push(eb(sql`r.location`, '&&', sql`ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, 4326)`));
    }
    if (f.numbers?.length) t.push(eb(sql`r.number::text`, 'in', f.numbers));
    if (f.departmentPath) t.push(eb('d.path', 'like', `${f.departmentPath}%`));
    if (f.overdue) t.push(eb.and([eb('r.status', 'in', OPEN_STATUSES), eb('r.dueAt', '<', new Date())]));
    return eb.and(t);
  });
  const ordered = f.order === 'due' ? query.orderBy('r.dueAt', 'asc') : query.orderBy('r.createdAt', 'desc');
  const rows = await ordered.select(COLUMNS).orderBy('r.number', 'desc').limit(f.limit).offset(f.offset).execute();
  // A page that is not full tells the total; counting every match (a scan) is for full pages only.
  if (f.count === false || (rows.length < f.limit && (rows.length > 0 || f.offset === 0))) return { rows, total: f.offset + rows.length };
  const { n } = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: n };
}

export async function insertUpdate(
  trx: Tx,
  communeId: string,
  u: {
    reportId: string;
    kind: UpdateKind;
    status?: Status | null;
    text?: string | null;
    isPublic: boolean;
    authorId?: string | null;
    authorLabel?: string | null;
    /** Only for imported or demo history; otherwise the database's clock. */
    at?: Date;
  },
) {
  return tables(trx)
    .insertInto('reports.reportUpdate')
    .values({
      communeId,
      reportId: u.reportId,
      kind: u.kind,
      status: u.status ?? null,
      text: u.text ?? null,
      isPublic: u.isPublic,
      authorId: u.authorId ?? null,
      authorLabel: u.authorLabel ?? null,
      ...(u.at ? { createdAt: u.at } : {}),
    })
    .returning(['id', 'createdAt'])
    .executeTakeFirstOrThrow();
}

export function listUpdates(trx: Tx, reportIds: string[], options: { publicOnly: boolean }) {
  if (reportIds.length === 0) return Promise.resolve([]);
  return tables(trx)
    .selectFrom('reports.reportUpdate')
    .select(['id', 'reportId', 'kind', 'status', 'text', 'isPublic', 'authorLabel', 'createdAt'])
    .where('reportId', 'in', reportIds)
    .where((eb) => eb.and(options.publicOnly ? [eb('isPublic', '=', true)] : []))
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export function insertPhoto(trx: Tx, p: Omit<PhotoTable, 'id' | 'createdAt' | 'hidden'>) {
  return tables(trx).insertInto('reports.photo').values(p).returning('id').executeTakeFirstOrThrow();
}

export function listPhotos(trx: Tx, reportIds: string[], options: { approvedOnly: boolean }) {
  if (reportIds.length === 0) return Promise.resolve([]);
  return tables(trx)
    .selectFrom('reports.photo')
    .select(['id', 'reportId', 'fileKey', 'thumbKey', 'width', 'height', 'approved', 'hidden', 'uploadedBy', 'createdAt'])
    .where('reportId', 'in', reportIds)
    .where((eb) => eb.and(options.approvedOnly ? [eb('approved', '=', true), eb('hidden', '=', false)] : []))
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export function findPhoto(trx: Tx, reportId: string, photoId: string) {
  return tables(trx)
    .selectFrom('reports.photo')
    .select(['id', 'fileKey', 'thumbKey', 'approved', 'hidden'])
    .where('reportId', '=', reportId)
    .where('id', '=', photoId)
    .executeTakeFirst();
}

export function setPhotoFlags(trx: Tx, reportId: string, photoId: string, flags: { approved?: boolean; hidden?: boolean }) {
  return tables(trx)
    .updateTable('reports.photo')
    .set(flags)
    .where('reportId', '=', reportId)
    .where('id', '=', photoId)
    .returning(['id', 'approved', 'hidden'])
    .executeTakeFirst();
}

export function countPhotos(trx: Tx, reportId: string) {
  return tables(trx)
    .selectFrom('reports.photo')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('reportId', '=', reportId)
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}

export function findSubmissionKey(trx: Tx, key: string) {
  return tables(trx)
    .selectFrom('reports.submissionKey')
    .select(['requestHash', 'reportId', 'secret'])
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function insertSubmissionKey(
  trx: Tx,
  communeId: string,
  v: { key: string; requestHash: string; reportId: string; secret: string },
) {
  await tables(trx)
    .insertInto('reports.submissionKey')
    .values({ communeId, ...v })
    .execute();
}

/** Forgets idempotency keys (and the secrets kept with them) after a day. */
export async function purgeSubmissionKeys(trx: Tx) {
  await tables(trx).deleteFrom('reports.submissionKey').where('createdAt', '<', sql<Date>`now() - interval '1 day'`).execute();
}

export async function addFollower(trx: Tx, communeId: string, reportId: string, email: string, locale: string) {
  await tables(trx)
    .insertInto('reports.follower')
    .values({ communeId, reportId, email, locale })
    .onConflict((oc) => oc.columns(['communeId', 'reportId', 'email']).doUpdateSet({ locale }))
    .execute();
}

export function listFollowers(trx: Tx, reportId: string) {
  return tables(trx).selectFrom('reports.follower').select(['email', 'locale']).where('reportId', '=', reportId).execute();
}

export function listDistricts(trx: Tx) {
  return trx.selectFrom('platform.district').select(['id', 'name']).orderBy(sql`name->>'fr'`).execute();
}

export function findDistrict(trx: Tx, id: string) {
  return trx.selectFrom('platform.district').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}
