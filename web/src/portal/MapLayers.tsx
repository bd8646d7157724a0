/** The commune's public GIS layers on the portal map, each with a box to show or hide it. */
import { useQuery } from '@tanstack/react-query';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useMemo, useState } from 'react';
import { api, unwrap } from '../api/client';
import { useMultilingual, useT } from '../shared/i18n';
import { layerColor, showGisLayer } from '../shared/map/gis-layers';

export function MapLayers({ map }: { map: MapLibreMap | null }) {
  const t = useT();
  const ml = useMultilingual();
  const layers = useQuery({
    queryKey: ['portal', 'gis', 'layers'],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/gis/layers', { signal }))).items,
  });
  // The base map's layers (the communes, OpenStreetMap's streets and buildings) are drawn already.
  const own = useMemo(() => (layers.data ?? []).filter((l) => !l.basemap), [layers.data]);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  // The map is handed over as soon as it exists, before its style has loaded: layers are added
  // once it has (`isStyleLoaded` is false again whenever tiles load, so it cannot be the test).
  const [ready, setReady] = useState(false);
  useEffect(() => {
    setReady(false);
    if (!map) return;
    const loaded = () => setReady(true);
    if (map.loaded()) loaded();
    else map.once('load', loaded);
    return () => {
      map.off('load', loaded);
    };
  }, [map]);
  useEffect(() => {
    if (!map || !ready) return;
    for (const [i, l] of own.entries()) showGisLayer(map, l.code, layerColor(i), !hidden.has(l.code));
  }, [map, ready, own, hidden]);
  if (own.length === 0) return null;
  return (
    <fieldset className="map-layers">
      <legend>{t('portal.map.layers')}</legend>
      <ul>
        {own.map((l, i) => (
          <li key={l.code}>
            <label>
              <input
                type="checkbox"
                checked={!hidden.has(l.code)}
                onChange={(e) => {
                  const next = new Set(hidden);
                  if (e.target.checked) next.delete(l.code);
                  else next.add(l.code);
                  setHidden(next);
                }}
              />
              <span className="map-layer-swatch" style={{ background: layerColor(i) }} aria-hidden="true" />
              {ml(l.title)}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
