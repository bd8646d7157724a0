/**
 * The place of a report on the commune's map: a tap (or click) puts the pin there, the pin can be
 * dragged, and "put the pin in the middle of the map" serves the keyboard (arrow keys move the
 * map). Loaded lazily with MapLibre, only when the citizen chooses the map.
 */
import maplibregl, { type Map as MapLibreMap, type Marker } from 'maplibre-gl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useT } from '../../shared/i18n';
import CommuneMap from '../../shared/map/CommuneMap';

export interface Point {
  lat: number;
  lon: number;
}

const CLOSE_ZOOM = 16;
const reduceMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;
// Six decimals: about 10 cm, more than a finger can say.
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export default function PlacePicker({ value, onChange }: { value: Point | null; onChange(point: Point): void }) {
  const t = useT();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const marker = useRef<Marker | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  // The last point this map set: another change (the phone's location) moves the map to it.
  const setHere = useRef<Point | null>(null);

  const choose = useCallback((point: Point) => {
    const rounded = { lat: round(point.lat), lon: round(point.lon) };
    setHere.current = rounded;
    onChangeRef.current(rounded);
  }, []);

  // A tap or click puts the pin there; far out, the map then comes a little closer (two levels,
  // so the commune's outline stays in view while the base map has no streets) to adjust the pin.
  useEffect(() => {
    if (!map) return;
    const handleClick = (event: maplibregl.MapMouseEvent) => {
      choose({ lat: event.lngLat.lat, lon: event.lngLat.lng });
      const zoom = map.getZoom();
      if (zoom < CLOSE_ZOOM - 1)
        map.easeTo({ center: event.lngLat, zoom: Math.min(zoom + 2, CLOSE_ZOOM), duration: reduceMotion() ? 0 : 500 });
    };
    map.on('click', handleClick);
    map.getCanvas().style.cursor = 'crosshair';
    return () => {
      map.off('click', handleClick);
    };
  }, [map, choose]);

  // The pin follows the value; a value set elsewhere (the phone's location, coming back to this step) brings the map to it.
  useEffect(() => {
    if (!map) return;
    if (!value) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    if (!marker.current) {
      const pin = new maplibregl.Marker({ draggable: true, color: '#b42318' });
      // The pin is drawn, not a control: the text under the map says where it is.
      pin.getElement().setAttribute('aria-hidden', 'true');
      pin.getElement().removeAttribute('tabindex');
      pin.getElement().removeAttribute('role');
      pin.getElement().removeAttribute('aria-label');
      pin.on('dragend', () => {
        const at = pin.getLngLat();
        choose({ lat: at.lat, lon: at.lng });
      });
      marker.current = pin;
    }
    marker.current.setLngLat([value.lon, value.lat]).addTo(map);
    const mine = setHere.current;
    if (!mine || mine.lat !== value.lat || mine.lon !== value.lon) {
      setHere.current = value;
      map.jumpTo({ center: [value.lon, value.lat], zoom: Math.max(map.getZoom(), CLOSE_ZOOM) });
    }
  }, [map, value, choose]);

  useEffect(
    () => () => {
      marker.current?.remove();
      marker.current = null;
    },
    [],
  );

  return (
    <div className="place-picker">
      <CommuneMap className="map-picker" label={t.text('portal.reports.place.mapLabel')} onMap={setMap} />
      <button
        type="button"
        className="button button-secondary"
        disabled={!map}
        onClick={() => {
          if (!map) return;
          const centre = map.getCenter();
          choose({ lat: centre.lat, lon: centre.lng });
        }}
      >
        {t('portal.reports.place.useCentre')}
      </button>
    </div>
  );
}
