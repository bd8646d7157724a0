/**
 * /office/lighting: every luminaire of the commune on the map, coloured by the live state its
 * controller last sent (refreshed every 15 s), with a legend that names each state, its symbol and
 * its count; a click opens the lamp's details and latest readings. The list (InventoryPage) says
 * the same in text.
 */
import { Suspense, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { useFormat } from '../../shared/format';
import { useT } from '../../shared/i18n';
import { lazyRetry } from '../../shared/lazy';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { LIVE_STATES, type LiveState, useFacets, useLuminaire, useLuminaireMap } from './lighting-api';
import './lighting.css';

const PointsMap = lazyRetry(() => import('../map/PointsMap'));

/** Fill colours on the map (a fault also gets a thick ring); the legend and badges add a symbol and a name. */
export const STATE_COLORS: Record<LiveState, string> = {
  on: '#f5b800',
  dimmed: '#b07400',
  off: '#1f2937',
  fault: '#b42318',
  silent: '#98a2b3',
  unmonitored: '#e4e7ec',
};
/** A symbol per state, so no state is told by its colour alone. */
export const STATE_SYMBOLS: Record<LiveState, string> = {
  on: '●',
  dimmed: '◐',
  off: '○',
  fault: '⚠',
  silent: '⋯',
  unmonitored: '–',
};

export function StateBadge({ state }: { state: LiveState }) {
  const t = useT();
  return (
    <span className={`badge lamp-state lamp-state-${state}`}>
      <span aria-hidden="true">{STATE_SYMBOLS[state]}</span> {t(`lighting.state.${state}`)}
    </span>
  );
}

export function MapPage() {
  const t = useT();
  const fmt = useFormat();
  const [params, setParams] = useSearchParams();
  const selected = params.get('lamp');
  const map = useLuminaireMap();
  const facets = useFacets();
  useDocumentTitle(t.text('lighting.map.title'));

  const points = useMemo(
    () =>
      (map.data?.features ?? []).map((f) => ({
        id: f.id,
        lon: f.geometry.coordinates[0] ?? 0,
        lat: f.geometry.coordinates[1] ?? 0,
        color: STATE_COLORS[f.properties.state],
        ring: f.properties.state === 'fault',
      })),
    [map.data],
  );
  const counts = new Map((facets.data?.states ?? []).map((s) => [s.state, s.count]));
  const select = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set('lamp', id);
    else next.delete('lamp');
    setParams(next, { replace: true });
  };

  return (
    <>
      <h1>{t('lighting.map.title')}</h1>
      <nav className="lighting-links" aria-label={t.text('lighting.nav.label')}>
        <Link to="/office/lighting/list">{t('lighting.nav.list')}</Link>
        <Link to="/office/lighting/energy">{t('lighting.nav.energy')}</Link>
      </nav>
      {map.isError ? (
        <ProblemMessage error={map.error} onRetry={() => void map.refetch()} />
      ) : (
        <section aria-labelledby="lighting-map-title">
          <h2 id="lighting-map-title" className="visually-hidden">
            {t('lighting.map.title')}
          </h2>
          <ul className="map-legend lighting-legend" aria-label={t.text('lighting.map.legend')} data-testid="lighting-legend">
            {LIVE_STATES.map((s) => (
              <li key={s} data-state={s}>
                <span
                  className={`legend-dot${s === 'fault' ? ' legend-ring' : ''}`}
                  style={{ background: STATE_COLORS[s] }}
                  aria-hidden="true"
                />
                <span aria-hidden="true">{STATE_SYMBOLS[s]}</span>
                {t('lighting.map.legendItem', { state: t.text(`lighting.state.${s}`), count: counts.get(s) ?? 0 })}
              </li>
            ))}
          </ul>
          <p className="field-hint">
            {map.dataUpdatedAt ? t('lighting.map.updated', { time: fmt.dateTime(new Date(map.dataUpdatedAt)) }) : t('common.loading')}
          </p>
          <ErrorBoundary>
            <Suspense fallback={<div className="map-placeholder lighting-map-placeholder" aria-busy="true" />}>
              {map.data ? (
                <PointsMap
                  className="lighting-map"
                  points={points}
                  label={t.text('lighting.map.label', { count: points.length })}
                  selectedId={selected}
                  onSelect={select}
                />
              ) : (
                <div className="map-placeholder lighting-map-placeholder" aria-busy="true" />
              )}
            </Suspense>
          </ErrorBoundary>
          <p className="field-hint">{t('lighting.map.hint')}</p>
          <div aria-live="polite">{selected ? <LuminairePanel id={selected} onClose={() => select(null)} /> : null}</div>
        </section>
      )}
    </>
  );
}

/** A lamp's details and its latest readings, beside the map. */
function LuminairePanel({ id, onClose }: { id: string; onClose(): void }) {
  const t = useT();
  const fmt = useFormat();
  const lamp = useLuminaire(id);
  if (lamp.isError) return <ProblemMessage error={lamp.error} compact />;
  if (!lamp.data) return <p role="status">{t('common.loading')}</p>;
  const l = lamp.data;
  // A figure and its unit read left to right in every language (else Arabic shows "W 1,5").
  const num = (v: number | null, unit: string) => (v === null ? '—' : <bdi dir="ltr">{`${fmt.number(v)} ${unit}`}</bdi>);
  return (
    <section className="lamp-panel" aria-labelledby="lamp-panel-title" data-testid="lamp-panel">
      <div className="lamp-panel-head">
        <h2 id="lamp-panel-title">
          <bdi>{l.code}</bdi>
        </h2>
        <StateBadge state={l.state} />
        <button type="button" className="button button-secondary" onClick={onClose}>
          {t('lighting.panel.close')}
        </button>
      </div>
      <dl className="lamp-facts">
        <dt>{t('lighting.field.technology')}</dt>
        <dd>{t('lighting.panel.lamp', { technology: t.text(`lighting.technology.${l.technology}`), watts: l.powerRating })}</dd>
        <dt>{t('lighting.field.cabinet')}</dt>
        <dd>
          <bdi>{l.cabinet?.code ?? '—'}</bdi>
          {l.circuit ? (
            <>
              {' · '}
              <bdi>{l.circuit}</bdi>
            </>
          ) : null}
        </dd>
        <dt>{t('lighting.field.group')}</dt>
        <dd>
          <bdi>{l.group?.code ?? '—'}</bdi>
        </dd>
        <dt>{t('lighting.field.dim')}</dt>
        <dd>{num(l.dimLevel, '%')}</dd>
        <dt>{t('lighting.field.power')}</dt>
        <dd>{num(l.power, 'W')}</dd>
        <dt>{t('lighting.field.lastSeen')}</dt>
        <dd>{l.lastSeenAt ? fmt.dateTime(l.lastSeenAt) : t('lighting.panel.never')}</dd>
        {l.faults.length > 0 ? (
          <>
            <dt>{t('lighting.field.faults')}</dt>
            <dd>
              <bdi dir="ltr">{l.faults.join(', ')}</bdi>
            </dd>
          </>
        ) : null}
      </dl>
      {l.readings.length === 0 ? (
        <p className="empty">{t('lighting.panel.noReadings')}</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways: the keyboard must reach it (WCAG 2.1.1)
        <section className="table-scroll" tabIndex={0} aria-labelledby="lamp-readings-caption">
          <table className="lighting-table">
            <caption id="lamp-readings-caption">{t('lighting.panel.readings')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('lighting.field.observedAt')}</th>
                <th scope="col">{t('lighting.field.state')}</th>
                <th scope="col">{t('lighting.field.dim')}</th>
                <th scope="col">{t('lighting.field.power')}</th>
                <th scope="col">{t('lighting.field.voltage')}</th>
                <th scope="col">{t('lighting.field.energy')}</th>
              </tr>
            </thead>
            <tbody>
              {l.readings.map((r) => (
                <tr key={r.observedAt}>
                  <td>{fmt.dateTime(r.observedAt)}</td>
                  <td>{t(`lighting.power.${r.powerState}`)}</td>
                  <td>{num(r.dimLevel, '%')}</td>
                  <td>{num(r.powerConsumption, 'W')}</td>
                  <td>{num(r.voltage, 'V')}</td>
                  <td>{num(r.energyConsumed, 'kWh')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
