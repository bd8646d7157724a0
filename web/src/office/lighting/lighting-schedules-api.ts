/** The office's side of the lighting schedules: schedules, profiles, groups, overrides and a night's plan. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type RequestOf, type ResponseOf, unwrap } from '../../api/client';

export type Schedule = ResponseOf<'/api/v1/lighting/schedules', 'get'>['items'][number];
export type Profile = ResponseOf<'/api/v1/lighting/profiles', 'get'>['items'][number];
export type Step = Profile['steps'][number];
export type Group = ResponseOf<'/api/v1/lighting/groups', 'get'>['items'][number];
export type Override = ResponseOf<'/api/v1/lighting/overrides', 'get'>['items'][number];
export type OverrideBody = RequestOf<'/api/v1/lighting/overrides', 'post'>;
export type ProfileBody = RequestOf<'/api/v1/lighting/profiles', 'post'>;
export type NightPlan = ResponseOf<'/api/v1/lighting/schedules/{id}/plan', 'get'>;

const KEY = ['office', 'lighting', 'schedules'] as const;

export function useSchedules() {
  return useQuery({ queryKey: [...KEY, 'list'], queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/schedules', { signal })) });
}

export function useProfiles() {
  return useQuery({ queryKey: [...KEY, 'profiles'], queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/profiles', { signal })) });
}

export function useGroups() {
  return useQuery({ queryKey: [...KEY, 'groups'], queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/groups', { signal })) });
}

export function useOverrides() {
  return useQuery({ queryKey: [...KEY, 'overrides'], queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/overrides', { signal })) });
}

export function useNightPlan(scheduleId: string | null, date: string) {
  return useQuery({
    queryKey: [...KEY, 'plan', scheduleId, date],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/lighting/schedules/{id}/plan', { params: { path: { id: scheduleId ?? '' }, query: { date } }, signal })),
    enabled: scheduleId !== null && /^\d{4}-\d{2}-\d{2}$/.test(date),
  });
}

/** Saves a profile's steps; the plans and the list follow. */
export function useSaveProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ProfileBody }) =>
      unwrap(api.PUT('/api/v1/lighting/profiles/{id}', { params: { path: { id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: KEY }),
  });
}

export function useCreateOverride() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: OverrideBody) => unwrap(api.POST('/api/v1/lighting/overrides', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: [...KEY, 'overrides'] }),
  });
}

export function useCancelOverride() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/lighting/overrides/{id}/cancel', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: [...KEY, 'overrides'] }),
  });
}
