import { Type } from 'typebox';
import { LatLon, Nullable, PageMeta, PageQuery, plainText, Strict, TextOut, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import { PRIORITIES, type Priority, WORK_ORDER_STATUSES, type WorkOrderStatus } from './workorders.repository.js';

const Status = Type.Unsafe<WorkOrderStatus>({ type: 'string', enum: [...WORK_ORDER_STATUSES] });
const PriorityT = Type.Unsafe<Priority>({ type: 'string', enum: [...PRIORITIES] });
const Line = (maxLength: number) => plainText(maxLength, 'line');
const Text = (maxLength: number) => plainText(maxLength, 'text');
const ChecklistItem = Strict({ label: Line(LIMITS.checklistLabelMax), done: Type.Boolean() });
const Checklist = Type.Array(ChecklistItem, { maxItems: LIMITS.checklistMax });

export const WorkOrderResponse = Type.Object({
  id: Uuid,
  number: Type.String({ description: 'What staff call it ("work order 1042")' }),
  title: Type.String(),
  description: Nullable(Type.String()),
  location: Nullable(LatLon),
  department: Nullable(Type.Object({ id: Uuid, name: TextOut })),
  team: Nullable(Type.String()),
  assignee: Nullable(Type.Object({ id: Uuid, displayName: Type.String() })),
  contractor: Nullable(Type.Object({ id: Uuid, displayName: Type.String() })),
  priority: PriorityT,
  status: Status,
  dueAt: Nullable(Timestamp),
  overdue: Type.Boolean(),
  checklist: Type.Array(Type.Object({ label: Type.String(), done: Type.Boolean() })),
  completion: Nullable(Type.Object({ note: Nullable(Type.String()), location: Nullable(LatLon), at: Timestamp })),
  isDemo: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const WorkOrderDetailResponse = Type.Intersect([
  WorkOrderResponse,
  Type.Object({
    sources: Type.Array(Type.Object({ type: Type.String(), id: Uuid })),
    photos: Type.Array(
      Type.Object({ id: Uuid, url: Type.String(), thumbUrl: Type.String(), width: Type.Integer(), height: Type.Integer() }),
    ),
  }),
]);
export const WorkOrderListResponse = Type.Object({ items: Type.Array(WorkOrderResponse), page: PageMeta });
export const WorkOrderListQuery = Strict({
  ...PageQuery,
  status: Type.Optional(Status),
  mine: Type.Optional(Type.Boolean({ description: 'Only the work orders assigned to me' })),
});
export const WorkOrderCreateBody = Strict({
  title: Line(LIMITS.workOrderTitleMax),
  description: Type.Optional(Nullable(Text(LIMITS.descriptionMax))),
  location: Type.Optional(Nullable(LatLon)),
  departmentId: Type.Optional(Nullable(Uuid)),
  team: Type.Optional(Nullable(Line(LIMITS.nameMax))),
  assigneeId: Type.Optional(Nullable(Uuid)),
  contractorId: Type.Optional(Nullable(Uuid)),
  priority: Type.Optional(PriorityT),
  dueAt: Type.Optional(Nullable(Timestamp)),
  checklist: Type.Optional(Checklist),
});
export const WorkOrderUpdateBody = Strict({
  title: Type.Optional(Line(LIMITS.workOrderTitleMax)),
  description: Type.Optional(Nullable(Text(LIMITS.descriptionMax))),
  location: Type.Optional(Nullable(LatLon)),
  departmentId: Type.Optional(Nullable(Uuid)),
  team: Type.Optional(Nullable(Line(LIMITS.nameMax))),
  assigneeId: Type.Optional(Nullable(Uuid)),
  contractorId: Type.Optional(Nullable(Uuid)),
  priority: Type.Optional(PriorityT),
  dueAt: Type.Optional(Nullable(Timestamp)),
  checklist: Type.Optional(Checklist),
  status: Type.Optional(Type.Unsafe<'open' | 'in_progress' | 'cancelled'>({ type: 'string', enum: ['open', 'in_progress', 'cancelled'] })),
});
export const WorkOrderCompleteBody = Strict({
  note: Text(LIMITS.descriptionMax),
  location: Nullable(LatLon),
  checklist: Type.Optional(Checklist),
});
export const PhotoParams = Strict({ id: Uuid, photoId: Uuid });
export const PhotoQuery = Strict({ size: Type.Optional(Type.Unsafe<'full' | 'thumb'>({ type: 'string', enum: ['full', 'thumb'] })) });
export const AssigneeListResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      displayName: Type.String(),
      role: Type.String(),
      department: Nullable(Type.Object({ id: Uuid, name: TextOut })),
    }),
  ),
});
