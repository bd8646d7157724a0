/** The reports API as the portal uses it: typed from openapi.json through `api` and `unwrap`. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LIMITS } from '../../../../src/platform/limits';
import { type ApiPaths, api, ConnectionError, ProblemError, type RequestOf, type ResponseOf, unwrap } from '../../api/client';
import { deviceId, keepReport } from './kept-reports';

export type Category = ResponseOf<'/api/v1/reports/categories', 'get'>['items'][number];
export type Attribute = Category['attributes'][number];
export type District = ResponseOf<'/api/v1/reports/districts', 'get'>['items'][number];
export type PublicReport = ResponseOf<'/api/v1/reports', 'get'>['items'][number];
export type PublicReportDetail = ResponseOf<'/api/v1/reports/{number}', 'get'>;
export type TrackedReport = ResponseOf<'/api/v1/reports/{number}/track', 'get'>;
export type NearbyReport = ResponseOf<'/api/v1/reports/nearby', 'get'>['items'][number];
export type Status = PublicReport['status'];
export type Photo = PublicReport['photos'][number];
export type SubmitBody = RequestOf<'/api/v1/reports', 'post'>;
export type Answers = NonNullable<SubmitBody['attributes']>;
export type SubmitResult = ResponseOf<'/api/v1/reports', 'post', 201>;
export type ListFilters = NonNullable<ApiPaths['/api/v1/reports']['get']['parameters']['query']>;

/** Statuses in which the commune still has work to do (the server's OPEN_STATUSES). */
export const OPEN_STATUSES: readonly Status[] = ['open', 'acknowledged', 'in_progress'];
export const ALL_STATUSES: readonly Status[] = [
  'open',
  'acknowledged',
  'in_progress',
  'fixed',
  'closed',
  'not_fixed',
  'not_responsible',
  'duplicate',
  'rejected',
];

/** What can be reported: the enabled categories with their questions. */
export function useCategories() {
  return useQuery({
    queryKey: ['reports', 'categories'],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/reports/categories', { signal }))).items,
    staleTime: 5 * 60_000,
  });
}

/** The commune's districts (to say where without a map). */
export function useDistricts() {
  return useQuery({
    queryKey: ['reports', 'districts'],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/reports/districts', { signal }))).items,
    staleTime: 5 * 60_000,
  });
}

export const nearbyQuery = (category: string, lat: number, lon: number) => ({
  queryKey: ['reports', 'nearby', category, lat, lon],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    unwrap(api.GET('/api/v1/reports/nearby', { params: { query: { category, lat, lon } }, signal })),
  staleTime: 30_000,
});

/** Public reports, newest first, filtered. */
export function usePublicReports(filters: ListFilters, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['reports', 'list', filters],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports', { params: { query: filters }, signal })),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function usePublicReport(number: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['reports', 'public', number],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/{number}', { params: { path: { number } }, signal })),
    enabled: options.enabled ?? true,
    retry: (failures, error) => error instanceof ConnectionError && failures < 2,
  });
}

export const trackedKey = (number: string) => ['reports', 'track', number] as const;

const trackedQueryFn = (number: string, token: string) => (context: { signal: AbortSignal }) =>
  unwrap(
    api.GET('/api/v1/reports/{number}/track', {
      params: { path: { number }, header: { 'x-report-token': token } },
      signal: context.signal,
    }),
  );

/** The citizen's own view of a report, with the secret of its tracking link. */
export function useTrackedReport(number: string, token: string | undefined) {
  return useQuery({
    queryKey: trackedKey(number),
    queryFn: trackedQueryFn(number, token ?? ''),
    enabled: token !== undefined,
  });
}

export { trackedQueryFn };

/** Whether a failure means "no such report for this secret" (a wrong or outdated link): 404. */
export const isNotFound = (error: unknown) => error instanceof ProblemError && error.status === 404;

/**
 * Files a report. `idempotencyKey` is made by the caller once per attempt and sent again on a
 * retry of the same submission, so a retry after a lost answer creates one report, not two.
 */
export async function submitReport(body: SubmitBody, idempotencyKey: string): Promise<SubmitResult> {
  const result = await unwrap(
    api.POST('/api/v1/reports', {
      body,
      headers: { 'Idempotency-Key': idempotencyKey, 'X-Device-Id': deviceId() },
    }),
  );
  keepReport(result.report.number, result.token);
  return result as SubmitResult;
}

export function useFollow() {
  return useMutation({
    mutationFn: ({ number, email, locale }: { number: string; email: string; locale: SubmitBody['locale'] }) =>
      unwrap(api.POST('/api/v1/reports/{number}/follow', { params: { path: { number } }, body: { email, locale } })),
  });
}

type EditBody = RequestOf<'/api/v1/reports/{number}/track', 'patch'>;

/** The citizen's changes (description, answers while `canEdit`; removing their contact details at any time). */
export function useEditTracked(number: string, token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EditBody) =>
      unwrap(api.PATCH('/api/v1/reports/{number}/track', { params: { path: { number }, header: { 'x-report-token': token } }, body })),
    onSuccess: (report) => queryClient.setQueryData(trackedKey(number), report),
  });
}

export function useReopen(number: string, token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.POST('/api/v1/reports/{number}/track/reopen', {
          params: { path: { number }, header: { 'x-report-token': token } },
          body: { reason },
        }),
      ),
    onSuccess: (report) => queryClient.setQueryData(trackedKey(number), report),
  });
}

/** Adds one photo to the citizen's report (multipart, field `photo`); answers with the tracked report. */
export async function uploadPhoto(number: string, token: string, file: File): Promise<TrackedReport> {
  const form = new FormData();
  form.append('photo', file, file.name || 'photo');
  return unwrap(
    api.POST('/api/v1/reports/{number}/track/photos', {
      params: { path: { number }, header: { 'x-report-token': token } },
      // The generated types describe no JSON body here: the request is multipart, passed through as is.
      body: form as never,
    }),
  ) as Promise<TrackedReport>;
}

/**
 * Sends photos one request each, so that a retry after a lost connection sends only what did not
 * arrive: after a connection error the report is read again, and a photo that did arrive (the
 * count went up) is not sent twice. Calls `onSent` after each photo that arrived.
 */
export async function uploadPhotos(
  number: string,
  token: string,
  files: readonly File[],
  onSent: (file: File, report: TrackedReport) => void,
): Promise<void> {
  const read = () => trackedQueryFn(number, token)({ signal: new AbortController().signal });
  let count: number | undefined;
  for (const file of files) {
    count ??= (await read()).photos.length;
    try {
      const report = await uploadPhoto(number, token, file);
      count = report.photos.length;
      onSent(file, report);
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      const after = await read();
      if (after.photos.length <= count) throw error;
      count = after.photos.length;
      onSent(file, after);
    }
  }
}

/** The file types the server accepts for photos (it checks the content, and re-encodes). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif'];
export const PHOTOS_MAX = LIMITS.photosPerReport;
export const PHOTO_BYTES_MAX = LIMITS.photoBytesMax;
