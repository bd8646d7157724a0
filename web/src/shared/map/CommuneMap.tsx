/**
 * The commune on a map: MapLibre GL over Madina's own GeoJSON, names as HTML labels in the page's
 * language. Loaded lazily (MapLibre is ~800 kB): import it with React.lazy.
 *
 * Test hook: the live map instance is exposed as `window.__madinaMap` while a map is mounted, so
 * browser tests can wait for `__madinaMap.loaded()`, read `getBounds()`, query rendered features.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import './map.css';
import rtlTextPluginUrl from 'madina-rtl-text-plugin?url';
import maplibregl, { type Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { LOCALE_DIR, useLocale, useT } from '../i18n';
import { type CommuneMapProperties, communeLabel, useCommuneMap } from './data';
import { boundsOf, buildStyle } from './style';

declare global {
  interface Window {
    /** Test hook: the mounted CommuneMap's MapLibre instance. */
    __madinaMap?: MapLibreMap;
  }
}

// Shapes Arabic in future symbol layers (our labels are HTML, shaped by the browser). Served from
// our own origin; `lazy` = downloaded only when a symbol layer first meets right-to-left text.
if (maplibregl.getRTLTextPluginStatus() === 'unavailable') {
  maplibregl.setRTLTextPlugin(rtlTextPluginUrl, true).catch((error: unknown) => console.warn('RTL text plugin', error));
}

const prefersReducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export interface CommuneMapProps {
  className?: string;
  /** Optional raster tiles under the communes (none by default: no third-party host). */
  baseMapUrl?: string;
  /** The canvas's accessible name, when the map is for something else than showing the commune (e.g. picking a place). */
  label?: string;
  /** Called with the MapLibre map once it exists, and with null when it goes: for pages that draw on it. */
  onMap?: (map: MapLibreMap | null) => void;
}

export default function CommuneMap({ className, baseMapUrl, label: ownLabel, onMap }: CommuneMapProps) {
  const t = useT();
  const locale = useLocale();
  const container = useRef<HTMLDivElement>(null);
  const { data } = useCommuneMap();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const label = ownLabel ?? t.text('common.map.label');
  const onMapRef = useRef(onMap);
  onMapRef.current = onMap;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is built once per data set; its title follows the language (below), the zoom and attribution buttons keep the labels of the language it was built in
  useEffect(() => {
    const element = container.current;
    if (!element || !data) return;
    const reduceMotion = prefersReducedMotion();
    const bounds = boundsOf(data, (p) => (p as CommuneMapProperties).role === 'self') ?? boundsOf(data);
    const instance = new maplibregl.Map({
      container: element,
      style: buildStyle(data, baseMapUrl),
      ...(bounds ? { bounds, fitBoundsOptions: { padding: 24 } } : { center: [-2.32, 34.92], zoom: 11 }),
      attributionControl: false,
      keyboard: true,
      maxZoom: 17,
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
    // On a phone the open attribution would cover the map: it starts folded behind its (i)
    // button there; every portal page also shows it in the footer.
    if (window.matchMedia('(max-width: 30rem)').matches) {
      const attribution = element.querySelector('.maplibregl-ctrl-attrib');
      attribution?.classList.remove('maplibregl-compact-show');
      attribution?.removeAttribute('open');
    }
    window.__madinaMap = instance;
    setMap(instance);
    onMapRef.current?.(instance);
    return () => {
      onMapRef.current?.(null);
      setMap(null);
      if (window.__madinaMap === instance) delete window.__madinaMap;
      instance.remove();
    };
    // Built once per data set: a language change only relabels the map (below).
  }, [data, baseMapUrl]);

  // The canvas's accessible name follows the language.
  useEffect(() => {
    map?.getCanvas().setAttribute('aria-label', label);
  }, [map, label]);

  // Commune names as HTML markers: the browser shapes Arabic with the self-hosted font, where
  // MapLibre's own text would need glyph files we do not serve.
  useEffect(() => {
    if (!map || !data) return;
    const markers = data.features.flatMap((f) => {
      const p = f.properties;
      const text = communeLabel(p, locale);
      if (p.labelLon == null || p.labelLat == null || !text) return [];
      const element = document.createElement('div');
      element.className = p.role === 'self' ? 'map-label map-label-self' : 'map-label';
      element.textContent = text.text;
      element.lang = text.lang;
      element.dir = text.lang === 'ar' ? 'rtl' : LOCALE_DIR.fr;
      // Decorative: the page lists the same names as text beside the map.
      element.setAttribute('aria-hidden', 'true');
      element.setAttribute('role', 'presentation');
      element.setAttribute('aria-label', text.text);
      return [new maplibregl.Marker({ element, anchor: 'center' }).setLngLat([p.labelLon, p.labelLat]).addTo(map)];
    });
    return () => {
      for (const marker of markers) marker.remove();
    };
  }, [map, data, locale]);

  const handleRecenter = () => {
    if (!map || !data) return;
    const bounds = boundsOf(data, (p) => (p as CommuneMapProperties).role === 'self');
    if (bounds) map.fitBounds(bounds, { padding: 24, animate: !prefersReducedMotion() });
  };

  return (
    <div className={`commune-map ${className ?? ''}`} data-testid="commune-map">
      <div ref={container} className="commune-map-canvas" />
      <Button className="button button-map" onPress={handleRecenter} isDisabled={!map}>
        {t('common.map.recenter')}
      </Button>
    </div>
  );
}
