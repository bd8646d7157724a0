/** The office's side of e-services: the queue, one request and its actions, the catalog, the counter, indicators, holidays. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiPaths, api, type RequestOf, type ResponseOf, unwrap } from '../../api/client';

export type QueueItem = ResponseOf<'/api/v1/eservices/queue', 'get'>['items'][number];
export type QueueQuery = NonNullable<NonNullable<ApiPaths['/api/v1/eservices/queue']['get']['parameters']>['query']>;
export type StaffRequest = ResponseOf<'/api/v1/eservices/queue/{id}', 'get'>;
export type StaffActionBody = RequestOf<'/api/v1/eservices/queue/{id}/actions', 'post'>;
export type StaffAction = StaffActionBody['action'];
export type CatalogItem = ResponseOf<'/api/v1/eservices/catalog', 'get'>['items'][number];
export type ProcedureBody = RequestOf<'/api/v1/eservices/catalog', 'post'>;
export type StaffProcedure = ResponseOf<'/api/v1/eservices/catalog/{id}', 'get'>;
export type CounterBody = RequestOf<'/api/v1/eservices/counter', 'post'>;
export type Indicators = ResponseOf<'/api/v1/eservices/indicators', 'get'>;
export type Holiday = ResponseOf<'/api/v1/eservices/holidays', 'get'>['items'][number];
export type Attachment = StaffRequest['attachments'][number];

const ONE = (id: string) => ['office', 'eservices', 'request', id] as const;

export function useQueue(query: QueueQuery) {
  return useQuery({
    queryKey: ['office', 'eservices', 'queue', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/eservices/queue', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useStaffRequest(id: string) {
  return useQuery({
    queryKey: ONE(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/eservices/queue/{id}', { params: { path: { id } }, signal })),
  });
}

/** Every change answers with the whole request, which replaces the cached one; the queue is read again. */
function useRequestChange<V>(id: string, run: (v: V) => Promise<StaffRequest>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (request) => {
      queryClient.setQueryData(ONE(id), request);
      void queryClient.invalidateQueries({ queryKey: ['office', 'eservices', 'queue'] });
    },
  });
}

export function useStaffAction(id: string) {
  return useRequestChange(id, (body: StaffActionBody) =>
    unwrap(api.POST('/api/v1/eservices/queue/{id}/actions', { params: { path: { id } }, body })),
  );
}

export function useAssign(id: string) {
  return useRequestChange(id, (userId: string | null) =>
    unwrap(api.POST('/api/v1/eservices/queue/{id}/assign', { params: { path: { id } }, body: { userId } })),
  );
}

export function useRevoke(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, reason }: { code: string; reason: string }) =>
      unwrap(api.POST('/api/v1/eservices/documents/{code}/revoke', { params: { path: { code } }, body: { reason } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ONE(id) }),
  });
}

/** A file of the request, fetched with the session and handed to the browser (opened in a new tab). */
export async function openAttachment(id: string, attachment: Attachment): Promise<void> {
  const blob = (await unwrap(
    api.GET('/api/v1/eservices/queue/{id}/attachments/{attachmentId}', {
      params: { path: { id, attachmentId: attachment.id } },
      parseAs: 'blob',
    }),
  )) as Blob;
  openBlob(new Blob([blob], { type: attachment.contentType }), attachment.filename);
}

export async function openIssuedDocument(id: string, code: string): Promise<void> {
  const blob = (await unwrap(
    api.GET('/api/v1/eservices/queue/{id}/documents/{code}.pdf', { params: { path: { id, code } }, parseAs: 'blob' }),
  )) as Blob;
  openBlob(new Blob([blob], { type: 'application/pdf' }), `${code}.pdf`);
}

function openBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener';
  // A browser that cannot show the file (a phone without a PDF viewer) saves it under its name.
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The procedures: every one, in every status, for those who manage the catalog; the published
 * ones (the portal's list) for the others, who cannot list the rest.
 */
export function useCatalog(canManage = true) {
  return useQuery({
    queryKey: ['office', 'eservices', 'catalog', canManage ? 'all' : 'published'],
    queryFn: async ({ signal }): Promise<CatalogItem[]> =>
      canManage
        ? (await unwrap(api.GET('/api/v1/eservices/catalog', { signal }))).items
        : (await unwrap(api.GET('/api/v1/eservices/procedures', { params: { query: { limit: 200 } }, signal }))).items,
    staleTime: 60_000,
  });
}

export function useStaffProcedure(id: string | undefined) {
  return useQuery({
    queryKey: ['office', 'eservices', 'catalog', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/eservices/catalog/{id}', { params: { path: { id: id ?? '' } }, signal })),
    enabled: id !== undefined,
  });
}

/** A request's procedure, to name its answers and documents: from the catalog when allowed, else its published fiche. */
export function useRequestProcedure(procedure: { id: string; code: string }, canManage: boolean) {
  return useQuery({
    queryKey: ['office', 'eservices', 'procedure-of', procedure.id, canManage],
    queryFn: ({ signal }): Promise<StaffProcedure> =>
      canManage
        ? unwrap(api.GET('/api/v1/eservices/catalog/{id}', { params: { path: { id: procedure.id } }, signal }))
        : unwrap(api.GET('/api/v1/eservices/procedures/{code}', { params: { path: { code: procedure.code } }, signal })),
    staleTime: 5 * 60_000,
  });
}

export function useSaveProcedure() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: ProcedureBody }) =>
      id === null
        ? unwrap(api.POST('/api/v1/eservices/catalog', { body }))
        : unwrap(api.PUT('/api/v1/eservices/catalog/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'eservices', 'catalog'] }),
  });
}

export function fileForCitizen(body: CounterBody) {
  return unwrap(api.POST('/api/v1/eservices/counter', { body }));
}

export function uploadAtCounter(id: string, documentKey: string, file: File) {
  const form = new FormData();
  form.append('documentKey', documentKey);
  form.append('file', file, file.name || 'document');
  return unwrap(
    api.POST('/api/v1/eservices/queue/{id}/attachments', {
      params: { path: { id } },
      // Multipart, passed through as is (the generated types describe no JSON body here).
      body: form as never,
    }),
  ) as Promise<Attachment>;
}

export function submitAtCounter(id: string) {
  return unwrap(api.POST('/api/v1/eservices/queue/{id}/submit', { params: { path: { id } } }));
}

export function useIndicators(from: string, to: string) {
  return useQuery({
    queryKey: ['office', 'eservices', 'indicators', from, to],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/eservices/indicators', { params: { query: { from, to, format: 'json' } }, signal })) as Promise<Indicators>,
    placeholderData: keepPreviousData,
  });
}

export function useHolidays(year: number) {
  return useQuery({
    queryKey: ['office', 'eservices', 'holidays', year],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/eservices/holidays', { params: { query: { year } }, signal }))).items,
    placeholderData: keepPreviousData,
  });
}

export function useAdjustHoliday(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/eservices/holidays/adjustments', 'put'>) =>
      unwrap(api.PUT('/api/v1/eservices/holidays/adjustments', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'eservices', 'holidays', year] }),
  });
}

/** Staff who may be given a request: the users of the caller's departments. */
export function useStaff(enabled: boolean) {
  return useQuery({
    queryKey: ['office', 'eservices', 'staff'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/org/users', { params: { query: { limit: 200, active: true } }, signal }))).items,
    staleTime: 5 * 60_000,
    enabled,
  });
}
