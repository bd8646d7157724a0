/**
 * Public reports as points on the commune's map, coloured by state; a point opens a small card
 * with a link to the report. The list beside the map says the same in text. Loaded lazily.
 */
import type { FeatureCollection, Point as GeoPoint } from 'geojson';
import maplibregl, { type GeoJSONSource, type Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMultilingual, useT } from '../../shared/i18n';
import CommuneMap from '../../shared/map/CommuneMap';
import type { PublicReport } from './reports-api';
import { OPEN_STATUSES } from './reports-api';

const SOURCE = 'reports';
const LAYER = 'reports-points';
const COLORS = { open: '#b42318', progress: '#b54708', done: '#05603a', stopped: '#475467' };

function tone(status: PublicReport['status']): keyof typeof COLORS {
  if (status === 'open') return 'open';
  if (OPEN_STATUSES.includes(status)) return 'progress';
  if (status === 'fixed' || status === 'closed') return 'done';
  return 'stopped';
}

export default function ReportsMap({ reports, focus }: { reports: readonly PublicReport[]; focus?: { lat: number; lon: number } }) {
  const t = useT();
  const ml = useMultilingual();
  const navigate = useNavigate();
  const [map, setMap] = useState<MapLibreMap | null>(null);

  const data = useMemo<FeatureCollection<GeoPoint>>(
    () => ({
      type: 'FeatureCollection',
      features: reports.flatMap((r) =>
        r.location
          ? [
              {
                type: 'Feature' as const,
                geometry: { type: 'Point' as const, coordinates: [r.location.lon, r.location.lat] },
                properties: { number: r.number, tone: tone(r.status) },
              },
            ]
          : [],
      ),
    }),
    [reports],
  );

  const latest = useRef(data);
  latest.current = data;

  // The layer, once the style is there (with the data of that moment; the effect below follows it).
  useEffect(() => {
    if (!map) return;
    const add = () => {
      if (map.getSource(SOURCE)) return;
      map.addSource(SOURCE, { type: 'geojson', data: latest.current });
      map.addLayer({
        id: LAYER,
        type: 'circle',
        source: SOURCE,
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 5, 16, 9],
          'circle-color': ['match', ['get', 'tone'], 'open', COLORS.open, 'progress', COLORS.progress, 'done', COLORS.done, COLORS.stopped],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      });
    };
    if (map.isStyleLoaded()) add();
    else map.once('load', add);
  }, [map]);

  useEffect(() => {
    if (!map) return;
    const update = () => (map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData(data);
    if (map.getSource(SOURCE)) update();
    else map.once('load', update);
  }, [map, data]);

  useEffect(() => {
    if (map && focus) map.jumpTo({ center: [focus.lon, focus.lat], zoom: 16 });
  }, [map, focus]);

  // A point opens a card: the category and a link to the report (text set as text, never as HTML).
  useEffect(() => {
    if (!map) return;
    let popup: maplibregl.Popup | null = null;
    const handleClick = (event: maplibregl.MapLayerMouseEvent) => {
      const number = event.features?.[0]?.properties?.number;
      const report = reports.find((r) => r.number === String(number));
      if (!report?.location) return;
      const card = document.createElement('div');
      card.className = 'map-card';
      const link = document.createElement('a');
      link.href = `/reports/${report.number}`;
      link.textContent = ml.text(report.category.name);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        navigate(`/reports/${report.number}`);
      });
      const status = document.createElement('p');
      status.textContent = `${t.text(`portal.reports.status.${report.status}`)} · ${t.text('portal.reports.numberShort', { number: report.number })}`;
      card.append(link, status);
      popup?.remove();
      popup = new maplibregl.Popup({ closeButton: true, maxWidth: '16rem' })
        .setLngLat([report.location.lon, report.location.lat])
        .setDOMContent(card)
        .addTo(map);
      popup
        .getElement()
        .querySelector('.maplibregl-popup-close-button')
        ?.setAttribute('aria-label', t.text('portal.reports.map.closeCard'));
    };
    const pointer = () => {
      map.getCanvas().style.cursor = 'pointer';
    };
    const leave = () => {
      map.getCanvas().style.cursor = '';
    };
    map.on('click', LAYER, handleClick);
    map.on('mouseenter', LAYER, pointer);
    map.on('mouseleave', LAYER, leave);
    return () => {
      popup?.remove();
      map.off('click', LAYER, handleClick);
      map.off('mouseenter', LAYER, pointer);
      map.off('mouseleave', LAYER, leave);
    };
  }, [map, reports, ml, t, navigate]);

  return <CommuneMap className="map-reports" label={t.text('portal.reports.map.label')} onMap={setMap} />;
}
