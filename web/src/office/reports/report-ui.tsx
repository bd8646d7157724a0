/** Small pieces shared by the office's report and work order pages. */
import { Icon } from '../../shared/Icon';
import { useT } from '../../shared/i18n';
import { lazyRetry } from '../../shared/lazy';
import { ageOf, OPEN_STATUSES, type ReportStatus } from './reports-api';

// MapLibre (~800 kB) loads only when a map is shown.
export const PointsMap = lazyRetry(() => import('../map/PointsMap'));

/** The colour of a status on the map (the badges use the same families, in text colours that pass AA). */
export const STATUS_COLORS: Record<ReportStatus, string> = {
  open: '#1d4ed8',
  acknowledged: '#6d28d9',
  in_progress: '#b54708',
  fixed: '#05603a',
  closed: '#05603a',
  not_fixed: '#667085',
  not_responsible: '#667085',
  duplicate: '#667085',
  rejected: '#667085',
};

/** The status groups the map's legend shows. */
export const LEGEND: { color: string; statuses: ReportStatus[] }[] = [
  { color: STATUS_COLORS.open, statuses: ['open'] },
  { color: STATUS_COLORS.acknowledged, statuses: ['acknowledged'] },
  { color: STATUS_COLORS.in_progress, statuses: ['in_progress'] },
  { color: STATUS_COLORS.fixed, statuses: ['fixed', 'closed'] },
  { color: STATUS_COLORS.rejected, statuses: ['not_fixed', 'not_responsible', 'duplicate', 'rejected'] },
];

export function StatusBadge({ status }: { status: ReportStatus }) {
  const t = useT();
  return <span className={`badge report-status report-status-${status}`}>{t(`office.reports.status.${status}`)}</span>;
}

export function OverdueBadge() {
  const t = useT();
  return (
    <span className="badge badge-overdue">
      <Icon name="clock" size={14} />
      {t('office.reports.overdue')}
    </span>
  );
}

/** "3 days ago" */
export function Age({ at }: { at: string }) {
  const t = useT();
  const { unit, count } = ageOf(at);
  return <>{t(unit === 'hours' ? 'office.reports.ageHours' : 'office.reports.ageDays', { count })}</>;
}

export const isOpen = (status: ReportStatus) => OPEN_STATUSES.includes(status);
