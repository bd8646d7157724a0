/**
 * Points (reports, work orders) on the commune's own base map: MapLibre over Madina's GeoJSON, the
 * points as a circle layer (no glyphs, no sprites, no third-party host). Loaded lazily like
 * CommuneMap (MapLibre is ~800 kB): import it with lazyRetry. A list beside it always says the same
 * in text: the map is a second view, not the only one.
 *
 * Test hook: like CommuneMap, the live map is `window.__madinaMap` while it is mounted.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import '../../shared/map/map.css';
import type { Feature, FeatureCollection, Point } from 'geojson';
import maplibregl, { type GeoJSONSource, type LngLatBoundsLike, type Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../shared/i18n';
import { type CommuneMapProperties, useCommuneMap } from '../../shared/map/data';
import { boundsOf, buildStyle } from '../../shared/map/style';

export interface MapPoint {
  id: string;
  lat: number;
  lon: number;
  /** Fill colour (the status's). */
  color: string;
  /** A thick red ring: overdue. */
  ring?: boolean;
}

export interface PointsMapProps {
  points: MapPoint[];
  /** The canvas's accessible name (what the map shows). */
  label: string;
  /** A point was clicked (its id), or the map away from any point (null). */
  onSelect?(id: string | null): void;
  /** The id drawn larger, as chosen. */
  selectedId?: string | null;
  /** Zoom for a single point (default 15). */
  zoom?: number;
  /** Start with the sources folded behind their (i) button (a small map), as on any phone. */
  foldAttribution?: boolean;
  className?: string;
}

const SOURCE = 'points';
const LAYER = 'points';
const OVERDUE_RING = '#b42318';

const prefersReducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function collection(points: MapPoint[], selectedId: string | null | undefined): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: points.map(
      (p): Feature<Point> => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
        properties: { id: p.id, color: p.color, ring: Boolean(p.ring), selected: p.id === selectedId },
      }),
    ),
  };
}

/** Where to look: the single point, the points' box, else the commune. */
function view(
  points: MapPoint[],
  communeBounds: LngLatBoundsLike | null,
  zoom: number,
): { center: [number, number]; zoom: number } | { bounds: LngLatBoundsLike } | null {
  const [first] = points;
  if (points.length === 1 && first) return { center: [first.lon, first.lat], zoom };
  const bounds = (points.length > 1 ? boundsOf(collection(points, null)) : null) ?? communeBounds;
  return bounds ? { bounds } : null;
}

export default function PointsMap({ points, label, onSelect, selectedId, zoom = 15, foldAttribution, className }: PointsMapProps) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const { data } = useCommuneMap();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const current = useRef({ points, selectedId });
  current.current = { points, selectedId };

  // biome-ignore lint/correctness/useExhaustiveDependencies: built once per base map; the points and the label follow in the effects below
  useEffect(() => {
    const element = container.current;
    if (!element || !data) return;
    const reduceMotion = prefersReducedMotion();
    const communeBounds = boundsOf(data, (p) => (p as CommuneMapProperties).role === 'self') ?? boundsOf(data);
    const style = buildStyle(data);
    style.sources[SOURCE] = { type: 'geojson', data: collection(current.current.points, current.current.selectedId) };
    style.layers.push({
      id: LAYER,
      type: 'circle',
      source: SOURCE,
      paint: {
        'circle-color': ['get', 'color'],
        'circle-radius': [
          'interpolate',
          ['linear'],
          ['zoom'],
          10,
          ['case', ['get', 'selected'], 9, 6],
          16,
          ['case', ['get', 'selected'], 14, 10],
        ],
        'circle-stroke-color': ['case', ['get', 'ring'], OVERDUE_RING, '#ffffff'],
        'circle-stroke-width': ['case', ['get', 'ring'], 3, 1.5],
      },
    });
    const start = view(current.current.points, communeBounds, zoom);
    const instance = new maplibregl.Map({
      container: element,
      style,
      ...(start === null
        ? { center: [-2.32, 34.92] as [number, number], zoom: 12 }
        : 'center' in start
          ? start
          : { bounds: start.bounds, fitBoundsOptions: { padding: 32, maxZoom: zoom } }),
      attributionControl: false,
      keyboard: true,
      maxZoom: 18,
      reduceMotion,
      fadeDuration: reduceMotion ? 0 : 300,
      locale: {
        'Map.Title': label,
        'NavigationControl.ZoomIn': t.text('common.map.zoomIn'),
        'NavigationControl.ZoomOut': t.text('common.map.zoomOut'),
        'NavigationControl.ResetBearing': t.text('common.map.resetBearing'),
        'AttributionControl.ToggleAttribution': t.text('common.map.toggleAttribution'),
      },
    });
    const rtl = document.documentElement.dir === 'rtl';
    instance.addControl(new maplibregl.NavigationControl({ showCompass: false }), rtl ? 'top-left' : 'top-right');
    instance.addControl(
      new maplibregl.AttributionControl({ customAttribution: data.attribution, compact: true }),
      rtl ? 'bottom-left' : 'bottom-right',
    );
    // Folded on a phone, as on the portal's map, and on a small map: open, it would cover the points.
    if (foldAttribution || window.matchMedia('(max-width: 30rem)').matches) {
      const attribution = element.querySelector('.maplibregl-ctrl-attrib');
      attribution?.classList.remove('maplibregl-compact-show');
      attribution?.removeAttribute('open');
    }
    instance.on('click', (event) => {
      const hit = instance.queryRenderedFeatures(event.point, { layers: [LAYER] })[0];
      const id = hit?.properties?.id;
      onSelectRef.current?.(typeof id === 'string' ? id : null);
    });
    instance.on('mouseenter', LAYER, () => {
      instance.getCanvas().style.cursor = 'pointer';
    });
    instance.on('mouseleave', LAYER, () => {
      instance.getCanvas().style.cursor = '';
    });
    window.__madinaMap = instance;
    setMap(instance);
    return () => {
      setMap(null);
      if (window.__madinaMap === instance) delete window.__madinaMap;
      instance.remove();
    };
  }, [data]);

  useEffect(() => {
    map?.getCanvas().setAttribute('aria-label', label);
  }, [map, label]);

  // New points (another filter, another page): redraw them and look at them.
  useEffect(() => {
    if (!map || !data) return;
    const apply = () => {
      const source = map.getSource<GeoJSONSource>(SOURCE);
      if (!source) return;
      source.setData(collection(points, selectedId));
    };
    if (map.getSource(SOURCE)) apply();
    else map.once('load', apply);
  }, [map, data, points, selectedId]);

  const pointsKey = points.map((p) => p.id).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-framed when the set of points changes (pointsKey), not when only the selection does
  useEffect(() => {
    if (!map || !data) return;
    const communeBounds = boundsOf(data, (p) => (p as CommuneMapProperties).role === 'self') ?? boundsOf(data);
    const next = view(points, communeBounds, zoom);
    if (next === null) return;
    if ('center' in next) map.jumpTo(next);
    else map.fitBounds(next.bounds, { padding: 32, maxZoom: zoom, animate: false });
  }, [map, data, pointsKey]);

  return (
    <div className={`commune-map ${className ?? ''}`} data-testid="points-map">
      <div ref={container} className="commune-map-canvas" />
    </div>
  );
}
