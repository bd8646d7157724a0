/**
 * Public reports: a map (lazy) and a list, filtered by category, state, district and date, a page
 * at a time. The filters live in the address (shareable, and the back button undoes one). Only
 * what the API makes public is shown: no contact details, approved photos only.
 */
import { Suspense, useId, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useLocale, useMultilingual, useT } from '../../shared/i18n';
import { lazyRetry } from '../../shared/lazy';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { SelectField, TextField } from './fields';
import { Chevron, groupCategories, ReportSummary, useGroupName } from './report-bits';
import { type ListFilters, useCategories, useDistricts, usePublicReports } from './reports-api';

const ReportsMap = lazyRetry(() => import('./ReportsMap'));

const PAGE_SIZE = 20;
/** The map shows up to this many of the matching reports (the API's largest page). */
const MAP_LIMIT = 200;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A day (YYYY-MM-DD, this device's calendar) as the instant it starts; `end`: the instant the next day starts. */
function dayStart(day: string, end = false): string | undefined {
  if (!DATE.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d + (end ? 1 : 0));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function ReportListPage() {
  const t = useT();
  const ml = useMultilingual();
  const locale = useLocale();
  const fmt = useFormat();
  const groupName = useGroupName();
  const countId = useId();
  const [params, setParams] = useSearchParams();
  const categories = useCategories();
  const districts = useDistricts();
  useDocumentTitle(t.text('portal.reports.list.title'));

  const category = params.get('category') ?? '';
  const status = params.get('status') ?? '';
  const district = params.get('district') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const filters: ListFilters = useMemo(
    () => ({
      ...(/^[a-z0-9_-]{1,63}$/.test(category) ? { category } : {}),
      ...(status === 'unresolved' || status === 'resolved' ? { status } : {}),
      ...(/^[0-9a-f-]{36}$/.test(district) ? { district } : {}),
      ...(dayStart(from) ? { from: dayStart(from) } : {}),
      ...(dayStart(to, true) ? { to: dayStart(to, true) } : {}),
    }),
    [category, status, district, from, to],
  );
  const list = usePublicReports({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const onMap = usePublicReports({ ...filters, limit: MAP_LIMIT, offset: 0 });

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('page');
    setParams(next);
  };
  const setPage = (n: number) => {
    const next = new URLSearchParams(params);
    if (n > 1) next.set('page', String(n));
    else next.delete('page');
    setParams(next);
  };

  const total = list.data?.page.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const items = list.data?.items ?? [];
  const filtered = Object.keys(filters).length > 0;
  const sortedDistricts = [...(districts.data ?? [])]
    .map((d) => ({ id: d.id, name: ml.text(d.name) }))
    .sort((a, b) => a.name.localeCompare(b.name, locale));

  return (
    <>
      <h1>{t('portal.reports.list.title')}</h1>
      <p className="lead">{t('portal.reports.list.lead')}</p>
      <p>
        <Link className="button" to="/reports/new">
          <Icon name="report" size={20} />
          {t('portal.reports.new.title')}
        </Link>
      </p>

      {/* Folded on arrival (a phone sees the map and the list first), open while a filter is set. */}
      <details className="filters" open={filtered || undefined}>
        <summary className="filters-title">
          <Icon name="chevron" size={20} />
          {t('portal.reports.list.filters')}
          {filtered ? <span className="badge">{t('portal.reports.list.filtersOn', { count: Object.keys(filters).length })}</span> : null}
        </summary>
        <div className="filters-grid">
          <SelectField
            showOptional={false}
            label={t('portal.reports.list.category')}
            value={category}
            onChange={(v) => setFilter('category', v)}
          >
            <option value="">{t('portal.reports.list.all')}</option>
            {groupCategories(categories.data ?? []).map((g) => (
              <optgroup key={g.group} label={groupName.text(g.group)}>
                {g.items.map((c) => (
                  <option key={c.code} value={c.code}>
                    {ml.text(c.name)}
                  </option>
                ))}
              </optgroup>
            ))}
          </SelectField>
          <SelectField showOptional={false} label={t('portal.reports.list.status')} value={status} onChange={(v) => setFilter('status', v)}>
            <option value="">{t('portal.reports.list.all')}</option>
            <option value="unresolved">{t.text('portal.reports.list.unresolved')}</option>
            <option value="resolved">{t.text('portal.reports.list.resolved')}</option>
          </SelectField>
          <SelectField
            showOptional={false}
            label={t('portal.reports.list.district')}
            value={district}
            onChange={(v) => setFilter('district', v)}
          >
            <option value="">{t('portal.reports.list.all')}</option>
            {sortedDistricts.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </SelectField>
          <TextField
            type="date"
            label={t('portal.reports.list.from')}
            value={from}
            onChange={(v) => setFilter('from', v)}
            showOptional={false}
          />
          <TextField type="date" label={t('portal.reports.list.to')} value={to} onChange={(v) => setFilter('to', v)} showOptional={false} />
        </div>
        {filtered ? (
          <button type="button" className="button button-quiet" onClick={() => setParams(new URLSearchParams())}>
            {t('portal.reports.list.clear')}
          </button>
        ) : null}
      </details>

      <ErrorBoundary>
        <Suspense fallback={<div className="map-placeholder map-reports-placeholder" aria-busy="true" />}>
          <ReportsMap reports={onMap.data?.items ?? []} />
        </Suspense>
      </ErrorBoundary>
      <MapLegend />

      <section className="section" aria-labelledby="list-title">
        <h2 id="list-title">{t('portal.reports.list.results')}</h2>
        <p id={countId} className="result-count" role="status">
          {list.data ? t('portal.reports.list.count', { count: total }) : null}
        </p>
        {list.isError && !list.data ? <ProblemMessage error={list.error} onRetry={() => void list.refetch()} /> : null}
        {!list.data && !list.isError ? (
          <p className="loading-line" role="status">
            {t('common.loading')}
          </p>
        ) : null}
        {list.data && items.length === 0 ? <p className="empty">{t('portal.reports.list.empty')}</p> : null}
        <ul className="report-list" aria-describedby={countId} aria-busy={list.isFetching || undefined}>
          {items.map((r) => (
            <li key={r.number}>
              <ReportSummary report={r} />
            </li>
          ))}
        </ul>
        {pages > 1 ? (
          <nav className="pager" aria-label={t.text('portal.reports.list.pages')}>
            <button type="button" className="button button-secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              <Chevron to="back" />
              {t('portal.reports.list.previous')}
            </button>
            <span>{t('portal.reports.list.page', { page: fmt.number(page), pages: fmt.number(pages) })}</span>
            <button type="button" className="button button-secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              {t('portal.reports.list.next')}
              <Chevron to="forward" />
            </button>
          </nav>
        ) : null}
      </section>
    </>
  );
}

/** What the colours of the points mean (the list says each report's state in words). */
function MapLegend() {
  const t = useT();
  return (
    <ul className="map-legend" aria-label={t.text('portal.reports.map.legend')}>
      {(['open', 'progress', 'done', 'stopped'] as const).map((tone) => (
        <li key={tone}>
          <span className={`legend-dot tone-${tone}`} aria-hidden="true" />
          {t(`portal.reports.map.tone.${tone}`)}
        </li>
      ))}
    </ul>
  );
}
