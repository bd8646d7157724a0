/** /office/workorders: my work orders or all I may see, by status; open and most urgent first. */
import { ToggleButton, ToggleButtonGroup } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { type Option, Pager, SelectField } from '../forms';
import { PERMISSIONS, useSession } from '../session';
import '../reports/reports.css';
import './workorders.css';
import { useWorkOrders, WORK_ORDER_STATUSES, type WorkOrder, type WorkOrderStatus } from './workorders-api';

const PAGE = 25;

export function WorkOrdersPage() {
  const t = useT();
  const { me, can } = useSession();
  const [params, setParams] = useSearchParams();
  // A contractor only ever sees its own; field staff start from theirs, planners from everything.
  const isContractor = me.user.role === 'contractor';
  const defaultScope = can(PERMISSIONS.workOrdersManage) ? 'all' : 'mine';
  const scope = isContractor ? 'mine' : (params.get('scope') ?? defaultScope) === 'mine' ? 'mine' : 'all';
  const statusParam = params.get('status');
  const status: WorkOrderStatus | 'all' = WORK_ORDER_STATUSES.find((s) => s === statusParam) ?? 'all';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const list = useWorkOrders({
    limit: PAGE,
    offset,
    ...(status !== 'all' ? { status } : {}),
    ...(scope === 'mine' && !isContractor ? { mine: true } : {}),
  });
  useDocumentTitle(t.text('office.nav.workorders'));

  const change = (next: Record<string, string | null>) => {
    const search = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === null) search.delete(key);
      else search.set(key, value);
    }
    if (!('offset' in next)) search.delete('offset');
    setParams(search, { replace: true });
  };

  const statusOptions: Option<WorkOrderStatus | 'all'>[] = [
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...WORK_ORDER_STATUSES.map((s) => ({
      id: s,
      label: t(`office.workorders.status.${s}`),
      text: t.text(`office.workorders.status.${s}`),
    })),
  ];

  return (
    <>
      <h1>{t('office.nav.workorders')}</h1>
      <search className="filters filters-workorders" aria-label={t.text('office.filter.label')}>
        {isContractor ? null : (
          <div className="field">
            <span className="field-label" id="wo-scope-label">
              {t('office.workorders.scope')}
            </span>
            <ToggleButtonGroup
              className="view-toggle"
              aria-labelledby="wo-scope-label"
              selectionMode="single"
              disallowEmptySelection
              selectedKeys={[scope]}
              onSelectionChange={(keys) => {
                const [next] = [...keys];
                if (next) change({ scope: next === defaultScope ? null : String(next) });
              }}
            >
              <ToggleButton id="mine" className="view-button">
                {t('office.workorders.mine')}
              </ToggleButton>
              <ToggleButton id="all" className="view-button">
                {t('office.workorders.all')}
              </ToggleButton>
            </ToggleButtonGroup>
          </div>
        )}
        <SelectField
          label={t('office.workorders.statusFilter')}
          value={status}
          onChange={(s) => change({ status: s === 'all' ? null : s })}
          options={statusOptions}
        />
      </search>
      {list.isError ? (
        <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            {t('office.workorders.count', { count: list.data.page.total })}
          </p>
          {list.data.items.length === 0 ? <p className="empty">{t('office.workorders.empty')}</p> : null}
          <ul className="wo-list">
            {list.data.items.map((w) => (
              <li key={w.id}>
                <WorkOrderCard workOrder={w} />
              </li>
            ))}
          </ul>
          <Pager
            total={list.data.page.total}
            limit={PAGE}
            offset={offset}
            onChange={(next) => change({ offset: next ? String(next) : null })}
          />
        </>
      )}
    </>
  );
}

function WorkOrderCard({ workOrder: w }: { workOrder: WorkOrder }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const who = [w.team, w.assignee?.displayName, w.contractor?.displayName].filter(Boolean).join(' · ');
  const done = w.checklist.filter((c) => c.done).length;
  return (
    <Link to={`/office/workorders/${w.id}`} className={w.overdue ? 'wo-card is-overdue' : 'wo-card'}>
      <span className="wo-card-head">
        <span className="wo-number">{t('office.workorders.title', { number: w.number })}</span>
        <WorkOrderStatusBadge status={w.status} />
        {w.priority === 'high' || w.priority === 'urgent' ? <PriorityBadge priority={w.priority} /> : null}
        {w.overdue ? (
          <span className="badge badge-overdue">
            <Icon name="clock" size={14} />
            {t('office.reports.overdue')}
          </span>
        ) : null}
      </span>
      <bdi className="wo-title">{w.title}</bdi>
      <span className="wo-meta">
        {w.dueAt ? (
          <span className={w.overdue ? 'due-late' : undefined}>{t('office.workorders.dueOn', { when: fmt.date(w.dueAt) })}</span>
        ) : null}
        {who ? <bdi>{who}</bdi> : null}
        {w.department ? <span>{ml(w.department.name)}</span> : null}
        {w.checklist.length > 0 ? <span>{t('office.workorders.checklistProgress', { done, total: w.checklist.length })}</span> : null}
      </span>
    </Link>
  );
}

export function WorkOrderStatusBadge({ status }: { status: WorkOrderStatus }) {
  const t = useT();
  return <span className={`badge wo-status wo-status-${status}`}>{t(`office.workorders.status.${status}`)}</span>;
}

export function PriorityBadge({ priority }: { priority: WorkOrder['priority'] }) {
  const t = useT();
  return <span className={`badge priority priority-${priority}`}>{t(`office.workorders.priorityName.${priority}`)}</span>;
}
