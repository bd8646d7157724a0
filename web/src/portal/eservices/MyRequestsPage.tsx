/** "My requests": the requests whose tracking secrets this browser keeps (no account: nothing about them is stored elsewhere). */
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { isNotFound, requestKey, requestQueryFn } from './eservices-api';
import { forgetRequest, useKeptRequests } from './kept-requests';
import { RequestStatusBadge } from './service-bits';

export function MyRequestsPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const kept = useKeptRequests();
  useDocumentTitle(t.text('services.mine.title'));
  const queries = useQueries({
    queries: kept.map((k) => ({ queryKey: requestKey(k.number), queryFn: requestQueryFn(k.number, k.token) })),
  });
  return (
    <>
      <h1>{t('services.mine.title')}</h1>
      <p className="lead">{t('services.mine.lead')}</p>
      {kept.length === 0 ? (
        <div className="empty-state">
          <p className="empty">{t('services.mine.empty')}</p>
          <p>
            <Link className="button" to="/services">
              {t('services.catalog.title')}
            </Link>
          </p>
        </div>
      ) : (
        <ul className="report-list">
          {kept.map((k, i) => {
            const q = queries[i];
            const r = q?.data;
            const to = r?.status === 'draft' ? `/services/${r.procedure.code}/apply` : `/services/requests/${encodeURIComponent(k.number)}`;
            return (
              <li key={k.number}>
                <article className="report-summary" aria-labelledby={`mine-${k.number}`}>
                  <div className="report-summary-body">
                    <h2 id={`mine-${k.number}`} className="report-summary-title">
                      <Link to={to}>{r ? ml(r.procedure.name) : t('services.request.title', { number: k.number })}</Link>
                    </h2>
                    {r ? (
                      <>
                        <p className="report-meta">
                          <RequestStatusBadge status={r.status} />
                          <span dir="ltr">{r.number}</span>
                          <time dateTime={r.createdAt}>{fmt.date(r.createdAt)}</time>
                        </p>
                        {r.status === 'incomplete' && r.clocks.completionDueAt ? (
                          <p className="report-place">{t('services.mine.completeBy', { date: fmt.date(r.clocks.completionDueAt) })}</p>
                        ) : null}
                        {r.status === 'needs_completion' ? <p className="report-place">{t('services.mine.asked')}</p> : null}
                        {r.documents.some((d) => !d.revokedAt) ? <p className="report-place">{t('services.mine.document')}</p> : null}
                      </>
                    ) : q?.isError && isNotFound(q.error) ? (
                      <>
                        <p className="field-error">{t('services.request.badLink')}</p>
                        <button type="button" className="button button-secondary button-small" onClick={() => forgetRequest(k.number)}>
                          {t('services.request.forget')}
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
      <p className="field-hint">{t('services.mine.otherDevice')}</p>
    </>
  );
}
