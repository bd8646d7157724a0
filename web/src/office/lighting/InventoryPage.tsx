/** /office/lighting/list: the luminaires with their live state, filtered (in the address) and paged. */
import { Link, useSearchParams } from 'react-router';
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { type Option, Pager, SelectField } from '../forms';
import {
  LIVE_STATES,
  type LiveState,
  type LuminaireItem,
  type LuminaireQuery,
  TECHNOLOGIES,
  type Technology,
  useFacets,
  useLuminaires,
} from './lighting-api';
import { StateBadge } from './MapPage';
import './lighting.css';

const PAGE = 25;
const ALL = 'all';

export function InventoryPage() {
  const t = useT();
  const ml = useMultilingual();
  const [params, setParams] = useSearchParams();
  const facets = useFacets();
  useDocumentTitle(t.text('lighting.list.title'));
  const pick = (key: string) => params.get(key) ?? ALL;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const state = pick('state');
  const technology = pick('technology');
  const cabinet = pick('cabinet');
  const group = pick('group');
  const district = pick('district');
  const query: LuminaireQuery = {
    limit: PAGE,
    offset,
    ...(state !== ALL ? { state: state as LiveState } : {}),
    ...(technology !== ALL ? { technology: technology as Technology } : {}),
    ...(cabinet !== ALL ? { cabinet } : {}),
    ...(group !== ALL ? { group } : {}),
    ...(district !== ALL ? { district } : {}),
  };
  const list = useLuminaires(query);

  const change = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === ALL) next.delete(key);
    else next.set(key, value);
    if (key !== 'offset') next.delete('offset');
    setParams(next, { replace: true });
  };
  const all: Option<string> = { id: ALL, label: t('lighting.filter.all'), text: t.text('lighting.filter.all') };
  const options = (items: { id: string; text: string }[]): Option<string>[] => [
    all,
    ...items.map((i) => ({ id: i.id, label: i.text, text: i.text })),
  ];

  return (
    <>
      <h1>{t('lighting.list.title')}</h1>
      <nav className="lighting-links" aria-label={t.text('lighting.nav.label')}>
        <Link to="/office/lighting">{t('lighting.nav.map')}</Link>
        <Link to="/office/lighting/energy">{t('lighting.nav.energy')}</Link>
      </nav>
      <search className="filters lighting-filters" aria-label={t.text('lighting.filter.label')}>
        <SelectField
          label={t('lighting.field.state')}
          value={state}
          onChange={(v) => change('state', v)}
          options={options(LIVE_STATES.map((s) => ({ id: s, text: t.text(`lighting.state.${s}`) })))}
        />
        <SelectField
          label={t('lighting.field.technology')}
          value={technology}
          onChange={(v) => change('technology', v)}
          options={options(TECHNOLOGIES.map((s) => ({ id: s, text: t.text(`lighting.technology.${s}`) })))}
        />
        <SelectField
          label={t('lighting.field.cabinet')}
          value={cabinet}
          onChange={(v) => change('cabinet', v)}
          options={options((facets.data?.cabinets ?? []).map((c) => ({ id: c.id, text: c.code })))}
        />
        <SelectField
          label={t('lighting.field.group')}
          value={group}
          onChange={(v) => change('group', v)}
          options={options((facets.data?.groups ?? []).map((g) => ({ id: g.id, text: `${g.code} · ${ml.text(g.name)}` })))}
        />
        <SelectField
          label={t('lighting.field.district')}
          value={district}
          onChange={(v) => change('district', v)}
          options={options((facets.data?.districts ?? []).map((d) => ({ id: d.id, text: ml.text(d.name) })))}
        />
      </search>
      <p className="result-count" aria-live="polite">
        {list.data ? t('lighting.list.count', { count: list.data.page.total }) : null}
      </p>
      {list.isError ? (
        <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          {list.data.items.length === 0 ? <p className="empty">{t('lighting.list.empty')}</p> : null}
          <ul className="record-list lamp-list" data-testid="lamp-list">
            {list.data.items.map((l) => (
              <li key={l.id} className="record">
                <LampRow lamp={l} />
              </li>
            ))}
          </ul>
          <Pager
            total={list.data.page.total}
            limit={PAGE}
            offset={offset}
            onChange={(next) => change('offset', next ? String(next) : ALL)}
          />
        </>
      )}
    </>
  );
}

function LampRow({ lamp: l }: { lamp: LuminaireItem }) {
  const t = useT();
  const fmt = useFormat();
  return (
    <div className="record-main">
      <p className="record-title">
        <Link to={`/office/lighting?lamp=${l.id}`}>
          <bdi>{l.code}</bdi>
        </Link>{' '}
        <StateBadge state={l.state} />
      </p>
      <p className="record-meta">
        {t('lighting.panel.lamp', { technology: t.text(`lighting.technology.${l.technology}`), watts: l.powerRating })}
        {l.cabinet ? (
          <>
            {' · '}
            <bdi>{l.cabinet.code}</bdi>
          </>
        ) : null}
        {l.dimLevel !== null ? <> · {t('lighting.list.dim', { dim: l.dimLevel })}</> : null}
        {l.power !== null ? <> · {t('lighting.list.power', { power: fmt.number(l.power) })}</> : null}
      </p>
      <p className="record-meta">
        {l.lastSeenAt ? t('lighting.list.lastSeen', { when: fmt.dateTime(l.lastSeenAt) }) : t('lighting.panel.never')}
      </p>
    </div>
  );
}
