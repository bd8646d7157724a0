import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, type ResponseOf, unwrap } from '../api/client';

export type Announcement = ResponseOf<'/api/v1/portal/announcements', 'get'>['items'][number];
export type Office = ResponseOf<'/api/v1/portal/offices', 'get'>['items'][number];
export type OfficeHours = Office['hours'][number];

const NEWS_PAGE = 5;

/** Published announcements, newest first, a page at a time. */
export function usePublishedAnnouncements() {
  return useInfiniteQuery({
    queryKey: ['portal', 'announcements', 'published'],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/api/v1/portal/announcements', { params: { query: { limit: NEWS_PAGE, offset: pageParam } }, signal })),
    getNextPageParam: (last) => {
      const next = last.page.offset + last.items.length;
      return last.items.length > 0 && next < last.page.total ? next : undefined;
    },
  });
}

/** The commune's offices with contact and opening hours, in their set order. */
export function useOffices() {
  return useQuery({
    queryKey: ['portal', 'offices'],
    queryFn: async ({ signal }) => {
      const { items } = await unwrap(api.GET('/api/v1/portal/offices', { signal }));
      return [...items].sort((a, b) => a.sortOrder - b.sortOrder);
    },
  });
}

export interface HoursGroup {
  from: number;
  to: number;
  /** [opens, closes] pairs, earliest first; empty = closed. */
  ranges: [string, string][];
}

/** Consecutive days (1 = Monday … 7 = Sunday) with the same hours, for a short, readable schedule. */
export function groupHours(hours: readonly OfficeHours[]): HoursGroup[] {
  const groups: HoursGroup[] = [];
  for (let day = 1; day <= 7; day++) {
    const ranges = hours
      .filter((h) => h.day === day)
      .map((h) => [h.opens, h.closes] as [string, string])
      .sort((a, b) => a[0].localeCompare(b[0]));
    const last = groups.at(-1);
    if (last && last.to === day - 1 && JSON.stringify(last.ranges) === JSON.stringify(ranges)) last.to = day;
    else groups.push({ from: day, to: day, ranges });
  }
  return groups;
}

/** Whether the office is open at `day`/`hhmm` (the commune's wall clock) and when it closes. */
export function openStatus(
  hours: readonly OfficeHours[],
  now: { day: number; hhmm: string },
): { open: true; closes: string } | { open: false } {
  const current = hours.find((h) => h.day === now.day && h.opens <= now.hhmm && now.hhmm < h.closes);
  return current ? { open: true, closes: current.closes } : { open: false };
}
