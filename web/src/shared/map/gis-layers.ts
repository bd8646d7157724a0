/**
 * A GIS layer drawn from its vector tiles (/tiles/{code}/{z}/{x}/{y}.mvt): points as circles,
 * lines as lines, polygons as a fill with an outline, by the feature's own geometry (a layer of
 * type Geometry mixes them). The tiles change as soon as a feature does (their ETag follows the
 * layer's last change), so an edit in the office shows on the next tile request.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

/** One colour per layer, in order; each has at least 3:1 contrast on the map's background. */
const PALETTE = ['#b42318', '#1d4ed8', '#7e22ce', '#9a3412', '#0f766e', '#a21caf'] as const;

export const layerColor = (index: number): string => PALETTE[index % PALETTE.length]!;

const ids = (code: string) => ({ source: `gis-${code}`, fill: `gis-${code}-fill`, line: `gis-${code}-line`, point: `gis-${code}-point` });

/** Adds the layer (once) and shows or hides it. */
export function showGisLayer(map: MapLibreMap, code: string, color: string, visible: boolean): void {
  const id = ids(code);
  if (!map.getSource(id.source)) {
    // Not through `new URL`: it would percent-encode the {z}/{x}/{y} placeholders.
    map.addSource(id.source, { type: 'vector', tiles: [`${window.location.origin}/tiles/${encodeURIComponent(code)}/{z}/{x}/{y}.mvt`] });
    const common = { source: id.source, 'source-layer': code };
    map.addLayer({
      id: id.fill,
      type: 'fill',
      ...common,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': color, 'fill-opacity': 0.25 },
    });
    map.addLayer({
      id: id.line,
      type: 'line',
      ...common,
      filter: ['in', ['geometry-type'], ['literal', ['LineString', 'Polygon']]],
      paint: { 'line-color': color, 'line-width': 2 },
    });
    map.addLayer({
      id: id.point,
      type: 'circle',
      ...common,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': color, 'circle-radius': 5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
    });
  }
  for (const layer of [id.fill, id.line, id.point]) map.setLayoutProperty(layer, 'visibility', visible ? 'visible' : 'none');
}
