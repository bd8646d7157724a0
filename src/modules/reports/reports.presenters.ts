import type { Multilingual } from '../../platform/db/types.js';
import type { WorkOrderRow } from '../workorders/index.js';
import type { CategoryRow } from './categories.repository.js';
import { type Answers, OPEN_STATUSES, type ReportRow } from './reports.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const text = (m: unknown) => (m ?? {}) as Multilingual;

interface PhotoRow {
  id: string;
  reportId: string;
  width: number;
  height: number;
  approved: boolean;
  hidden: boolean;
  uploadedBy: string;
}
interface UpdateRow {
  id: string;
  kind: string;
  status: string | null;
  text: string | null;
  isPublic: boolean;
  authorLabel: string | null;
  createdAt: Date;
}

export function presentCategory(c: CategoryRow) {
  return {
    id: c.id,
    code: c.code,
    group: c.groupCode,
    name: text(c.name),
    description: c.description ? text(c.description) : null,
    keywords: c.keywords,
    targetHours: c.targetHours,
    attributes: [...c.attributes].sort((a, b) => a.order - b.order),
    isPublic: c.isPublic,
    enabled: c.enabled,
    department: { id: c.departmentId, name: text(c.departmentName) },
    isDemo: c.isDemo,
  };
}

const photoUrls = (base: string, p: { id: string; width: number; height: number }) => ({
  id: p.id,
  url: `${base}/photos/${p.id}`,
  thumbUrl: `${base}/photos/${p.id}?size=thumb`,
  width: p.width,
  height: p.height,
});

const resolution = (r: ReportRow) => ({ note: r.resolutionNote, responsibleBody: r.responsibleBody, duplicateOf: r.duplicateOfNumber });
const location = (r: ReportRow) => (r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon });
const district = (r: ReportRow) => (r.districtId ? { id: r.districtId, name: text(r.districtName) } : null);
export const answersOf = (r: ReportRow) => JSON.parse(r.attributesJson) as Answers;
export const isOverdue = (r: ReportRow, now = new Date()) => OPEN_STATUSES.includes(r.status) && r.dueAt < now;

/** What anyone may see of a report: no contact, no answers, the text only if not hidden, approved photos only. */
export function presentPublic(r: ReportRow, photos: PhotoRow[]) {
  return {
    number: r.number,
    category: { code: r.categoryCode, name: text(r.categoryName) },
    status: r.status,
    location: location(r),
    address: r.address,
    district: district(r),
    description: r.textHidden ? null : r.description,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    expectedBy: r.dueAt.toISOString(),
    resolvedAt: iso(r.resolvedAt),
    resolution: resolution(r),
    photos: photos.filter((p) => p.reportId === r.id).map((p) => photoUrls(`/api/v1/reports/${r.number}`, p)),
    isDemo: r.isDemo,
  };
}

const publicUpdates = (updates: UpdateRow[]) =>
  updates
    .filter((u) => u.isPublic)
    .map((u) => ({ at: u.createdAt.toISOString(), status: u.status as ReportRow['status'] | null, text: u.text }));

export function presentPublicDetail(d: { report: ReportRow; updates: UpdateRow[]; photos: PhotoRow[] }) {
  return { ...presentPublic(d.report, d.photos), updates: publicUpdates(d.updates) };
}

/** The citizen's own view through the secret link: also their answers, their contact, their photos awaiting approval. */
export function presentTracked(d: { report: ReportRow; updates: UpdateRow[]; photos: PhotoRow[] }, now = new Date()) {
  const r = d.report;
  return {
    ...presentPublicDetail(d),
    // Their own text, even if staff hid it from the public.
    description: r.description,
    attributes: answersOf(r),
    contact: { name: r.contactName, email: r.contactEmail, phone: r.contactPhone },
    editableUntil: r.editableUntil.toISOString(),
    canEdit: r.status === 'open' && r.editableUntil > now,
    canReopen: ['fixed', 'closed', 'not_fixed'].includes(r.status),
    photosPending: d.photos.filter((p) => !p.approved).length,
  };
}

export function presentStaff(r: ReportRow, now = new Date()) {
  return {
    id: r.id,
    number: r.number,
    category: { code: r.categoryCode, name: text(r.categoryName) },
    department: { id: r.departmentId, name: text(r.departmentName) },
    status: r.status,
    location: location(r),
    address: r.address,
    district: district(r),
    description: r.description,
    textHidden: r.textHidden,
    source: r.source,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    expectedBy: r.dueAt.toISOString(),
    overdue: isOverdue(r, now),
    resolvedAt: iso(r.resolvedAt),
    reopenCount: r.reopenCount,
    resolution: resolution(r),
    isDemo: r.isDemo,
  };
}

export function presentStaffDetail(d: {
  report: ReportRow;
  showContact: boolean;
  updates: UpdateRow[];
  photos: PhotoRow[];
  workOrder: WorkOrderRow | null;
}) {
  const r = d.report;
  const w = d.workOrder;
  return {
    ...presentStaff(r),
    attributes: answersOf(r),
    contact: d.showContact ? { name: r.contactName, email: r.contactEmail, phone: r.contactPhone } : null,
    updates: d.updates.map((u) => ({
      id: u.id,
      at: u.createdAt.toISOString(),
      kind: u.kind,
      status: u.status as ReportRow['status'] | null,
      text: u.text,
      isPublic: u.isPublic,
      author: u.authorLabel,
    })),
    photos: d.photos.map((p) => ({
      ...photoUrls(`/api/v1/triage/reports/${r.id}`, p),
      approved: p.approved,
      hidden: p.hidden,
      uploadedBy: p.uploadedBy,
    })),
    workOrder: w
      ? {
          id: w.id,
          number: w.number,
          status: w.status,
          team: w.team,
          assignee: w.assigneeName,
          contractor: w.contractorName,
          priority: w.priority,
          dueAt: iso(w.dueAt),
        }
      : null,
  };
}
