import { useQuery } from '@tanstack/react-query';
import { api, type ResponseOf, unwrap } from '../api/client';

export type Commune = ResponseOf<'/api/v1/communes/current', 'get'>;

/** The commune this host serves: its identity, default language, time zone and data attribution. */
export function useCommune() {
  return useQuery({
    queryKey: ['commune'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/communes/current', { signal })),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
