/**
 * The office's side of the GIS: the layer registry and the editor's writes (/api/v1/gis), the
 * features of a layer read through OGC API – Features (/ogc, not described in openapi.json), and
 * the background import jobs (/api/v1/gis/…/imports).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { type ApiPaths, api, ConnectionError, type RequestOf, type ResponseOf, unwrap } from '../../api/client';

export type Layer = ResponseOf<'/api/v1/gis/layers', 'get'>['items'][number];
export type LayerInput = RequestOf<'/api/v1/gis/layers', 'post'>;
/** An attribute of a layer's schema, as the server describes it. */
export type LayerAttribute = Layer['attributes'][number];
export type AttributeType = LayerInput['attributes'][number]['type'];
export type GeometryType = Layer['geometryType'];
export type SavedFeature = ResponseOf<'/api/v1/gis/layers/{code}/features', 'post', 201>;
export type FeatureInput = RequestOf<'/api/v1/gis/layers/{code}/features', 'post'>;
export type Properties = FeatureInput['properties'];

export const GEOMETRY_TYPES = [
  'Point',
  'LineString',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
  'Geometry',
] as const satisfies readonly GeometryType[];
export const ATTRIBUTE_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const satisfies readonly AttributeType[];
/** The export formats of GET …/export (gpkg and shapefile as zip). */
export const EXPORT_FORMATS = ['geojson', 'csv', 'gpkg', 'shapefile'] as const;

// ---------------------------------------------------------------------------------------------
// Layers

export function useLayers() {
  return useQuery({
    queryKey: ['office', 'gis', 'layers'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/gis/layers', { signal })),
  });
}

/** One layer of the registry (the list is short: a commune has tens of layers, not thousands). */
export function useLayer(code: string) {
  const layers = useLayers();
  return { ...layers, layer: layers.data?.items.find((l) => l.code === code) };
}

export function useCreateLayer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LayerInput) => unwrap(api.POST('/api/v1/gis/layers', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'gis', 'layers'] }),
  });
}

export const exportHref = (code: string, format: (typeof EXPORT_FORMATS)[number]) =>
  `/api/v1/gis/layers/${encodeURIComponent(code)}/export?format=${format}`;

// ---------------------------------------------------------------------------------------------
// Features, read through OGC API – Features

export interface OgcFeature extends Feature<Geometry, Record<string, unknown>> {
  id: number;
}
interface OgcPage extends FeatureCollection<Geometry, Record<string, unknown>> {
  features: OgcFeature[];
  numberMatched: number;
  numberReturned: number;
}

async function ogc(path: string, signal: AbortSignal): Promise<OgcPage> {
  let response: Response;
  try {
    response = await fetch(path, { signal, credentials: 'same-origin', headers: { accept: 'application/geo+json' } });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ConnectionError(error);
  }
  // Problems come as RFC 9457 JSON, like the rest of the API: let unwrap() read them.
  if (!response.ok) return unwrap(Promise.resolve({ error: await response.json().catch(() => undefined), response }));
  return (await response.json()) as OgcPage;
}

/** How many features a layer has (OGC's numberMatched of a one-feature page). */
export function useFeatureCount(code: string) {
  return useQuery({
    queryKey: ['office', 'gis', 'count', code],
    queryFn: async ({ signal }) => (await ogc(`/ogc/collections/${encodeURIComponent(code)}/items?f=json&limit=1`, signal)).numberMatched,
  });
}

/** The features of a layer in a box (west, south, east, north), as many as one page holds. */
export function useFeaturesInBox(code: string, bbox: [number, number, number, number] | null, limit: number) {
  return useQuery({
    queryKey: ['office', 'gis', 'features', code, bbox?.map((n) => n.toFixed(5)).join(',')],
    enabled: bbox !== null,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      ogc(
        `/ogc/collections/${encodeURIComponent(code)}/items?f=json&limit=${limit}&bbox=${(bbox ?? []).map((n) => n.toFixed(6)).join(',')}`,
        signal,
      ),
  });
}

export const featureWrites = {
  create: (code: string, body: FeatureInput) =>
    unwrap(api.POST('/api/v1/gis/layers/{code}/features', { params: { path: { code } }, body })),
  update: (code: string, id: string, body: Partial<FeatureInput>) =>
    unwrap(api.PATCH('/api/v1/gis/layers/{code}/features/{id}', { params: { path: { code, id } }, body })),
  remove: (code: string, id: string) => unwrap(api.DELETE('/api/v1/gis/layers/{code}/features/{id}', { params: { path: { code, id } } })),
};

// ---------------------------------------------------------------------------------------------
// Import jobs: the file is imported in the background; its progress is polled.

export type ImportCrs = NonNullable<NonNullable<ApiPaths['/api/v1/gis/layers/{code}/imports']['post']['parameters']['query']>['crs']>;
export const IMPORT_CRS = [4326, 4261, 26191, 26192, 26194, 26195, 3857] as const satisfies readonly ImportCrs[];
export type ImportJob = ResponseOf<'/api/v1/gis/imports/{id}', 'get'>;
export type ImportStatus = ImportJob['status'];

export const isRunning = (job: ImportJob) => job.status === 'queued' || job.status === 'running';

export function useImports(code: string) {
  return useQuery({
    queryKey: ['office', 'gis', 'imports', code],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/gis/layers/{code}/imports', { params: { path: { code } }, signal })),
  });
}

/** One job, polled every second while it runs. */
export function useImportJob(id: string | null) {
  return useQuery({
    queryKey: ['office', 'gis', 'import', id],
    enabled: id !== null,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/gis/imports/{id}', { params: { path: { id: id ?? '' } }, signal })),
    refetchInterval: (query) => (query.state.data && !isRunning(query.state.data) ? false : 1000),
  });
}

export function useStartImport(code: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, crs }: { file: File; crs: ImportCrs | null }) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return unwrap(
        api.POST('/api/v1/gis/layers/{code}/imports', {
          params: { path: { code }, query: crs === null ? {} : { crs } },
          // The typed client knows no multipart body; openapi-fetch sends FormData as it is.
          body: form as never,
        }),
      );
    },
    onSuccess: (job) => {
      queryClient.setQueryData(['office', 'gis', 'import', job.id], job);
      void queryClient.invalidateQueries({ queryKey: ['office', 'gis', 'imports', code] });
    },
  });
}

export function useCancelImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/gis/imports/{id}/cancel', { params: { path: { id } } })),
    onSettled: (_job, _error, id) => queryClient.invalidateQueries({ queryKey: ['office', 'gis', 'import', id] }),
  });
}
