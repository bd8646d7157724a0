/** "My requests": the requests whose tracking secrets this browser keeps (no account: nothing about them is stored elsewhere). */
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { KeptItemsPage } from '../../shared/KeptItemsPage';
import { isNotFound, requestKey, requestQueryFn } from './eservices-api';
import { forgetRequest, useKeptRequests } from './kept-requests';
import { RequestStatusBadge } from './service-bits';

export function MyRequestsPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  return (
    <KeptItemsPage
      kept={useKeptRequests()}
      texts={{
        title: t.text('services.mine.title'),
        lead: t('services.mine.lead'),
        empty: t('services.mine.empty'),
        otherDevice: t('services.mine.otherDevice'),
        badLink: t('services.request.badLink'),
        forget: t('services.request.forget'),
      }}
      start={{ to: '/services', label: t('services.catalog.title') }}
      query={(k) => ({ queryKey: requestKey(k.number), queryFn: requestQueryFn(k.number, k.token) })}
      isNotFound={isNotFound}
      forget={forgetRequest}
      title={(k, r) => (r ? ml(r.procedure.name) : t('services.request.title', { number: k.number }))}
      to={(k, r) => (r?.status === 'draft' ? `/services/${r.procedure.code}/apply` : `/services/requests/${encodeURIComponent(k.number)}`)}
      details={(r) => (
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
      )}
    />
  );
}
