/** The office's side of reports: the queue, one report with its history, triage actions, categories. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiPaths, api, type RequestOf, type ResponseOf, unwrap } from '../../api/client';

export type QueueItem = ResponseOf<'/api/v1/triage/reports', 'get'>['items'][number];
export type ReportDetail = ResponseOf<'/api/v1/triage/reports/{id}', 'get'>;
export type ReportStatus = QueueItem['status'];
export type ReportUpdate = ReportDetail['updates'][number];
export type ReportPhoto = ReportDetail['photos'][number];
export type Category = ResponseOf<'/api/v1/triage/categories', 'get'>['items'][number];
export type Assignee = ResponseOf<'/api/v1/workorders/assignees', 'get'>['items'][number];
export type QueueQuery = NonNullable<NonNullable<ApiPaths['/api/v1/triage/reports']['get']['parameters']>['query']>;
export type Priority = NonNullable<RequestOf<'/api/v1/triage/reports/{id}/assign', 'post'>['priority']>;

export const REPORT_STATUSES = [
  'open',
  'acknowledged',
  'in_progress',
  'fixed',
  'closed',
  'not_fixed',
  'not_responsible',
  'duplicate',
  'rejected',
] as const satisfies readonly ReportStatus[];

/** Statuses in which the commune still has work to do. */
export const OPEN_STATUSES: readonly ReportStatus[] = ['open', 'acknowledged', 'in_progress'];

/**
 * The moves the server allows from each status (src/modules/reports/triage.service.ts), so the
 * office offers only those; the server still decides (409 otherwise).
 */
export const NEXT_STATUSES: Record<ReportStatus, readonly ReportStatus[]> = {
  open: ['acknowledged', 'in_progress', 'fixed', 'not_fixed', 'not_responsible', 'duplicate', 'rejected'],
  acknowledged: ['open', 'in_progress', 'fixed', 'not_fixed', 'not_responsible', 'duplicate', 'rejected'],
  in_progress: ['acknowledged', 'fixed', 'not_fixed', 'not_responsible', 'duplicate', 'rejected'],
  fixed: ['closed', 'open'],
  closed: ['open'],
  not_fixed: ['open'],
  not_responsible: ['open'],
  duplicate: ['open'],
  rejected: ['open'],
};

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly Priority[];

/** The queue: reports of the caller's departments with the filters of the page. */
export function useQueue(query: QueueQuery, enabled = true) {
  return useQuery({
    queryKey: ['office', 'reports', 'queue', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/triage/reports', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useReport(id: string, enabled = true) {
  return useQuery({
    queryKey: ['office', 'reports', 'one', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/triage/reports/{id}', { params: { path: { id } }, signal })),
    enabled,
  });
}

type ReportAction =
  | { kind: 'status'; body: RequestOf<'/api/v1/triage/reports/{id}/status', 'post'> }
  | { kind: 'update'; body: RequestOf<'/api/v1/triage/reports/{id}/updates', 'post'> }
  | { kind: 'assign'; body: RequestOf<'/api/v1/triage/reports/{id}/assign', 'post'> }
  | { kind: 'moderation'; body: RequestOf<'/api/v1/triage/reports/{id}/moderation', 'post'> };

function runAction(id: string, action: ReportAction): Promise<ReportDetail> {
  const path = { params: { path: { id } } };
  switch (action.kind) {
    case 'status':
      return unwrap(api.POST('/api/v1/triage/reports/{id}/status', { ...path, body: action.body }));
    case 'update':
      return unwrap(api.POST('/api/v1/triage/reports/{id}/updates', { ...path, body: action.body }));
    case 'assign':
      return unwrap(api.POST('/api/v1/triage/reports/{id}/assign', { ...path, body: action.body }));
    case 'moderation':
      return unwrap(api.POST('/api/v1/triage/reports/{id}/moderation', { ...path, body: action.body }));
  }
}

/**
 * One of the triage actions on a report. Each answers with the whole report, which replaces the
 * cached one; the queue and the work orders are refreshed (statuses and assignments change them).
 */
export function useReportAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: ReportAction) => runAction(id, action),
    onSuccess: (detail) => {
      queryClient.setQueryData(['office', 'reports', 'one', id], detail);
      void queryClient.invalidateQueries({ queryKey: ['office', 'reports', 'queue'] });
      void queryClient.invalidateQueries({ queryKey: ['office', 'workorders'] });
    },
  });
}

/**
 * The categories, to name answers and to filter by: every category for those who manage them,
 * otherwise the enabled ones (the public list: staff without that right cannot list the others).
 */
export function useReportCategories(canManage: boolean) {
  return useQuery({
    queryKey: ['office', 'categories', canManage ? 'all' : 'enabled'],
    queryFn: async ({ signal }): Promise<Category[]> =>
      canManage
        ? (await unwrap(api.GET('/api/v1/triage/categories', { signal }))).items
        : (await unwrap(api.GET('/api/v1/reports/categories', { signal }))).items,
    staleTime: 5 * 60_000,
  });
}

/** Who may be given field work: staff and contractors of the caller's departments. */
export function useAssignees(enabled: boolean) {
  return useQuery({
    queryKey: ['office', 'workorders', 'assignees'],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/workorders/assignees', { signal }))).items,
    staleTime: 5 * 60_000,
    enabled,
  });
}

export function useSaveCategory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (
      change:
        | { id: null; body: RequestOf<'/api/v1/triage/categories', 'post'> }
        | { id: string; body: RequestOf<'/api/v1/triage/categories/{id}', 'patch'> },
    ) =>
      change.id === null
        ? unwrap(api.POST('/api/v1/triage/categories', { body: change.body }))
        : unwrap(api.PATCH('/api/v1/triage/categories/{id}', { params: { path: { id: change.id } }, body: change.body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'categories'] }),
  });
}

const HOUR = 3_600_000;

/** How long ago, in whole hours under a day and whole days after: for "filed 3 days ago". */
export function ageOf(iso: string, now = Date.now()): { unit: 'hours' | 'days'; count: number } {
  const hours = Math.max(0, Math.floor((now - new Date(iso).getTime()) / HOUR));
  return hours < 24 ? { unit: 'hours', count: hours } : { unit: 'days', count: Math.floor(hours / 24) };
}

/** A date typed in a date field (YYYY-MM-DD, the user's clock) as the end of that day; and back. */
export function endOfDay(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const date = new Date(`${day}T23:59:59`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function dayOf(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
