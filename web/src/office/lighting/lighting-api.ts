/** The office's side of public lighting: the live inventory (map, lists) and energy accounting. */
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { type ApiPaths, api, type RequestOf, type ResponseOf, unwrap } from '../../api/client';

export type LuminaireItem = ResponseOf<'/api/v1/lighting/luminaires', 'get'>['items'][number];
export type LuminaireDetail = ResponseOf<'/api/v1/lighting/luminaires/{id}', 'get'>;
export type LuminaireQuery = NonNullable<NonNullable<ApiPaths['/api/v1/lighting/luminaires']['get']['parameters']>['query']>;
export type LiveState = LuminaireItem['state'];
export type Facets = ResponseOf<'/api/v1/lighting/inventory/facets', 'get'>;
export type EnergyQuery = NonNullable<ApiPaths['/api/v1/lighting/energy']['get']['parameters']['query']>;
export type Energy = ResponseOf<'/api/v1/lighting/energy', 'get'>;
export type EnergyItem = Energy['items'][number];
export type RetrofitBody = RequestOf<'/api/v1/lighting/energy/retrofit', 'post'>;
export type Retrofit = ResponseOf<'/api/v1/lighting/energy/retrofit', 'post'>;
export type Technology = RetrofitBody['from']['technology'];

export const LIVE_STATES = ['on', 'dimmed', 'off', 'fault', 'silent', 'unmonitored'] as const satisfies readonly LiveState[];
export const TECHNOLOGIES = ['LED', 'HPS', 'MH', 'LPS', 'other'] as const satisfies readonly Technology[];

/** The map and its counts follow the controllers: polled this often (the server says "silent" after 15 minutes). */
export const LIVE_REFRESH_MS = 15_000;

/** Every luminaire as a GeoJSON point with its live state, refreshed while the page is open. */
export function useLuminaireMap() {
  return useQuery({
    queryKey: ['office', 'lighting', 'map'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/luminaires/map', { signal })),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useFacets() {
  return useQuery({
    queryKey: ['office', 'lighting', 'facets'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/inventory/facets', { signal })),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useLuminaires(query: LuminaireQuery) {
  return useQuery({
    queryKey: ['office', 'lighting', 'luminaires', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/luminaires', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useLuminaire(id: string | null) {
  return useQuery({
    queryKey: ['office', 'lighting', 'luminaire', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/luminaires/{id}', { params: { path: { id: id ?? '' } }, signal })),
    enabled: id !== null,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useEnergy(query: EnergyQuery) {
  return useQuery({
    queryKey: ['office', 'lighting', 'energy', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lighting/energy', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The CSV of the same query, for a plain download link. */
export const energyCsvUrl = (query: EnergyQuery) =>
  `/api/v1/lighting/energy?${new URLSearchParams({ ...query, format: 'csv' } as Record<string, string>)}`;

export function useRetrofit() {
  return useMutation({
    mutationFn: (body: RetrofitBody) => unwrap(api.POST('/api/v1/lighting/energy/retrofit', { body })),
  });
}
