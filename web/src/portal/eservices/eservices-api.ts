/** The e-services API as the portal uses it: typed from openapi.json through `api` and `unwrap`. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Field } from '../../../../src/modules/eservices/procedure';
import { type ApiPaths, api, ConnectionError, ProblemError, type RequestOf, type ResponseOf, unwrap } from '../../api/client';
import { keepRequest } from './kept-requests';

export type ProcedureSummary = ResponseOf<'/api/v1/eservices/procedures', 'get'>['items'][number];
export type Procedure = ResponseOf<'/api/v1/eservices/procedures/{code}', 'get'>;
export type ServiceRequest = ResponseOf<'/api/v1/eservices/requests/{number}', 'get'>;
export type RequestStatus = ServiceRequest['status'];
export type Attachment = ServiceRequest['attachments'][number];
export type Verification = ResponseOf<'/api/v1/eservices/verify/{code}', 'get'>;
export type CreateBody = RequestOf<'/api/v1/eservices/requests', 'post'>;
export type PatchBody = RequestOf<'/api/v1/eservices/requests/{number}', 'patch'>;
export type CatalogQuery = NonNullable<ApiPaths['/api/v1/eservices/procedures']['get']['parameters']['query']>;

/** The procedure's fields as procedure.ts types them (the API's schema spells the same shape). */
export const fieldsOf = (p: { fields: unknown }) => p.fields as Field[];

export const REQUEST_STATUSES = [
  'draft',
  'incomplete',
  'returned',
  'submitted',
  'under_review',
  'needs_completion',
  'approved',
  'rejected',
  'deemed_approved',
  'issued',
  'closed',
  'appealed',
  'appeal_escalated',
] as const satisfies readonly RequestStatus[];

/** The file types the server accepts as attachments (it checks the content). */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

/** The published catalog, searched and filtered by the server (Arabic folded like procedure.ts's searchFold). */
export function useCatalog(query: CatalogQuery) {
  return useQuery({
    queryKey: ['eservices', 'catalog', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/eservices/procedures', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

export function useProcedure(code: string, enabled = true) {
  return useQuery({
    queryKey: ['eservices', 'procedure', code],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/eservices/procedures/{code}', { params: { path: { code } }, signal })),
    staleTime: 5 * 60_000,
    enabled,
    retry: (failures, error) => error instanceof ConnectionError && failures < 2,
  });
}

export const requestKey = (number: string) => ['eservices', 'request', number] as const;

const headers = (token: string) => ({ 'x-tracking-token': token });

export const requestQueryFn = (number: string, token: string) => (context: { signal: AbortSignal }) =>
  unwrap(api.GET('/api/v1/eservices/requests/{number}', { params: { path: { number }, header: headers(token) }, signal: context.signal }));

/** The citizen's request, read with its tracking secret. */
export function useServiceRequest(number: string, token: string | undefined) {
  return useQuery({
    queryKey: requestKey(number),
    queryFn: requestQueryFn(number, token ?? ''),
    enabled: token !== undefined,
    retry: (failures, error) => error instanceof ConnectionError && failures < 2,
  });
}

/** Whether a failure means "no such request for this secret" (a wrong or outdated link). */
export const isNotFound = (error: unknown) => error instanceof ProblemError && (error.status === 404 || error.status === 403);

/** Starts a draft on the server: its number and secret are kept in this browser at once. */
export async function createDraft(body: CreateBody, idempotencyKey: string) {
  const result = await unwrap(api.POST('/api/v1/eservices/requests', { body, headers: { 'Idempotency-Key': idempotencyKey } }));
  keepRequest({ number: result.number, token: result.token, procedure: body.procedureCode, draft: true });
  return result;
}

export function patchDraft(number: string, token: string, body: PatchBody) {
  return unwrap(api.PATCH('/api/v1/eservices/requests/{number}', { params: { path: { number }, header: headers(token) }, body }));
}

/** Sends one file for one document (multipart: documentKey, file). */
export function uploadAttachment(number: string, token: string, documentKey: string, file: File) {
  const form = new FormData();
  form.append('documentKey', documentKey);
  form.append('file', file, file.name || 'document');
  return unwrap(
    api.POST('/api/v1/eservices/requests/{number}/attachments', {
      params: { path: { number }, header: headers(token) },
      // The generated types describe no JSON body here: the request is multipart, passed through as is.
      body: form as never,
    }),
  ) as Promise<Attachment>;
}

export function deleteAttachment(number: string, token: string, attachmentId: string) {
  return unwrap(
    api.DELETE('/api/v1/eservices/requests/{number}/attachments/{attachmentId}', {
      params: { path: { number, attachmentId }, header: headers(token) },
    }),
  );
}

/** Submits a draft (the caller marks it submitted in this browser once it has left the form). */
export function submitRequest(number: string, token: string) {
  return unwrap(api.POST('/api/v1/eservices/requests/{number}/submit', { params: { path: { number }, header: headers(token) } }));
}

type TrackedAction = { kind: 'complete'; message?: string } | { kind: 'appeal'; reason: string } | { kind: 'certificate' };

/** The citizen's moves on a submitted request; each answers with the request, which replaces the cached one. */
export function useTrackedAction(number: string, token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: TrackedAction) => {
      const params = { path: { number }, header: headers(token) };
      switch (action.kind) {
        case 'complete':
          return unwrap(
            api.POST('/api/v1/eservices/requests/{number}/complete', {
              params,
              body: action.message ? { message: action.message } : {},
            }),
          );
        case 'appeal':
          return unwrap(api.POST('/api/v1/eservices/requests/{number}/appeal', { params, body: { reason: action.reason } }));
        case 'certificate':
          return unwrap(api.POST('/api/v1/eservices/requests/{number}/silence-certificate', { params }));
      }
    },
    onSuccess: (request) => queryClient.setQueryData(requestKey(number), request),
  });
}

/** A PDF the citizen may download (receipt, issued document): fetched with the secret, saved from a blob. */
export async function downloadPdf(
  path: { number: string; token: string } & ({ kind: 'receipt'; lang: 'ar' | 'fr' } | { kind: 'document'; code: string }),
) {
  const params = { path: { number: path.number }, header: headers(path.token) };
  const blob =
    path.kind === 'receipt'
      ? ((await unwrap(
          api.GET('/api/v1/eservices/requests/{number}/receipt.pdf', {
            params: { ...params, query: { lang: path.lang } },
            parseAs: 'blob',
          }),
        )) as Blob)
      : ((await unwrap(
          api.GET('/api/v1/eservices/requests/{number}/documents/{code}.pdf', {
            params: { ...params, path: { ...params.path, code: path.code } },
            parseAs: 'blob',
          }),
        )) as Blob);
  const name = path.kind === 'receipt' ? `receipt-${path.number}-${path.lang}.pdf` : `${path.code}.pdf`;
  saveBlob(blob, name);
}

/** Hands a blob to the browser as a download (a link clicked in code: works on phones too). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function useVerification(code: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['eservices', 'verify', code],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/eservices/verify/{code}', { params: { path: { code } }, signal })),
    retry: (failures, error) => error instanceof ConnectionError && failures < 2,
  });
}
