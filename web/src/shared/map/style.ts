/**
 * The base map's style, kept in the repository: the commune and its neighbours from Madina's own
 * GeoJSON (no third-party tile host, no glyphs or sprites: names are HTML markers, see CommuneMap).
 */
import type { FeatureCollection } from 'geojson';
import type { FilterSpecification, LngLatBoundsLike, StyleSpecification } from 'maplibre-gl';

export const MAP_COLORS = {
  background: '#e9efe8',
  neighbourFill: '#d6e0d3',
  neighbourLine: '#6b7b68',
  communeFill: '#0b5d45',
  communeLine: '#0b5d45',
  street: '#ffffff',
  streetCasing: '#a9b3a6',
  building: '#d8cfc0',
  buildingLine: '#b3a58c',
} as const;

export const COMMUNES_SOURCE = 'communes';
/** Madina's combined base map (/tiles/basemap.json): the streets and buildings imported from OpenStreetMap, when the commune has them. */
export const BASEMAP_SOURCE = 'basemap';
/** Below this zoom the base map's tiles hold nothing drawn here (streets start at 12 on the server): none are fetched. */
const BASEMAP_MIN_ZOOM = 12;

/**
 * @param communes the FeatureCollection of GET /api/v1/communes/current/map (role 'self' | 'neighbour')
 * @param baseMapUrl optional raster tiles drawn under the communes, e.g. a commune's own tile server
 */
export function buildStyle(communes: FeatureCollection, baseMapUrl?: string): StyleSpecification {
  const isSelf: FilterSpecification = ['==', ['get', 'role'], 'self'];
  const isNeighbour: FilterSpecification = ['==', ['get', 'role'], 'neighbour'];
  const style: StyleSpecification = {
    version: 8,
    sources: {
      [COMMUNES_SOURCE]: { type: 'geojson', data: communes },
      // A commune without OpenStreetMap layers gets tiles without those source layers: nothing is drawn.
      [BASEMAP_SOURCE]: {
        type: 'vector',
        url: new URL('/tiles/basemap.json', window.location.origin).href,
        minzoom: BASEMAP_MIN_ZOOM,
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': MAP_COLORS.background } },
      {
        id: 'neighbour-fill',
        type: 'fill',
        source: COMMUNES_SOURCE,
        filter: isNeighbour,
        paint: { 'fill-color': MAP_COLORS.neighbourFill },
      },
      {
        id: 'neighbour-line',
        type: 'line',
        source: COMMUNES_SOURCE,
        filter: isNeighbour,
        paint: { 'line-color': MAP_COLORS.neighbourLine, 'line-width': 1, 'line-dasharray': [3, 2] },
      },
      {
        id: 'commune-fill',
        type: 'fill',
        source: COMMUNES_SOURCE,
        filter: isSelf,
        paint: { 'fill-color': MAP_COLORS.communeFill, 'fill-opacity': 0.22 },
      },
      {
        id: 'osm-buildings',
        type: 'fill',
        source: BASEMAP_SOURCE,
        'source-layer': 'osm_buildings',
        minzoom: 14,
        paint: { 'fill-color': MAP_COLORS.building, 'fill-outline-color': MAP_COLORS.buildingLine },
      },
      {
        id: 'osm-streets-casing',
        type: 'line',
        source: BASEMAP_SOURCE,
        'source-layer': 'osm_streets',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': MAP_COLORS.streetCasing, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 17, 12] },
      },
      {
        id: 'osm-streets',
        type: 'line',
        source: BASEMAP_SOURCE,
        'source-layer': 'osm_streets',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': MAP_COLORS.street, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.75, 17, 9] },
      },
      {
        id: 'commune-line',
        type: 'line',
        source: COMMUNES_SOURCE,
        filter: isSelf,
        paint: { 'line-color': MAP_COLORS.communeLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2, 14, 4] },
      },
    ],
  };
  if (baseMapUrl) {
    style.sources.base = { type: 'raster', tiles: [baseMapUrl], tileSize: 256 };
    style.layers.splice(1, 0, { id: 'base', type: 'raster', source: 'base' });
  }
  return style;
}

/** The bounding box of the features matching `keep` (all of them by default), or null when empty. */
export function boundsOf(collection: FeatureCollection, keep: (properties: unknown) => boolean = () => true): LngLatBoundsLike | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (coords: unknown): void => {
    if (Array.isArray(coords) && typeof coords[0] === 'number' && typeof coords[1] === 'number') {
      west = Math.min(west, coords[0]);
      east = Math.max(east, coords[0]);
      south = Math.min(south, coords[1]);
      north = Math.max(north, coords[1]);
    } else if (Array.isArray(coords)) {
      for (const c of coords) visit(c);
    }
  };
  for (const f of collection.features) {
    if (f.geometry && 'coordinates' in f.geometry && keep(f.properties)) visit(f.geometry.coordinates);
  }
  return west <= east ? [west, south, east, north] : null;
}
