/**
 * /services: the commune's published procedures (Law 55.19 arts 5–6), searched by the server
 * (Arabic folded: hamza, ta marbuta and alif maqsura forms match each other) and by category.
 * The search and the category live in the address, so a result can be shared and the back
 * button returns to it.
 */
import { useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PROCEDURE_CATEGORIES } from '../../../../src/modules/eservices/procedure';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { Chevron } from '../reports/report-bits';
import { type CatalogQuery, type ProcedureSummary, useCatalog } from './eservices-api';
import { useKeptRequests } from './kept-requests';
import { DeadlineText, FeeText, SilenceText } from './service-bits';

const PAGE_SIZE = 20;
const Q_MAX = 100;

export function CatalogPage() {
  const t = useT();
  const fmt = useFormat();
  const searchId = useId();
  const countId = useId();
  const [params, setParams] = useSearchParams();
  const kept = useKeptRequests();
  useDocumentTitle(t.text('services.catalog.title'));

  const q = params.get('q') ?? '';
  const categoryParam = params.get('category') ?? '';
  const category = (PROCEDURE_CATEGORIES as readonly string[]).includes(categoryParam) ? categoryParam : '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  // What is typed shows at once; the address (and the search) follows a moment later.
  const [typed, setTyped] = useState(q);
  useEffect(() => setTyped(q), [q]);
  useEffect(() => {
    if (typed === q) return;
    const timer = setTimeout(() => {
      const next = new URLSearchParams(params);
      if (typed.trim()) next.set('q', typed);
      else next.delete('q');
      next.delete('page');
      setParams(next, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [typed, q, params, setParams]);

  const query: CatalogQuery = useMemo(
    () => ({
      ...(q.trim() ? { q: q.trim().slice(0, Q_MAX) } : {}),
      ...(category ? { category: category as NonNullable<CatalogQuery['category']> } : {}),
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    }),
    [q, category, page],
  );
  const list = useCatalog(query);
  const data = useDeferredValue(list.data);
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== 'page') next.delete('page');
    setParams(next);
  };

  return (
    <>
      <h1>{t('services.catalog.title')}</h1>
      <p className="lead">{t('services.catalog.lead')}</p>
      {kept.length > 0 ? (
        <p>
          <Link to="/services/mine" className="button button-secondary">
            <Icon name="inbox" size={20} />
            {t('services.mine.link', { count: kept.length })}
          </Link>
        </p>
      ) : null}

      <search className="service-search" aria-label={t.text('services.catalog.searchLabel')}>
        <div className="field">
          <label htmlFor={searchId} className="field-label">
            {t('services.catalog.search')}
          </label>
          <input
            id={searchId}
            type="search"
            inputMode="search"
            enterKeyHint="search"
            dir="auto"
            maxLength={Q_MAX}
            value={typed}
            aria-describedby={`${searchId}-hint`}
            onChange={(e) => setTyped(e.target.value)}
          />
          <p id={`${searchId}-hint`} className="field-hint">
            {t('services.catalog.searchHint')}
          </p>
        </div>
        <fieldset className="category-chips">
          <legend className="field-label">{t('services.catalog.category')}</legend>
          <div className="chips">
            {['', ...PROCEDURE_CATEGORIES].map((c) => (
              <label key={c || 'all'} className="chip">
                <input type="radio" name="category" value={c} checked={category === c} onChange={() => set('category', c)} />
                <span>{c ? t(`services.category.${c}`) : t('services.catalog.all')}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </search>

      <section className="section" aria-labelledby="catalog-results">
        <h2 id="catalog-results" className="visually-hidden">
          {t('services.catalog.results')}
        </h2>
        <p id={countId} className="result-count" role="status">
          {data ? t('services.catalog.count', { count: total }) : null}
        </p>
        {list.isError && !data ? <ProblemMessage error={list.error} onRetry={() => void list.refetch()} /> : null}
        {!data && !list.isError ? (
          <p className="loading-line" role="status">
            {t('common.loading')}
          </p>
        ) : null}
        {data && data.items.length === 0 ? <p className="empty">{t('services.catalog.empty')}</p> : null}
        <ul className="procedure-list" aria-describedby={countId} aria-busy={list.isFetching || undefined}>
          {(data?.items ?? []).map((p) => (
            <li key={p.code}>
              <ProcedureCard procedure={p} />
            </li>
          ))}
        </ul>
        {pages > 1 ? (
          <nav className="pager" aria-label={t.text('services.catalog.pages')}>
            <button type="button" className="button button-secondary" disabled={page <= 1} onClick={() => set('page', String(page - 1))}>
              <Chevron to="back" />
              {t('services.catalog.previous')}
            </button>
            <span>{t('services.catalog.page', { page: fmt.number(page), pages: fmt.number(pages) })}</span>
            <button
              type="button"
              className="button button-secondary"
              disabled={page >= pages}
              onClick={() => set('page', String(page + 1))}
            >
              {t('services.catalog.next')}
              <Chevron to="forward" />
            </button>
          </nav>
        ) : null}
      </section>
    </>
  );
}

function ProcedureCard({ procedure: p }: { procedure: ProcedureSummary }) {
  const t = useT();
  const ml = useMultilingual();
  const titleId = `procedure-${p.code}`;
  return (
    <article className="procedure-card" aria-labelledby={titleId}>
      <p className="procedure-category">{t(`services.category.${p.category}`)}</p>
      <h3 id={titleId} className="procedure-name">
        <Link to={`/services/${p.code}`}>{ml(p.name)}</Link>
      </h3>
      {p.summary ? <p className="procedure-summary">{ml(p.summary)}</p> : null}
      <dl className="procedure-facts">
        <div>
          <dt>
            <Icon name="clock" size={18} />
            {t('services.fact.deadline')}
          </dt>
          <dd>
            <DeadlineText deadline={p.deadline} />
          </dd>
        </div>
        <div>
          <dt>
            <Icon name="history" size={18} />
            {t('services.fact.silence')}
          </dt>
          <dd className={p.silence === 'approval' ? 'silence-approval' : undefined}>
            <SilenceText silence={p.silence} short />
          </dd>
        </div>
        <div>
          <dt>
            <Icon name="document" size={18} />
            {t('services.fact.fee')}
          </dt>
          <dd>
            <FeeText fee={p.fee} />
          </dd>
        </div>
      </dl>
    </article>
  );
}
