import { useQuery } from '@tanstack/react-query';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { api, unwrap } from '../../api/client';

/**
 * Properties of a feature of GET /api/v1/communes/current/map. openapi.json types the features
 * as `unknown[]` (GeoJSON is not described there), so they are narrowed here, checked at runtime.
 */
export interface CommuneMapProperties {
  code: string;
  slug: string;
  nameAr: string | null;
  nameFr: string | null;
  kind: string;
  population2024: number | null;
  role: 'self' | 'neighbour';
  labelLon: number | null;
  labelLat: number | null;
}

export type CommuneFeature = Feature<Geometry, CommuneMapProperties>;
export interface CommuneMapData extends FeatureCollection<Geometry, CommuneMapProperties> {
  attribution: string;
}

function isCommuneFeature(value: unknown): value is CommuneFeature {
  const f = value as CommuneFeature | null;
  return (
    !!f && f.type === 'Feature' && !!f.geometry && !!f.properties && (f.properties.role === 'self' || f.properties.role === 'neighbour')
  );
}

/** The commune and its neighbours as GeoJSON (served by Madina; no third-party host). */
export function useCommuneMap() {
  return useQuery({
    queryKey: ['commune-map'],
    queryFn: async ({ signal }): Promise<CommuneMapData> => {
      const data = await unwrap(api.GET('/api/v1/communes/current/map', { signal }));
      return { type: 'FeatureCollection', features: data.features.filter(isCommuneFeature), attribution: data.attribution };
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The name of a commune in the page's script: Arabic for ar (and zgh, which has no names of its own yet), Latin otherwise. */
export function communeLabel(p: CommuneMapProperties, locale: string): { text: string; lang: 'ar' | 'fr' } | null {
  const ar = p.nameAr ? { text: p.nameAr, lang: 'ar' as const } : null;
  const fr = p.nameFr ? { text: p.nameFr, lang: 'fr' as const } : null;
  return locale === 'ar' || locale === 'zgh' ? (ar ?? fr) : (fr ?? ar);
}
