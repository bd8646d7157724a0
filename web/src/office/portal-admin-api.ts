import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type RequestOf, unwrap } from '../api/client';

export type AnnouncementStatus = 'draft' | 'published' | 'archived';

/** Announcements for the office, last changed first: any status or one (published, drafts, archived). */
export function useManagedAnnouncements(status: AnnouncementStatus | null, page: { limit: number; offset: number }, enabled = true) {
  const query = { ...page, ...(status ? { status } : {}) };
  return useQuery({
    queryKey: ['office', 'announcements', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/portal/announcements/manage', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useSaveAnnouncement() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (
      change:
        | { id: null; body: RequestOf<'/api/v1/portal/announcements', 'post'> }
        | { id: string; body: RequestOf<'/api/v1/portal/announcements/{id}', 'patch'> },
    ) =>
      change.id === null
        ? unwrap(api.POST('/api/v1/portal/announcements', { body: change.body }))
        : unwrap(api.PATCH('/api/v1/portal/announcements/{id}', { params: { path: { id: change.id } }, body: change.body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['office', 'announcements'] });
      void queryClient.invalidateQueries({ queryKey: ['portal', 'announcements'] });
    },
  });
}

export function useSaveOffice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (
      change:
        | { id: null; body: RequestOf<'/api/v1/portal/offices', 'post'> }
        | { id: string; body: RequestOf<'/api/v1/portal/offices/{id}', 'patch'> },
    ) =>
      change.id === null
        ? unwrap(api.POST('/api/v1/portal/offices', { body: change.body }))
        : unwrap(api.PATCH('/api/v1/portal/offices/{id}', { params: { path: { id: change.id } }, body: change.body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['portal', 'offices'] }),
  });
}

export function useDeleteOffice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/portal/offices/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['portal', 'offices'] }),
  });
}
