/** "My reports": the reports whose tracking links this browser keeps (nothing is stored on a server account). */
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { KeptItemsPage } from '../../shared/KeptItemsPage';
import { forgetReport, useKeptReports } from './kept-reports';
import { isOpen, StatusBadge } from './report-bits';
import { isNotFound, trackedKey, trackedQueryFn } from './reports-api';

export function MyReportsPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  return (
    <KeptItemsPage
      kept={useKeptReports()}
      texts={{
        title: t.text('portal.reports.mine.title'),
        lead: t('portal.reports.mine.lead'),
        empty: t('portal.reports.mine.empty'),
        otherDevice: t('portal.reports.mine.otherDevice'),
        badLink: t('portal.reports.detail.badLink'),
        forget: t('portal.reports.detail.forget'),
      }}
      start={{ to: '/reports/new', label: t('portal.reports.new.title') }}
      query={(k) => ({ queryKey: trackedKey(k.number), queryFn: trackedQueryFn(k.number, k.token) })}
      isNotFound={isNotFound}
      forget={forgetReport}
      title={(k, r) => (r ? ml(r.category.name) : t('portal.reports.numberShort', { number: k.number }))}
      to={(k) => `/reports/${k.number}`}
      details={(r) => (
        <>
          <p className="report-meta">
            <StatusBadge status={r.status} />
            <span>{t('portal.reports.numberShort', { number: r.number })}</span>
            <time dateTime={r.createdAt}>{fmt.date(r.createdAt)}</time>
          </p>
          {isOpen(r.status) ? <p className="report-place">{t('portal.reports.mine.expected', { date: fmt.date(r.expectedBy) })}</p> : null}
          {r.canReopen ? <p className="report-place">{t('portal.reports.mine.canReopen')}</p> : null}
        </>
      )}
    />
  );
}
