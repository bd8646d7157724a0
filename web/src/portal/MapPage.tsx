import type { Map as MapLibreMap } from 'maplibre-gl';
import { Suspense, useState } from 'react';
import { useCommune } from '../shared/commune';
import { ErrorBoundary } from '../shared/ErrorBoundary';
import { useLocale, useMultilingual, useT } from '../shared/i18n';
import { lazyRetry } from '../shared/lazy';
import { communeLabel, useCommuneMap } from '../shared/map/data';
import { type Place, PlaceSearch } from '../shared/map/PlaceSearch';
import { ProblemMessage } from '../shared/ProblemMessage';
import { useDocumentTitle } from '../shared/page';
import { MapLayers } from './MapLayers';

// MapLibre (~800 kB) loads only here, after the page itself has rendered.
const CommuneMap = lazyRetry(() => import('../shared/map/CommuneMap'));

export function MapPage() {
  const t = useT();
  const ml = useMultilingual();
  const locale = useLocale();
  const commune = useCommune();
  const map = useCommuneMap();
  const [canvas, setCanvas] = useState<MapLibreMap | null>(null);
  const name = ml.text(commune.data?.name);
  useDocumentTitle(t.text('portal.map.heading'));
  // The commune first, then its neighbours, largest first.
  const rank = (role: string) => (role === 'self' ? 0 : 1);
  const features = [...(map.data?.features ?? [])].sort(
    (a, b) => rank(a.properties.role) - rank(b.properties.role) || (b.properties.population2024 ?? 0) - (a.properties.population2024 ?? 0),
  );
  return (
    <>
      <h1>{t('portal.map.heading')}</h1>
      <p className="lead">{name ? t('portal.map.lead', { commune: name }) : null}</p>
      <PlaceSearch onPick={(place) => canvas && showPlace(canvas, place)} />
      {map.isError ? (
        <ProblemMessage error={map.error} onRetry={() => void map.refetch()} />
      ) : (
        <ErrorBoundary>
          <Suspense fallback={<div className="map-placeholder" aria-busy="true" />}>
            <CommuneMap className="map-full" onMap={setCanvas} />
          </Suspense>
        </ErrorBoundary>
      )}
      <MapLayers map={canvas} />
      {features.length > 0 ? (
        <section className="section" aria-labelledby="map-list-title">
          <h2 id="map-list-title">{t('portal.map.listTitle')}</h2>
          <ul className="commune-list">
            {features.map((f) => {
              const label = communeLabel(f.properties, locale);
              return (
                <li key={f.properties.code} className={f.properties.role === 'self' ? 'is-self' : undefined}>
                  <span lang={label?.lang} dir={label?.lang === 'ar' ? 'rtl' : 'ltr'} className="commune-name">
                    {label?.text}
                  </span>
                  {f.properties.population2024 != null ? (
                    <span className="commune-pop">{t('portal.map.population', { count: f.properties.population2024 })}</span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** Brings the map to a place found by the search box and marks it. */
function showPlace(map: MapLibreMap, place: Place) {
  if (!place.point) return;
  const { lon, lat } = place.point;
  const data = { type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: [lon, lat] } };
  const source = map.getSource('picked-place');
  if (source && 'setData' in source) (source as { setData(d: unknown): void }).setData(data);
  else {
    map.addSource('picked-place', { type: 'geojson', data });
    map.addLayer({
      id: 'picked-place',
      type: 'circle',
      source: 'picked-place',
      paint: { 'circle-radius': 16, 'circle-color': 'rgba(180, 35, 24, 0.12)', 'circle-stroke-color': '#b42318', 'circle-stroke-width': 3 },
    });
  }
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  map.flyTo({ center: [lon, lat], zoom: place.kind === 'commune' ? 12 : 15, animate: !reduceMotion });
}
