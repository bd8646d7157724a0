import { type ColumnType, type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';

export const WORK_ORDER_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface ChecklistItem {
  label: string;
  done: boolean;
}

export interface WorkOrderTable {
  communeId: string;
  id: Generated<string>;
  number: Generated<string>;
  title: string;
  description: string | null;
  location: unknown;
  departmentId: string | null;
  team: string | null;
  assigneeId: string | null;
  contractorId: string | null;
  priority: Priority;
  status: WorkOrderStatus;
  dueAt: Date | null;
  checklist: ColumnType<ChecklistItem[], string, string>;
  completionNote: string | null;
  completionLocation: unknown;
  completedAt: Date | null;
  completedBy: string | null;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface SourceTable {
  communeId: string;
  sourceType: string;
  sourceId: string;
  workOrderId: string;
}

export interface WorkOrderPhotoTable {
  communeId: string;
  id: Generated<string>;
  workOrderId: string;
  fileKey: string;
  thumbKey: string;
  width: number;
  height: number;
  bytes: number;
  createdBy: string | null;
  createdAt: Generated<Date>;
}

const tables = (trx: Tx) =>
  withTables<{ 'workorders.workOrder': WorkOrderTable; 'workorders.source': SourceTable; 'workorders.photo': WorkOrderPhotoTable }>(trx);

export interface Point {
  lat: number;
  lon: number;
}

export const pointSql = (p: Point) => sql`ST_SetSRID(ST_MakePoint(${p.lon}::float8, ${p.lat}::float8), 4326)`;

function base(trx: Tx) {
  return tables(trx)
    .selectFrom('workorders.workOrder as w')
    .leftJoin('platform.department as d', (j) => j.onRef('d.communeId', '=', 'w.communeId').onRef('d.id', '=', 'w.departmentId'))
    .leftJoin('platform.userAccount as a', (j) => j.onRef('a.communeId', '=', 'w.communeId').onRef('a.id', '=', 'w.assigneeId'))
    .leftJoin('platform.userAccount as c', (j) => j.onRef('c.communeId', '=', 'w.communeId').onRef('c.id', '=', 'w.contractorId'))
    .select([
      'w.id',
      sql<string>`w.number::text`.as('number'),
      'w.title',
      'w.description',
      sql<number | null>`ST_Y(w.location)`.as('lat'),
      sql<number | null>`ST_X(w.location)`.as('lon'),
      'w.departmentId',
      'd.path as departmentPath',
      'd.name as departmentName',
      'w.team',
      'w.assigneeId',
      'a.displayName as assigneeName',
      'w.contractorId',
      'c.displayName as contractorName',
      'w.priority',
      'w.status',
      'w.dueAt',
      'w.checklist',
      'w.completionNote',
      sql<number | null>`ST_Y(w.completion_location)`.as('completionLat'),
      sql<number | null>`ST_X(w.completion_location)`.as('completionLon'),
      'w.completedAt',
      'w.completedBy',
      'w.isDemo',
      'w.createdAt',
      'w.updatedAt',
    ]);
}

export type WorkOrderRow = Awaited<ReturnType<typeof findWorkOrder>> & {};

export function findWorkOrder(trx: Tx, id: string) {
  return base(trx).where('w.id', '=', id).executeTakeFirst();
}

export function findWorkOrderBySource(trx: Tx, sourceType: string, sourceId: string) {
  return base(trx)
    .innerJoin('workorders.source as s', (j) => j.onRef('s.communeId', '=', 'w.communeId').onRef('s.workOrderId', '=', 'w.id'))
    .where('s.sourceType', '=', sourceType)
    .where('s.sourceId', '=', sourceId)
    .executeTakeFirst();
}

export interface WorkOrderFilter {
  status?: WorkOrderStatus;
  /** Only work orders of departments under this materialized path (the caller's reach). */
  departmentPath?: string | null;
  contractorId?: string;
  assigneeId?: string;
  limit: number;
  offset: number;
}

export async function listWorkOrders(trx: Tx, f: WorkOrderFilter) {
  const query = base(trx).where((eb) => {
    const terms = [];
    if (f.status) terms.push(eb('w.status', '=', f.status));
    if (f.departmentPath) terms.push(eb('d.path', 'like', `${f.departmentPath}%`));
    if (f.contractorId) terms.push(eb('w.contractorId', '=', f.contractorId));
    if (f.assigneeId) terms.push(eb('w.assigneeId', '=', f.assigneeId));
    return eb.and(terms);
  });
  const rows = await query
    // Open work first, the most urgent and the soonest due first.
    .orderBy(sql`w.status IN ('done', 'cancelled')`)
    .orderBy(sql`array_position(ARRAY['urgent','high','normal','low'], w.priority)`)
    .orderBy(sql`w.due_at ASC NULLS LAST`)
    .orderBy('w.number', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const { n } = await query.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: n };
}

export interface WorkOrderValues {
  title: string;
  description: string | null;
  location: Point | null;
  departmentId: string | null;
  team: string | null;
  assigneeId: string | null;
  contractorId: string | null;
  priority: Priority;
  dueAt: Date | null;
  checklist: ChecklistItem[];
  isDemo?: boolean;
}

export async function insertWorkOrder(trx: Tx, communeId: string, v: WorkOrderValues) {
  const { id } = await tables(trx)
    .insertInto('workorders.workOrder')
    .values({
      communeId,
      title: v.title,
      description: v.description,
      location: v.location ? pointSql(v.location) : null,
      departmentId: v.departmentId,
      team: v.team,
      assigneeId: v.assigneeId,
      contractorId: v.contractorId,
      priority: v.priority,
      status: 'open',
      dueAt: v.dueAt,
      checklist: JSON.stringify(v.checklist),
      completionNote: null,
      completionLocation: null,
      completedAt: null,
      completedBy: null,
      isDemo: v.isDemo ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findWorkOrder(trx, id))!;
}

export type WorkOrderChanges = Partial<Omit<WorkOrderValues, 'isDemo'>> & {
  status?: WorkOrderStatus;
  completionNote?: string | null;
  completionLocation?: Point | null;
  completedAt?: Date | null;
  completedBy?: string | null;
};

export async function updateWorkOrder(trx: Tx, id: string, c: WorkOrderChanges) {
  const { location, completionLocation, checklist, ...rest } = c;
  await tables(trx)
    .updateTable('workorders.workOrder')
    .set({
      ...rest,
      ...(location !== undefined ? { location: location ? pointSql(location) : null } : {}),
      ...(completionLocation !== undefined ? { completionLocation: completionLocation ? pointSql(completionLocation) : null } : {}),
      ...(checklist !== undefined ? { checklist: JSON.stringify(checklist) } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .execute();
  return (await findWorkOrder(trx, id))!;
}

export async function linkSource(trx: Tx, communeId: string, workOrderId: string, sourceType: string, sourceId: string) {
  await tables(trx).insertInto('workorders.source').values({ communeId, workOrderId, sourceType, sourceId }).execute();
}

export function listSources(trx: Tx, workOrderId: string) {
  return tables(trx)
    .selectFrom('workorders.source')
    .select(['sourceType', 'sourceId'])
    .where('workOrderId', '=', workOrderId)
    .orderBy('sourceType')
    .orderBy('sourceId')
    .execute();
}

export function insertPhoto(trx: Tx, p: Omit<WorkOrderPhotoTable, 'id' | 'createdAt'>) {
  return tables(trx).insertInto('workorders.photo').values(p).returning(['id', 'createdAt']).executeTakeFirstOrThrow();
}

export function listPhotos(trx: Tx, workOrderId: string) {
  return tables(trx)
    .selectFrom('workorders.photo')
    .select(['id', 'fileKey', 'thumbKey', 'width', 'height', 'bytes', 'createdAt'])
    .where('workOrderId', '=', workOrderId)
    .orderBy('createdAt')
    .execute();
}

export function findPhoto(trx: Tx, workOrderId: string, photoId: string) {
  return tables(trx)
    .selectFrom('workorders.photo')
    .select(['id', 'fileKey', 'thumbKey'])
    .where('workOrderId', '=', workOrderId)
    .where('id', '=', photoId)
    .executeTakeFirst();
}

export function countPhotos(trx: Tx, workOrderId: string) {
  return tables(trx)
    .selectFrom('workorders.photo')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('workOrderId', '=', workOrderId)
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}

/** A staff account of this commune (active), with its role and department path, to check an assignment. */
export function findStaff(trx: Tx, id: string) {
  return trx
    .selectFrom('platform.userAccount as u')
    .leftJoin('platform.department as d', (j) => j.onRef('d.communeId', '=', 'u.communeId').onRef('d.id', '=', 'u.departmentId'))
    .select(['u.id', 'u.role', 'u.active', 'd.path as departmentPath'])
    .where('u.id', '=', id)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export function findDepartmentPath(trx: Tx, id: string) {
  return trx
    .selectFrom('platform.department')
    .select('path')
    .where('id', '=', id)
    .executeTakeFirst()
    .then((r) => r?.path);
}

/** Active accounts that can be given field work: staff who do it, and contractors; under a department path if given. */
export function listAssignees(trx: Tx, departmentPath: string | null) {
  return trx
    .selectFrom('platform.userAccount as u')
    .leftJoin('platform.department as d', (j) => j.onRef('d.communeId', '=', 'u.communeId').onRef('d.id', '=', 'u.departmentId'))
    .select(['u.id', 'u.displayName', 'u.role', 'u.departmentId', 'd.name as departmentName'])
    .where('u.active', '=', true)
    .where('u.role', 'in', ['supervisor', 'agent', 'technician', 'contractor'])
    .where((eb) => eb.and(departmentPath ? [eb('d.path', 'like', `${departmentPath}%`)] : []))
    .orderBy('u.role')
    .orderBy('u.displayName')
    .execute();
}
