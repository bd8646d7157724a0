/**
 * The page of what this browser keeps for the citizen ("my reports", "my requests"): each kept
 * tracking link fetched with its secret, summarised, and a link that no longer works offered to
 * be forgotten. The callers give the texts, the query and how an item is summarised.
 */
import { type QueryFunction, type QueryKey, useQueries } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useT } from './i18n';
import { ProblemMessage } from './ProblemMessage';
import { useDocumentTitle } from './page';

export interface KeptItem {
  number: string;
  token: string;
}

export interface KeptItemsPageProps<K extends KeptItem, R> {
  kept: K[];
  texts: { title: string; lead: ReactNode; empty: ReactNode; otherDevice: ReactNode; badLink: ReactNode; forget: ReactNode };
  /** Where an empty list sends the citizen. */
  start: { to: string; label: ReactNode };
  query: (k: K) => { queryKey: QueryKey; queryFn: QueryFunction<R> };
  isNotFound: (error: unknown) => boolean;
  forget: (number: string) => void;
  /** The item's title while loading (r undefined) and once loaded. */
  title: (k: K, r: R | undefined) => ReactNode;
  to: (k: K, r: R | undefined) => string;
  /** The lines under the title once the item has loaded. */
  details: (r: R) => ReactNode;
}

export function KeptItemsPage<K extends KeptItem, R>(p: KeptItemsPageProps<K, R>) {
  const t = useT();
  useDocumentTitle(p.texts.title);
  const queries = useQueries({ queries: p.kept.map(p.query) });
  return (
    <>
      <h1>{p.texts.title}</h1>
      <p className="lead">{p.texts.lead}</p>
      {p.kept.length === 0 ? (
        <div className="empty-state">
          <p className="empty">{p.texts.empty}</p>
          <p>
            <Link className="button" to={p.start.to}>
              {p.start.label}
            </Link>
          </p>
        </div>
      ) : (
        <ul className="report-list">
          {p.kept.map((k, i) => {
            const q = queries[i];
            const r = q?.data;
            return (
              <li key={k.number}>
                <article className="report-summary" aria-labelledby={`mine-${k.number}`}>
                  <div className="report-summary-body">
                    <h2 id={`mine-${k.number}`} className="report-summary-title">
                      <Link to={p.to(k, r)}>{p.title(k, r)}</Link>
                    </h2>
                    {r ? (
                      p.details(r)
                    ) : q?.isError && p.isNotFound(q.error) ? (
                      <>
                        <p className="field-error">{p.texts.badLink}</p>
                        <button type="button" className="button button-secondary button-small" onClick={() => p.forget(k.number)}>
                          {p.texts.forget}
                        </button>
                      </>
                    ) : q?.isError ? (
                      <ProblemMessage error={q.error} onRetry={() => void q.refetch()} compact />
                    ) : (
                      <p className="loading-line" role="status">
                        {t('common.loading')}
                      </p>
                    )}
                  </div>
                </article>
              </li>
            );
          })}
        </ul>
      )}
      <p className="field-hint">{p.texts.otherDevice}</p>
    </>
  );
}
