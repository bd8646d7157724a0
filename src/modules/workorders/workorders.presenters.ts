import type { Multilingual } from '../../platform/db/types.js';
import type { WorkOrderRow } from './workorders.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const point = (lat: number | null, lon: number | null) => (lat === null || lon === null ? null : { lat, lon });

export function presentWorkOrder(w: WorkOrderRow, now = new Date()) {
  return {
    id: w.id,
    number: w.number,
    title: w.title,
    description: w.description,
    location: point(w.lat, w.lon),
    department: w.departmentId ? { id: w.departmentId, name: (w.departmentName ?? {}) as Multilingual } : null,
    team: w.team,
    assignee: w.assigneeId ? { id: w.assigneeId, displayName: w.assigneeName ?? '' } : null,
    contractor: w.contractorId ? { id: w.contractorId, displayName: w.contractorName ?? '' } : null,
    priority: w.priority,
    status: w.status,
    dueAt: iso(w.dueAt),
    overdue: w.dueAt !== null && (w.status === 'open' || w.status === 'in_progress') && w.dueAt < now,
    checklist: w.checklist.map(({ label, done }) => ({ label, done })),
    completion: w.completedAt
      ? { note: w.completionNote, location: point(w.completionLat, w.completionLon), at: w.completedAt.toISOString() }
      : null,
    isDemo: w.isDemo,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

export function presentWorkOrderDetail(
  w: WorkOrderRow & {
    sources: { sourceType: string; sourceId: string }[];
    photos: { id: string; width: number; height: number }[];
  },
) {
  const photoUrl = (id: string) => `/api/v1/workorders/${w.id}/photos/${id}`;
  return {
    ...presentWorkOrder(w),
    sources: w.sources.map((s) => ({ type: s.sourceType, id: s.sourceId })),
    photos: w.photos.map((p) => ({
      id: p.id,
      url: photoUrl(p.id),
      thumbUrl: `${photoUrl(p.id)}?size=thumb`,
      width: p.width,
      height: p.height,
    })),
  };
}
