/** "My reports": the reports whose tracking links this browser keeps (nothing is stored on a server account). */
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { forgetReport, useKeptReports } from './kept-reports';
import { isOpen, StatusBadge } from './report-bits';
import { isNotFound, trackedKey, trackedQueryFn } from './reports-api';

export function MyReportsPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const kept = useKeptReports();
  useDocumentTitle(t.text('portal.reports.mine.title'));
  const queries = useQueries({
    queries: kept.map((k) => ({ queryKey: trackedKey(k.number), queryFn: trackedQueryFn(k.number, k.token) })),
  });
  return (
    <>
      <h1>{t('portal.reports.mine.title')}</h1>
      <p className="lead">{t('portal.reports.mine.lead')}</p>
      {kept.length === 0 ? (
        <div className="empty-state">
          <p className="empty">{t('portal.reports.mine.empty')}</p>
          <p>
            <Link className="button" to="/reports/new">
              {t('portal.reports.new.title')}
            </Link>
          </p>
        </div>
      ) : (
        <ul className="report-list">
          {kept.map((k, i) => {
            const q = queries[i];
            const r = q?.data;
            return (
              <li key={k.number}>
                <article className="report-summary" aria-labelledby={`mine-${k.number}`}>
                  <div className="report-summary-body">
                    <h2 id={`mine-${k.number}`} className="report-summary-title">
                      <Link to={`/reports/${k.number}`}>
                        {r ? ml(r.category.name) : t('portal.reports.numberShort', { number: k.number })}
                      </Link>
                    </h2>
                    {r ? (
                      <>
                        <p className="report-meta">
                          <StatusBadge status={r.status} />
                          <span>{t('portal.reports.numberShort', { number: r.number })}</span>
                          <time dateTime={r.createdAt}>{fmt.date(r.createdAt)}</time>
                        </p>
                        {isOpen(r.status) ? (
                          <p className="report-place">{t('portal.reports.mine.expected', { date: fmt.date(r.expectedBy) })}</p>
                        ) : null}
                        {r.canReopen ? <p className="report-place">{t('portal.reports.mine.canReopen')}</p> : null}
                      </>
                    ) : q?.isError && isNotFound(q.error) ? (
                      <>
                        <p className="field-error">{t('portal.reports.detail.badLink')}</p>
                        <button type="button" className="button button-secondary button-small" onClick={() => forgetReport(k.number)}>
                          {t('portal.reports.detail.forget')}
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
      <p className="field-hint">{t('portal.reports.mine.otherDevice')}</p>
    </>
  );
}
