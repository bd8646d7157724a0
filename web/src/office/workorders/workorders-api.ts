/** Work orders: the list (mine or all I may see), one with its sources and site photos, field completion. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiPaths, api, type RequestOf, type ResponseOf, unwrap } from '../../api/client';

export type WorkOrder = ResponseOf<'/api/v1/workorders', 'get'>['items'][number];
export type WorkOrderDetail = ResponseOf<'/api/v1/workorders/{id}', 'get'>;
export type WorkOrderStatus = WorkOrder['status'];
export type WorkOrderQuery = NonNullable<NonNullable<ApiPaths['/api/v1/workorders']['get']['parameters']>['query']>;
export type ChecklistItem = WorkOrder['checklist'][number];

export const WORK_ORDER_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const satisfies readonly WorkOrderStatus[];

export function useWorkOrders(query: WorkOrderQuery) {
  return useQuery({
    queryKey: ['office', 'workorders', 'list', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/workorders', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useWorkOrder(id: string | null | undefined, enabled = true) {
  return useQuery({
    queryKey: ['office', 'workorders', 'one', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/workorders/{id}', { params: { path: { id: id ?? '' } }, signal })),
    enabled: enabled && !!id,
  });
}

function useRefresh(id: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['office', 'workorders'] });
    // A work order's progress changes its reports (in progress, fixed).
    void queryClient.invalidateQueries({ queryKey: ['office', 'reports'] });
    return queryClient.invalidateQueries({ queryKey: ['office', 'workorders', 'one', id] });
  };
}

/** Status (start, back to open, cancel, reopen), checklist, assignment: for those who manage work orders. */
export function useUpdateWorkOrder(id: string) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/workorders/{id}', 'patch'>) =>
      unwrap(api.PATCH('/api/v1/workorders/{id}', { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
}

export function useCompleteWorkOrder(id: string) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/workorders/{id}/complete', 'post'>) =>
      unwrap(api.POST('/api/v1/workorders/{id}/complete', { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
}

/** Uploads site photos one request each: on a weak mobile network a failure costs one photo, not all. */
export function useUploadPhotos(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (files: File[]) => {
      let last: WorkOrderDetail | undefined;
      for (const file of files) {
        const form = new FormData();
        form.append('photo', await shrink(file), file.name);
        last = await unwrap(
          api.POST('/api/v1/workorders/{id}/photos', {
            params: { path: { id } },
            // The typed client knows no multipart body; openapi-fetch sends FormData as it is.
            body: form as never,
          }),
        );
        queryClient.setQueryData(['office', 'workorders', 'one', id], last);
      }
      return last;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['office', 'workorders', 'one', id] }),
  });
}

const LONG_SIDE = 2560;

/**
 * A phone's photo (often 4–12 MB) made smaller before it leaves the phone, when the browser can:
 * the server re-encodes and resizes it anyway, and the street's mobile network is slow. Anything
 * unusual (no canvas, a format the browser cannot draw) sends the file as it is.
 */
async function shrink(file: File): Promise<Blob> {
  if (file.size < 1_500_000 || typeof createImageBitmap !== 'function' || typeof OffscreenCanvas === 'undefined') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    return blob.size < file.size ? blob : file;
  } catch {
    return file;
  }
}
