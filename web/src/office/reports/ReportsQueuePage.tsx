/** /office/reports: the queue of the user's departments, as a list or on a map, with filters in the address. */
import { Suspense, useState } from 'react';
import { ToggleButton, ToggleButtonGroup } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import { LIMITS } from '../../../../src/platform/limits';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { CheckboxField, type Option, Pager, SelectField } from '../forms';
import { PERMISSIONS, useSession } from '../session';
import './reports.css';
import { Age, LEGEND, OverdueBadge, PointsMap, STATUS_COLORS, StatusBadge } from './report-ui';
import { type QueueItem, type QueueQuery, REPORT_STATUSES, useQueue, useReportCategories } from './reports-api';

const PAGE = 25;
type View = 'list' | 'map';

export function ReportsQueuePage() {
  const t = useT();
  const ml = useMultilingual();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'unresolved';
  const category = params.get('category') ?? 'all';
  const overdue = params.get('overdue') === '1';
  const order = params.get('order') === 'due' ? 'due' : 'newest';
  const view: View = params.get('view') === 'map' ? 'map' : 'list';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const categories = useReportCategories(can(PERMISSIONS.categories));
  useDocumentTitle(t.text('office.nav.reports'));

  const filters: QueueQuery = {
    order,
    ...(status !== 'all' ? { status } : {}),
    ...(category !== 'all' ? { category } : {}),
    ...(overdue ? { overdue: true } : {}),
  };
  const list = useQueue({ ...filters, limit: PAGE, offset }, view === 'list');
  // The map shows the same filter, as many as one request brings.
  const onMap = useQueue({ ...filters, limit: LIMITS.pageSizeMax, offset: 0 }, view === 'map');

  const change = (next: Record<string, string | null>) => {
    const search = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === null) search.delete(key);
      else search.set(key, value);
    }
    if (!('offset' in next)) search.delete('offset');
    setParams(search, { replace: true });
  };

  const statusOptions: Option<string>[] = [
    { id: 'unresolved', label: t('office.reports.filter.unresolved'), text: t.text('office.reports.filter.unresolved') },
    { id: 'resolved', label: t('office.reports.filter.resolved'), text: t.text('office.reports.filter.resolved') },
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...REPORT_STATUSES.map((s) => ({ id: s, label: t(`office.reports.status.${s}`), text: t.text(`office.reports.status.${s}`) })),
  ];
  const categoryOptions: Option<string>[] = [
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...(categories.data ?? []).map((c) => ({ id: c.code, label: ml(c.name), text: ml.text(c.name) })),
  ];
  // A category given in the address but not (yet) listed still shows as chosen.
  if (category !== 'all' && !categoryOptions.some((o) => o.id === category))
    categoryOptions.push({ id: category, label: category, text: category });
  const orderOptions: Option<'newest' | 'due'>[] = [
    { id: 'newest', label: t('office.reports.order.newest'), text: t.text('office.reports.order.newest') },
    { id: 'due', label: t('office.reports.order.due'), text: t.text('office.reports.order.due') },
  ];
  const shown = view === 'list' ? list : onMap;

  return (
    <>
      <h1>{t('office.nav.reports')}</h1>
      <search className="filters filters-reports" aria-label={t.text('office.filter.label')}>
        <SelectField
          label={t('office.reports.filter.status')}
          value={status}
          onChange={(s) => change({ status: s })}
          options={statusOptions}
        />
        <SelectField
          label={t('office.reports.filter.category')}
          value={category}
          onChange={(c) => change({ category: c === 'all' ? null : c })}
          options={categoryOptions}
        />
        <SelectField
          label={t('office.reports.filter.order')}
          value={order}
          onChange={(o) => change({ order: o === 'newest' ? null : o })}
          options={orderOptions}
        />
        <div className="field filters-check">
          <CheckboxField
            label={t('office.reports.filter.overdue')}
            isSelected={overdue}
            onChange={(on) => change({ overdue: on ? '1' : null })}
          />
        </div>
      </search>
      <div className="queue-bar">
        <p className="result-count" aria-live="polite">
          {shown.data ? t('office.reports.count', { count: shown.data.page.total }) : null}
        </p>
        <ToggleButtonGroup
          className="view-toggle"
          aria-label={t.text('office.reports.view.label')}
          selectionMode="single"
          disallowEmptySelection
          selectedKeys={[view]}
          onSelectionChange={(keys) => {
            const [next] = [...keys];
            if (next) change({ view: next === 'map' ? 'map' : null, offset: null });
          }}
        >
          <ToggleButton id="list" className="view-button">
            <Icon name="document" size={18} />
            {t('office.reports.view.list')}
          </ToggleButton>
          <ToggleButton id="map" className="view-button">
            <Icon name="map" size={18} />
            {t('office.reports.view.map')}
          </ToggleButton>
        </ToggleButtonGroup>
      </div>
      {shown.isError ? (
        <ProblemMessage error={shown.error} onRetry={() => void shown.refetch()} />
      ) : shown.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : view === 'list' ? (
        <>
          {shown.data.items.length === 0 ? <p className="empty">{t('office.reports.empty')}</p> : null}
          <ul className="record-list report-list">
            {shown.data.items.map((r) => (
              <li key={r.id} className={r.overdue ? 'record report-row is-overdue' : 'record report-row'}>
                <ReportRow report={r} />
              </li>
            ))}
          </ul>
          <Pager
            total={shown.data.page.total}
            limit={PAGE}
            offset={offset}
            onChange={(next) => change({ offset: next ? String(next) : null })}
          />
        </>
      ) : (
        <QueueMap items={shown.data.items} total={shown.data.page.total} />
      )}
    </>
  );
}

function ReportRow({ report: r }: { report: QueueItem }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const place = [ml.text(r.district?.name), r.address].filter(Boolean).join(' · ');
  return (
    <div className="record-main">
      <p className="record-title">
        <Link to={`/office/reports/${r.id}`} className="report-link">
          <span className="report-number">{t('office.reports.numberShort', { number: r.number })}</span>
          <span>{ml(r.category.name)}</span>
        </Link>
      </p>
      <p className="record-badges">
        <StatusBadge status={r.status} />
        {r.overdue ? <OverdueBadge /> : null}
        {r.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
      </p>
      <div className="report-when-where">
        <p className="record-meta">
          <time dateTime={r.createdAt} title={fmt.dateTime(r.createdAt)}>
            <Age at={r.createdAt} />
          </time>
          {' · '}
          <span className={r.overdue ? 'due-late' : undefined}>{t('office.reports.expectedBy', { when: fmt.date(r.expectedBy) })}</span>
        </p>
        {place ? (
          <p className="record-meta">
            <Icon name="pin" size={16} /> <bdi>{place}</bdi>
          </p>
        ) : null}
      </div>
    </div>
  );
}

function QueueMap({ items, total }: { items: QueueItem[]; total: number }) {
  const t = useT();
  const [selected, setSelected] = useState<string | null>(null);
  const placed = items.filter((r) => r.location);
  const points = placed.map((r) => ({
    id: r.id,
    lat: r.location?.lat ?? 0,
    lon: r.location?.lon ?? 0,
    color: STATUS_COLORS[r.status],
    ring: r.overdue,
  }));
  const chosen = items.find((r) => r.id === selected);
  return (
    <section aria-labelledby="queue-map-title">
      <h2 id="queue-map-title" className="visually-hidden">
        {t('office.reports.view.map')}
      </h2>
      {total > items.length ? (
        <p className="notice notice-compact">{t('office.reports.mapLimited', { shown: items.length, total })}</p>
      ) : null}
      <ErrorBoundary>
        <Suspense fallback={<div className="map-placeholder queue-map-placeholder" aria-busy="true" />}>
          <PointsMap
            className="queue-map"
            points={points}
            label={t.text('office.reports.mapLabel', { count: points.length })}
            selectedId={selected}
            onSelect={setSelected}
          />
        </Suspense>
      </ErrorBoundary>
      <ul className="map-legend" aria-label={t.text('office.reports.legend')}>
        {LEGEND.map((g) => (
          <li key={g.color + g.statuses.join()}>
            <span className="legend-dot" style={{ background: g.color }} aria-hidden="true" />
            {g.statuses.map((s) => t.text(`office.reports.status.${s}`)).join(' · ')}
          </li>
        ))}
        <li>
          <span className="legend-dot legend-ring" aria-hidden="true" />
          {t('office.reports.overdue')}
        </li>
      </ul>
      <p className="field-hint">{t('office.reports.mapHint')}</p>
      {placed.length < items.length ? (
        <p className="field-hint">{t('office.reports.unplaced', { count: items.length - placed.length })}</p>
      ) : null}
      <div aria-live="polite">
        {chosen ? (
          <div className="record report-row map-chosen">
            <ReportRow report={chosen} />
          </div>
        ) : null}
      </div>
    </section>
  );
}
