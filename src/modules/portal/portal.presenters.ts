import type { AnnouncementRow } from './announcements.repository.js';
import type { OfficeRow } from './offices.repository.js';

type Text = { ar?: string; fr?: string; zgh?: string; en?: string };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An announcement; `withAuthor` for staff only (the public never sees who wrote it). */
export function presentAnnouncement(a: AnnouncementRow, options: { withAuthor: boolean }) {
  return {
    id: a.id,
    title: a.title as Text,
    body: a.body as Text,
    status: a.status,
    publishedAt: iso(a.publishedAt),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    author: options.withAuthor && a.authorName !== null ? { displayName: a.authorName } : null,
    isDemo: a.isDemo,
  };
}

export function presentOffice(o: OfficeRow) {
  return {
    id: o.id,
    name: o.name as Text,
    address: o.address as Text | null,
    phone: o.phone,
    email: o.email,
    hours: o.hours.map(({ day, opens, closes }) => ({ day, opens, closes })),
    note: o.note as Text | null,
    sortOrder: o.sortOrder,
    isDemo: o.isDemo,
  };
}
